import { createActor, fromCallback, fromPromise, SimulatedClock } from 'xstate'
import { afterEach, describe, expect, it } from 'vitest'
import {
  BUSY_TTL_MS,
  createSimplePeerFactory,
  joinRoom,
  MAX_CLAIM_ATTEMPTS,
  PAIR_RETRY_MS,
  MemoryStore,
  MemoryTable,
  roomAddress,
  roomMachine,
  SignalingError,
  slotAddress,
  SLOT_POLL_WITH_PUSH_MS,
  SLOT_REFRESH_MS,
  SLOT_TTL_MS,
  type ClaimSlotInput,
  type Room,
  type RoomActor,
} from '../src/index.js'
import { advanceClock, FakePeerNetwork, flushPromises, type FakePeer } from '../src/testing/index.js'
import { codeOf } from './helpers/codes.js'
import { FaultyStore } from './helpers/faulty-store.js'
import { othersPresent } from '../src/machines/room.setup.js'
import { slotRecordData } from '../src/actors/room/slot-record.js'

/** A world of participants: one clock, one fake WebRTC network, one shared table (a store client each). */
function world() {
  const clock = new SimulatedClock()
  const network = new FakePeerNetwork()
  const table = new MemoryTable(clock)
  const rooms: Room<FakePeer>[] = []
  const join = (room: string, maxPeers: number) => {
    const store = new MemoryStore({ table })
    const joined = joinRoom<FakePeer>(room, { maxPeers, store, clock, createPeer: network.createPeer })
    rooms.push(joined)
    return joined
  }
  return { clock, network, table, rooms, join, store: new MemoryStore({ table }) }
}

/** The room machine of a room of many. */
const machineOf = (room: Room<FakePeer>) => room.actor as RoomActor

let cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const step of cleanup) await step()
  cleanup = []
})

/** Every participant sees every other one as a connected peer. */
function expectFullMesh(rooms: Room<FakePeer>[]): void {
  for (const room of rooms) {
    expect([...room.peers.keys()].sort()).toEqual(rooms.filter((other) => other !== room).map((other) => other.selfId).sort())
    for (const peer of room.peers.values()) expect(peer.connected).toBe(true)
  }
}

describe('joinRoom with maxPeers above 2', () => {
  for (const count of [2, 3, 4, 8]) {
    it(`connects ${count} participants joining at once into a full mesh (maxPeers 8)`, async () => {
      const { clock, join, rooms } = world()
      for (let i = 0; i < count; i++) join('mesh', 8)
      cleanup.push(async () => void (await Promise.all(rooms.map((room) => room.leave()))))
      await advanceClock(clock, 20_000, 500)
      expectFullMesh(rooms)
    })
  }
})

describe('rooms over time', () => {
  it('connects participants joining one after another, each newcomer to everyone present', async () => {
    const { clock, join, rooms } = world()
    cleanup.push(async () => void (await Promise.all(rooms.map((room) => room.leave()))))
    for (let i = 0; i < 5; i++) {
      join('queue', 5)
      await advanceClock(clock, 10_000, 500)
      expectFullMesh(rooms)
    }
  })

  it('tells everyone of a leaver, closes its connections on every side, removes its slot and takes a newcomer in its place', async () => {
    const { clock, join, rooms, store } = world()
    cleanup.push(async () => void (await Promise.all(rooms.map((room) => room.leave()))))
    const [a, b, c] = [join('leave', 3), join('leave', 3), join('leave', 3)]
    await advanceClock(clock, 10_000, 500)
    expectFullMesh([a, b, c])
    const left: string[] = []
    a.onPeerLeave((id) => left.push(`a:${id}`))
    c.onPeerLeave((id) => left.push(`c:${id}`))
    const bSlot = (b.actor.getSnapshot().context as { slot: number }).slot
    const bPeers = [...b.peers.values()]
    await b.leave()
    await advanceClock(clock, 5_000, 500)
    expect(left.sort()).toEqual([`a:${b.selfId}`, `c:${b.selfId}`])
    expect(bPeers.every((peer) => peer.destroyed)).toBe(true)
    expect(await store.read(slotAddress('leave', bSlot))).toBeNull()
    expectFullMesh([a, c])
    const d = join('leave', 3)
    await advanceClock(clock, 10_000, 500)
    expect((d.actor.getSnapshot().context as { slot: number }).slot).toBe(bSlot)
    expectFullMesh([a, c, d])
  })

  it('frees the slot of a participant that crashed once its record expires, and the others see it gone', async () => {
    const { clock, join, rooms, store } = world()
    const [a, b, c] = [join('crash', 3), join('crash', 3), join('crash', 3)]
    cleanup.push(async () => void (await Promise.all([a.leave(), c.leave()])))
    await advanceClock(clock, 10_000, 500)
    expectFullMesh(rooms)
    const bSlot = (b.actor.getSnapshot().context as { slot: number }).slot
    const left: string[] = []
    a.onPeerLeave((id) => left.push(id))
    // A crash: nothing is removed and nothing refreshed any more; its connections end (here at once).
    b.actor.stop()
    await advanceClock(clock, SLOT_TTL_MS / 2, 1000)
    expect(left).toEqual([b.selfId])
    expect(await store.read(slotAddress('crash', bSlot))).not.toBeNull()
    // Its slot still looks taken: its pair is not started again.
    expect(Object.keys(machineOf(a).getSnapshot().context.pairs)).toContain(b.selfId)
    expect(a.actor.getSnapshot().children[b.selfId]?.getSnapshot().status).toBe('done')
    await advanceClock(clock, SLOT_TTL_MS, 1000)
    expect(await store.read(slotAddress('crash', bSlot))).toBeNull()
    expect(Object.keys(machineOf(a).getSnapshot().context.pairs)).not.toContain(b.selfId)
    expectFullMesh([a, c])
    // A newcomer takes the slot; a pair whose records the crashed one left behind connects once they expire (BUSY_TTL_MS).
    const d = join('crash', 3)
    cleanup.push(() => d.leave())
    await advanceClock(clock, BUSY_TTL_MS + PAIR_RETRY_MS * 2, 1000)
    expectFullMesh([a, c, d])
  })

  it('starts a hung-up pair again once its peer refreshes its slot: it is alive, not gone', async () => {
    const { clock, join, rooms } = world()
    cleanup.push(async () => void (await Promise.all(rooms.map((room) => room.leave()))))
    const [a, b, c] = [join('revive', 3), join('revive', 3), join('revive', 3)]
    await advanceClock(clock, 10_000, 500)
    expectFullMesh(rooms)
    // As when a loaded participant lost sight of b's slot for a moment: its pair with b hangs up, and b's side closes too.
    machineOf(a).getSnapshot().children[b.selfId]!.send({ type: 'HANGUP' })
    await advanceClock(clock, 1_000, 500)
    expect(a.peers.has(b.selfId)).toBe(false)
    expect(b.peers.has(a.selfId)).toBe(false)
    expect(machineOf(b).getSnapshot().context.ended).toContain(a.selfId)
    await advanceClock(clock, SLOT_REFRESH_MS + PAIR_RETRY_MS, 500)
    expectFullMesh([a, b, c])
  })

  it('rides out a store that fails while claiming: claims again after pairRetryMs, then fails after MAX_CLAIM_ATTEMPTS tries', async () => {
    const { clock, table, rooms } = world()
    cleanup.push(async () => void (await Promise.all(rooms.map((room) => room.leave()))))
    const network = new FakePeerNetwork()
    const flaky = new FaultyStore(new MemoryStore({ table }))
    flaky.fail('create')
    const a = joinRoom<FakePeer>('claim', { maxPeers: 3, store: flaky, clock, createPeer: network.createPeer, retryDelayMs: 10 })
    const b = joinRoom<FakePeer>('claim', { maxPeers: 3, store: new MemoryStore({ table }), clock, createPeer: network.createPeer })
    rooms.push(a, b)
    await advanceClock(clock, 1_000, 100)
    expect(machineOf(a).getSnapshot().value).toBe('waitingToClaim')
    expect(machineOf(a).getSnapshot().context.error?.code).toBe('ERR_STORE_UNAVAILABLE')
    flaky.heal()
    await advanceClock(clock, PAIR_RETRY_MS + 10_000, 500)
    expect(await codeOf(a.joined)).toBeUndefined()
    expectFullMesh([a, b])
    const down = new FaultyStore(new MemoryStore({ table }))
    down.fail('create')
    const c = joinRoom<FakePeer>('claim', { maxPeers: 3, store: down, clock, createPeer: network.createPeer, retryDelayMs: 10 })
    rooms.push(c)
    await advanceClock(clock, (MAX_CLAIM_ATTEMPTS + 1) * PAIR_RETRY_MS, 500)
    expect(await codeOf(c.joined)).toBe('ERR_STORE_UNAVAILABLE')
    expect(machineOf(c).getSnapshot().context.claimAttempt).toBe(MAX_CLAIM_ATTEMPTS)
  })

  it('gives a crashed participant\'s slot to a newcomer once its ttl is over, who connects to everyone without waiting for a busy marker', async () => {
    const { clock, join, rooms, store } = world()
    const present = [join('reuse', 3), join('reuse', 3), join('reuse', 3)]
    await advanceClock(clock, 10_000, 500)
    expectFullMesh(present)
    // Crash one that offered in some pair: its pair room holds its busy marker, which nothing removes.
    const offered = (room: Room<FakePeer>) =>
      Object.values(machineOf(room).getSnapshot().children).some((pair) => (pair?.getSnapshot() as { context?: { role?: string } }).context?.role === 'initiator')
    const crashed = present.find(offered)!
    const survivors = present.filter((room) => room !== crashed)
    cleanup.push(async () => void (await Promise.all(rooms.filter((room) => room !== crashed).map((room) => room.leave()))))
    const slot = (crashed.actor.getSnapshot().context as { slot: number }).slot
    crashed.actor.stop()
    await advanceClock(clock, SLOT_TTL_MS, 1000)
    expect(await store.read(slotAddress('reuse', slot))).toBeNull()
    const newcomer = join('reuse', 3)
    await advanceClock(clock, PAIR_RETRY_MS * 2, 500)
    expect((newcomer.actor.getSnapshot().context as { slot: number }).slot).toBe(slot)
    expectFullMesh([...survivors, newcomer])
  })

  it('keeps connected pairs while a peer\'s slot record lapses for a moment (its store down), and the peer takes its slot back', async () => {
    const { clock, table, join, rooms, store, network } = world()
    cleanup.push(async () => void (await Promise.all(rooms.map((room) => room.leave()))))
    const a = join('lapse', 3)
    join('lapse', 3)
    const flaky = new FaultyStore(new MemoryStore({ table }))
    const b = joinRoom<FakePeer>('lapse', { maxPeers: 3, store: flaky, clock, createPeer: network.createPeer, retryDelayMs: 10 })
    rooms.push(b)
    await advanceClock(clock, 10_000, 500)
    expectFullMesh(rooms)
    const left: string[] = []
    for (const room of rooms) room.onPeerLeave((id) => left.push(id))
    const bSlot = machineOf(b).getSnapshot().context.slot!
    flaky.fail('update')
    await advanceClock(clock, SLOT_TTL_MS + SLOT_POLL_WITH_PUSH_MS, 1000)
    expect(await store.read(slotAddress('lapse', bSlot))).toBeNull()
    expect(machineOf(a).getSnapshot().context.occupants[bSlot]).toBeNull()
    flaky.heal()
    await advanceClock(clock, SLOT_REFRESH_MS + SLOT_POLL_WITH_PUSH_MS, 1000)
    expect(machineOf(b).getSnapshot().context.slot).toBe(bSlot)
    expect(left).toEqual([])
    expectFullMesh(rooms)
  })

  it('keeps the slot of a participant present beyond its ttl by refreshing it', async () => {
    const { clock, join, rooms, store } = world()
    cleanup.push(async () => void (await Promise.all(rooms.map((room) => room.leave()))))
    join('stay', 3)
    await advanceClock(clock, SLOT_TTL_MS * 4, 1000)
    expect(await store.read(slotAddress('stay', 0))).not.toBeNull()
  })

  it('resolves the slot race: two claiming the same slot at once, one wins it, the other takes the next', async () => {
    const { clock, join, rooms } = world()
    cleanup.push(async () => void (await Promise.all(rooms.map((room) => room.leave()))))
    const [a, b] = [join('race', 4), join('race', 4)]
    await flushPromises()
    const slots = [a, b].map((room) => (room.actor.getSnapshot().context as { slot: number }).slot).sort()
    expect(slots).toEqual([0, 1])
    await advanceClock(clock, 10_000, 500)
    expectFullMesh([a, b])
  })

  it('tells a participant past maxPeers ERR_ROOM_FULL and leaves the others connected', async () => {
    const { clock, join, rooms } = world()
    cleanup.push(async () => void (await Promise.all(rooms.map((room) => room.leave()))))
    const present = [join('full', 3), join('full', 3), join('full', 3)]
    await advanceClock(clock, 10_000, 500)
    const late = join('full', 3)
    expect(await codeOf(late.joined)).toBe('ERR_ROOM_FULL')
    expect(late.actor.getSnapshot().value).toBe('failed')
    await advanceClock(clock, 10_000, 500)
    expectFullMesh(present)
    expect(late.peers.size).toBe(0)
  })

  it('sends a broadcast to every connected peer', async () => {
    const { clock, join, rooms } = world()
    cleanup.push(async () => void (await Promise.all(rooms.map((room) => room.leave()))))
    const [a, b, c] = [join('talk', 4), join('talk', 4), join('talk', 4)]
    await advanceClock(clock, 10_000, 500)
    const heard: string[] = []
    for (const [name, room] of [['b', b], ['c', c]] as const) {
      for (const [id, peer] of room.peers) peer.on('data', (data: Uint8Array) => heard.push(`${name}<${id === a.selfId ? 'a' : '?'}:${new TextDecoder().decode(data)}`))
    }
    a.broadcast('hi')
    await flushPromises()
    expect(heard.sort()).toEqual(['b<a:hi', 'c<a:hi'])
  })

  it('retries a failed pair while both participants are present', async () => {
    const clock = new SimulatedClock()
    const table = new MemoryTable(clock)
    const silent = new FakePeerNetwork({ connect: false })
    const network = new FakePeerNetwork()
    let broken = true
    const createPeer: typeof network.createPeer = (options) => (broken ? silent.createPeer(options) : network.createPeer(options))
    const rooms = [0, 1, 2].map(() => joinRoom<FakePeer>('flaky', { maxPeers: 3, store: new MemoryStore({ table }), clock, createPeer, connectTimeoutMs: 5_000 }))
    cleanup.push(async () => void (await Promise.all(rooms.map((room) => room.leave()))))
    await advanceClock(clock, 8_000, 500)
    expect(rooms.every((room) => room.peers.size === 0)).toBe(true)
    expect(rooms.every((room) => machineOf(room).getSnapshot().matches('present'))).toBe(true)
    broken = false
    await advanceClock(clock, 30_000, 500)
    expectFullMesh(rooms)
  })
})

describe('othersPresent', () => {
  it('places a peer seen in two slots (a stray record of a timed-out claim) in its lowest, the one its claim holds', () => {
    expect(othersPresent({ occupants: ['b', 'me', null, 'b', 'c'], peerId: 'me', slot: 1 })).toEqual([
      ['b', 0],
      ['c', 4],
    ])
  })
})

describe('claiming a slot of a room that only looks full', () => {
  it('claims again (ERR_ROOM_BUSY) when one participant holds two slots, and takes the stray one once it expires', async () => {
    const { clock, table, join, rooms } = world()
    cleanup.push(async () => void (await Promise.all(rooms.map((room) => room.leave()))))
    const present = [join('stray', 3), join('stray', 3)]
    await advanceClock(clock, 5_000, 500)
    // A stray record of the first participant (its claim timed out, landed, and it claimed again below).
    const strayStore = new MemoryStore({ table })
    await strayStore.create(slotAddress('stray', 2), slotRecordData(present[0]!.selfId, clock.now(), SLOT_TTL_MS), { ttlMs: SLOT_TTL_MS })
    const late = join('stray', 3)
    await advanceClock(clock, 1_000, 500)
    expect(machineOf(late).getSnapshot().value).toBe('waitingToClaim')
    expect(machineOf(late).getSnapshot().context.error?.code).toBe('ERR_ROOM_BUSY')
    await advanceClock(clock, SLOT_TTL_MS + PAIR_RETRY_MS * 2, 500)
    expect(await codeOf(late.joined)).toBeUndefined()
    expect(machineOf(late).getSnapshot().context.slot).toBe(2)
    expectFullMesh(rooms)
  })
})

describe('the room machine losing its slot', () => {
  it('claims again when the room looks full to a participant that lost its slot, where a newcomer is told ERR_ROOM_FULL at once', async () => {
    const claims: Array<(outcome: number | Error) => void> = []
    const machine = roomMachine.provide({
      actors: {
        claimSlot: fromPromise<number, ClaimSlotInput>(
          () => new Promise((resolve, reject) => claims.push((outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)))),
        ),
        holdSlot: fromCallback(() => undefined),
        watchSlots: fromCallback(() => undefined),
      },
      actions: { releaseSlot: () => undefined },
    })
    const full = () => new SignalingError('ERR_ROOM_FULL', 'full')
    const clock = new SimulatedClock()
    const newcomer = createActor(machine, { clock, input: { room: 'r', peerId: 'new', maxPeers: 3 } }).start()
    claims.shift()!(full())
    await flushPromises()
    expect(newcomer.getSnapshot().value).toBe('failed')
    const present = createActor(machine, { clock, input: { room: 'r', peerId: 'me', maxPeers: 3 } }).start()
    claims.shift()!(1)
    await flushPromises()
    expect(present.getSnapshot().matches('present')).toBe(true)
    present.send({ type: 'SLOT.LOST' })
    claims.shift()!(full())
    await flushPromises()
    expect(present.getSnapshot().value).toBe('waitingToClaim')
    clock.increment(PAIR_RETRY_MS)
    claims.shift()!(2)
    await flushPromises()
    expect(present.getSnapshot().matches('present')).toBe(true)
    expect(present.getSnapshot().context.slot).toBe(2)
    present.stop()
  })
})

describe('joinRoom with maxPeers 2 (the default)', () => {
  it('is the pair call: the same records at the same address as createSignaling().join()', async () => {
    const clock = new SimulatedClock()
    const store = new MemoryStore({ clock })
    const network = new FakePeerNetwork()
    const alice = joinRoom<FakePeer>('pair', { store, clock, createPeer: network.createPeer })
    await flushPromises()
    expect(alice.actor.getSnapshot().value).toBe('pollingAnswer')
    expect(await store.read(roomAddress('pair'))).not.toBeNull()
    expect(await store.read(slotAddress('pair', 0))).toBeNull()
    const bob = joinRoom<FakePeer>('pair', { store, clock, createPeer: network.createPeer })
    const joins: string[] = []
    alice.onPeerJoin((id) => joins.push(id))
    await advanceClock(clock, 5_000, 500)
    expect(alice.peers.size).toBe(1)
    expect(bob.peers.size).toBe(1)
    expect(joins).toHaveLength(1)
    const left = new Promise<string>((resolve) => alice.onPeerLeave(resolve))
    await bob.leave()
    await advanceClock(clock, 1_000)
    expect(await left).toBe(joins[0])
    await alice.leave()
  })

  it('rejects a bad maxPeers with ERR_INVALID_OPTION', () => {
    for (const maxPeers of [1, 33, 2.5]) expect(() => joinRoom('x', { maxPeers })).toThrow(/maxPeers/)
  })

  it('rejects peers that trickle in a room of more than two (which does not trickle) with ERR_INVALID_OPTION', () => {
    expect(() => joinRoom('x', { maxPeers: 3, createPeer: createSimplePeerFactory({ trickle: true }) })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('Make them with trickle: false') }),
    )
  })
})
