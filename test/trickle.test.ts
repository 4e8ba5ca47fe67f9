/**
 * Trickle ICE through the store and glare without a re-read, deterministic:
 * scripted peers (each candidate emitted by the test), the memory store, no
 * timing in any assertion (vi.waitFor only waits for what must happen).
 */
import { EventEmitter } from 'node:events'
import { Observable } from 'rxjs'
import { SimulatedClock } from 'xstate'
import { describe, expect, it, vi } from 'vitest'
import { createSignaling, MemoryStore, type SignalStore } from '../src/index.js'
import { answerAddress, roomAddress } from '../src/protocol/addresses.js'
import { decodeRecord } from '../src/protocol/records.js'
import { candidatesOf, foldCandidate } from '../src/protocol/trickle.js'
import { advanceClock, FakePeerNetwork, type FakePeer } from '../src/testing/index.js'
import { codeOf } from './helpers/codes.js'
import type { PeerLike } from '../src/peer/simple-peer.js'

const BASE_SDP = (type: string) =>
  ['v=0', `o=- 1 2 IN IP4 127.0.0.1`, `s=${type}`, 't=0 0', 'a=group:BUNDLE 0', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0', 'a=mid:0', ''].join('\r\n')
const candidate = (n: number) => ({ candidate: `candidate:${n} 1 udp 2122260223 192.0.2.${n} 5${n}000 typ host`, sdpMLineIndex: 0, sdpMid: '0' })

/** A peer whose signals the test emits, and which records what it is handed. */
class ScriptedPeer extends EventEmitter {
  readonly received: unknown[] = []
  constructor(readonly initiator: boolean) {
    super()
  }
  signal(data: unknown): void {
    this.received.push(data)
  }
  send(): void {}
  destroy(): void {}
}

function scriptedNetwork() {
  const peers: ScriptedPeer[] = []
  const createPeer = ({ initiator }: { initiator: boolean }) => {
    const peer = new ScriptedPeer(initiator)
    peers.push(peer)
    return peer as unknown as PeerLike
  }
  return { peers, createPeer }
}

/** What a seed-style reader (one read, trickle: false) finds at `address`: the description's candidates. */
async function seedReads(store: SignalStore, address: string): Promise<string[]> {
  const data = await store.read(address)
  const record = decodeRecord(data!)
  return candidatesOf(record.payload!.sdp).map((found) => found.candidate)
}

/** `createOrRead` over `inner`, as signalbox serve answers it: a lost create answers the record that won. */
function createOrReadOn(inner: SignalStore): NonNullable<SignalStore['createOrRead']> {
  return async (address, data, options) => {
    try {
      await inner.create(address, data, options)
      return null
    } catch (error) {
      if ((error as { code?: string }).code !== 'ERR_EXISTS') throw error
      return inner.read(address)
    }
  }
}

describe('the trickle record format', () => {
  it('folds candidates into their media section once each, and finds them again', () => {
    const once = foldCandidate(BASE_SDP('offer'), candidate(1))
    const twice = foldCandidate(foldCandidate(once, candidate(2)), candidate(1))
    expect(candidatesOf(twice)).toEqual([candidate(1), candidate(2)])
    expect(twice.split('\r\n').filter((line) => line.startsWith('a=candidate:'))).toHaveLength(2)
    expect(foldCandidate(BASE_SDP('offer'), { candidate: candidate(3).candidate, sdpMLineIndex: 5, sdpMid: null })).toBe(BASE_SDP('offer'))
  })
})

describe('trickle ICE through the store', () => {
  it('publishes with the first candidate, trickles the rest before, during and after the answer, and a seed-style reader always finds a complete description', async () => {
    const store = new MemoryStore()
    const alice = scriptedNetwork()
    const bob = scriptedNetwork()
    const a = createSignaling({ store, createPeer: alice.createPeer, trickle: true }).join('trickle-room')
    const room = roomAddress('trickle-room')
    await vi.waitFor(() => expect(alice.peers).toHaveLength(1))
    const peerA = alice.peers[0]!
    peerA.emit('signal', { type: 'offer', sdp: BASE_SDP('offer') })
    // No record without a candidate: a seed-style reader never finds a description without one.
    expect(await store.read(room)).toBeNull()
    peerA.emit('signal', { type: 'candidate', candidate: candidate(1) })
    await vi.waitFor(async () => expect(await seedReads(store, room)).toEqual([candidate(1).candidate]))
    // Before the answer: one more candidate updates the same record.
    peerA.emit('signal', { type: 'candidate', candidate: candidate(2) })
    await vi.waitFor(async () => expect(await seedReads(store, room)).toEqual([candidate(1).candidate, candidate(2).candidate]))

    const b = createSignaling({ store: store.client(), createPeer: bob.createPeer, trickle: true }).join('trickle-room')
    // Bob's first peer is the speculative initiator of `joining`, stopped once the offer is found.
    await vi.waitFor(() => expect(bob.peers.filter((peer) => !peer.initiator)).toHaveLength(1))
    const peerB = bob.peers.find((peer) => !peer.initiator)!
    await vi.waitFor(() => expect(peerB.received).toHaveLength(1))
    expect(candidatesOf((peerB.received[0] as { sdp: string }).sdp)).toEqual([candidate(1), candidate(2)])
    // During the answer: Alice's third candidate reaches Bob's peer as a candidate, not a description.
    peerA.emit('signal', { type: 'candidate', candidate: candidate(3) })
    await vi.waitFor(() => expect(peerB.received).toContainEqual({ type: 'candidate', candidate: candidate(3) }))
    // Alice's record says she trickles: Bob's answer goes out at once, before its first candidate, which follows.
    expect(decodeRecord((await store.read(room))!).trickle).toBe(true)
    peerB.emit('signal', { type: 'answer', sdp: BASE_SDP('answer') })
    await vi.waitFor(() => expect(peerA.received).toHaveLength(1))
    expect(candidatesOf((peerA.received[0] as { sdp: string }).sdp)).toEqual([])
    const answerAt = answerAddress(a.actor.getSnapshot().context.selfId!)
    peerB.emit('signal', { type: 'candidate', candidate: candidate(11) })
    await vi.waitFor(async () => expect(await seedReads(store, answerAt)).toEqual([candidate(11).candidate]))
    await vi.waitFor(() => expect(peerA.received).toContainEqual({ type: 'candidate', candidate: candidate(11) }))
    // After the answer: both sides' new candidates follow through the store.
    peerB.emit('signal', { type: 'candidate', candidate: candidate(12) })
    peerA.emit('signal', { type: 'candidate', candidate: candidate(4) })
    await vi.waitFor(() => expect(peerA.received).toContainEqual({ type: 'candidate', candidate: candidate(12) }))
    await vi.waitFor(() => expect(peerB.received).toContainEqual({ type: 'candidate', candidate: candidate(4) }))
    expect(await seedReads(store, room)).toEqual([1, 2, 3, 4].map((n) => candidate(n).candidate))
    expect(await seedReads(store, answerAt)).toEqual([candidate(11).candidate, candidate(12).candidate])
    // Each candidate is handed over once.
    expect(peerB.received.filter((data) => JSON.stringify(data).includes('192.0.2.3 '))).toHaveLength(1)
    expect(a.actor.getSnapshot().value).toBe('connecting')
    expect(b.actor.getSnapshot().value).toBe('connecting')
    peerA.emit('connect')
    peerB.emit('connect')
    await vi.waitFor(() => expect([a.actor.getSnapshot().value, b.actor.getSnapshot().value]).toEqual(['connected', 'connected']))
    await Promise.all([a.hangup(), b.hangup()])
  })
})

describe('answers to an offer whose writer does not trickle', () => {
  it('waits for a candidate, so that a reader of the answer who reads once (a seed, or trickle: false) finds a complete description', async () => {
    const store = new MemoryStore()
    const alice = scriptedNetwork()
    const bob = scriptedNetwork()
    const a = createSignaling({ store, createPeer: alice.createPeer, trickle: false }).join('seed-room')
    const room = roomAddress('seed-room')
    await vi.waitFor(() => expect(alice.peers).toHaveLength(1))
    alice.peers[0]!.emit('signal', { type: 'offer', sdp: foldCandidate(BASE_SDP('offer'), candidate(1)) })
    await vi.waitFor(async () => expect(await store.read(room)).not.toBeNull())
    expect(decodeRecord((await store.read(room))!).trickle).toBeUndefined()

    const b = createSignaling({ store: store.client(), createPeer: bob.createPeer, trickle: true }).join('seed-room')
    await vi.waitFor(() => expect(bob.peers.filter((peer) => !peer.initiator)).toHaveLength(1))
    const peerB = bob.peers.find((peer) => !peer.initiator)!
    await vi.waitFor(() => expect(peerB.received).toHaveLength(1))
    peerB.emit('signal', { type: 'answer', sdp: BASE_SDP('answer') })
    const answerAt = answerAddress(a.actor.getSnapshot().context.selfId!)
    // No answer without a candidate: Bob waits in creatingAnswer.
    await vi.waitFor(() => expect(b.actor.getSnapshot().value).toBe('creatingAnswer'))
    expect(await store.read(answerAt)).toBeNull()
    peerB.emit('signal', { type: 'candidate', candidate: candidate(11) })
    await vi.waitFor(async () => expect(await seedReads(store, answerAt)).toEqual([candidate(11).candidate]))
    await Promise.all([a.hangup(), b.hangup()])
  })
})

describe('glare: both participants start together', () => {
  /**
   * A store client whose room reads wait until both participants have read (both find the room empty), counting
   * the reads made before the participant writes its answer (the check that the offer still stands, right after
   * answering, is not a read to find the offer).
   */
  function racingStores(store: MemoryStore, answersWithWinner: boolean) {
    const roomReads = [0, 0]
    const answered = [false, false]
    let arrived = 0
    let release!: () => void
    const bothRead = new Promise<void>((resolve) => (release = resolve))
    const make = (index: number): SignalStore => {
      const inner = store.client()
      const wrapped: SignalStore = {
        create: (address, data, options) => {
          if (address !== roomAddress('glare')) answered[index] = true
          return inner.create(address, data, options)
        },
        update: (address, data, options) => inner.update(address, data, options),
        remove: (address, options) => inner.remove(address, options),
        read: async (address, options) => {
          if (address !== roomAddress('glare')) return inner.read(address, options)
          if (!answered[index]) roomReads[index]! += 1
          const data = await inner.read(address, options)
          if (++arrived === 2) release()
          await bothRead
          return data
        },
        watch: (address) => inner.watch(address),
      }
      if (answersWithWinner) {
        wrapped.createOrRead = (address, data, options) => {
          if (address !== roomAddress('glare')) answered[index] = true
          return createOrReadOn(inner)(address, data, options)
        }
      }
      return wrapped
    }
    return { roomReads, stores: [make(0), make(1)] }
  }

  it('lets exactly one offer win, and the loser answers it without reading the room again', async () => {
    const store = new MemoryStore()
    const network = new FakePeerNetwork()
    const { roomReads, stores } = racingStores(store, true)
    const calls = stores.map((participantStore) => createSignaling({ store: participantStore, createPeer: network.createPeer }).join('glare'))
    await Promise.all(calls.map((call) => call.connected))
    const roles = calls.map((call) => call.actor.getSnapshot().context.role).sort()
    expect(roles).toEqual(['initiator', 'recipient'])
    // The loser (the recipient) never read the room again: at most its first read, which its ready offer may have overtaken.
    const loser = calls.findIndex((call) => call.actor.getSnapshot().context.role === 'recipient')
    expect(roomReads[loser]).toBeLessThanOrEqual(1)
    expect(calls.every((call) => call.actor.getSnapshot().context.attempt === 1)).toBe(true)
    await Promise.all(calls.map((call) => call.hangup()))
  })

  /** A store client whose room reads never answer (until the call ends): what a participant does must not wait for them. */
  function unansweredRoomReads(store: MemoryStore, answersWithWinner: boolean): SignalStore {
    const inner = store.client()
    const wrapped: SignalStore = {
      create: (address, data, options) => inner.create(address, data, options),
      update: (address, data, options) => inner.update(address, data, options),
      remove: (address, options) => inner.remove(address, options),
      read: (address, options) =>
        address === roomAddress('held')
          ? new Promise((_resolve, reject) => options?.signal?.addEventListener('abort', () => reject(options.signal!.reason as Error)))
          : inner.read(address, options),
      watch: (address) => inner.watch(address),
    }
    if (answersWithWinner) wrapped.createOrRead = createOrReadOn(inner)
    return wrapped
  }

  it('publishes an offer that is ready before the room read answers, where a lost create answers the winner: first in, it waits for an answer; second in, it answers the first', async () => {
    const store = new MemoryStore()
    const network = new FakePeerNetwork()
    const first = createSignaling({ store: unansweredRoomReads(store, true), createPeer: network.createPeer }).join('held')
    await vi.waitFor(() => expect(first.actor.getSnapshot().value).toBe('pollingAnswer'))
    expect(first.actor.getSnapshot().context.role).toBe('initiator')
    const second = createSignaling({ store: unansweredRoomReads(store, true), createPeer: network.createPeer }).join('held')
    await Promise.all([first.connected, second.connected])
    expect(second.actor.getSnapshot().context.role).toBe('recipient')
    expect(second.actor.getSnapshot().context.attempt).toBe(1)
    await Promise.all([first.hangup(), second.hangup()])
  })

  /**
   * A store client whose room reads answer only once this participant's create has gone out, counting the room
   * reads made to find an offer (before answering one: the check that it still stands, after answering, is not)
   * and those aborted: the offer is ready (and created) while the first read is under way.
   */
  function readsHeldUntilCreate(store: MemoryStore) {
    const inner = store.client()
    const counts = { roomReads: 0, aborted: 0 }
    let answered = false
    let readAsked!: () => void
    const asked = new Promise<void>((resolve) => (readAsked = resolve))
    let createSent!: () => void
    const sent = new Promise<void>((resolve) => (createSent = resolve))
    const wrapped: SignalStore = {
      create: (address, data, options) => {
        if (address !== roomAddress('held')) answered = true
        return inner.create(address, data, options)
      },
      createOrRead: (address, data, options) => {
        if (address === roomAddress('held')) createSent()
        else answered = true
        return createOrReadOn(inner)(address, data, options)
      },
      update: (address, data, options) => inner.update(address, data, options),
      remove: (address, options) => inner.remove(address, options),
      read: async (address, options) => {
        if (address !== roomAddress('held') || answered) return inner.read(address, options)
        counts.roomReads += 1
        readAsked()
        options?.signal?.addEventListener('abort', () => (counts.aborted += 1))
        await sent
        return inner.read(address, options)
      },
      watch: (address) => inner.watch(address),
    }
    return { counts, store: wrapped, asked }
  }

  /** `network`'s peers, whose signals reach the machine only once `gate` opens (the offer is ready after the read went out). */
  const signalsAfter = (network: FakePeerNetwork, gate: Promise<void>) => (options: { initiator: boolean }) => {
    const peer = network.createPeer(options)
    const on = peer.on.bind(peer) as (event: string, listener: (...args: unknown[]) => void) => FakePeer
    ;(peer as { on: unknown }).on = (event: string, listener: (...args: unknown[]) => void) =>
      event === 'signal' ? on(event, (...args) => void gate.then(() => listener(...args))) : on(event, listener)
    return peer
  }

  it('reads the room once: the read begun while joining goes on beside the create, first in and second in', async () => {
    const store = new MemoryStore()
    const network = new FakePeerNetwork()
    const first = readsHeldUntilCreate(store)
    const alice = createSignaling({ store: first.store, createPeer: signalsAfter(network, first.asked) }).join('held')
    await vi.waitFor(() => expect(alice.actor.getSnapshot().value).toBe('pollingAnswer'))
    const second = readsHeldUntilCreate(store)
    const bob = createSignaling({ store: second.store, createPeer: signalsAfter(network, second.asked) }).join('held')
    await Promise.all([alice.connected, bob.connected])
    expect(bob.actor.getSnapshot().context.role).toBe('recipient')
    expect([first.counts, second.counts]).toEqual([{ roomReads: 1, aborted: 0 }, { roomReads: 1, aborted: 0 }])
    await Promise.all([alice.hangup(), bob.hangup()])
  })

  it('keeps its own offer when the read beside its create finds it (the read answers after the create landed)', async () => {
    const store = new MemoryStore()
    const network = new FakePeerNetwork()
    const inner = store.client()
    let created!: () => void
    const landed = new Promise<void>((resolve) => (created = resolve))
    let readSettled!: () => void
    const afterRead = new Promise<void>((resolve) => (readSettled = resolve))
    const lateReads: SignalStore = {
      create: (address, data, options) => inner.create(address, data, options),
      // The create lands, but its answer comes only after the read's has been handled.
      createOrRead: async (address, data, options) => {
        await inner.create(address, data, options)
        created()
        await afterRead
        return null
      },
      update: (address, data, options) => inner.update(address, data, options),
      remove: (address, options) => inner.remove(address, options),
      // The room's read answers only once our create has landed: it finds our own offer.
      read: async (address, options) => {
        if (address !== roomAddress('held')) return inner.read(address, options)
        await landed
        const data = await inner.read(address, options)
        setTimeout(readSettled, 50)
        return data
      },
      watch: (address) => inner.watch(address),
    }
    const call = createSignaling({ store: lateReads, createPeer: network.createPeer }).join('held')
    await vi.waitFor(() => expect(call.actor.getSnapshot().value).toBe('pollingAnswer'))
    expect(await store.read(roomAddress('held'))).not.toBeNull()
    await call.hangup()
  })

  it('waits for the room read where the store cannot answer a lost create with the winner', async () => {
    const store = new MemoryStore()
    const network = new FakePeerNetwork()
    const call = createSignaling({ store: unansweredRoomReads(store, false), createPeer: network.createPeer }).join('held')
    await vi.waitFor(() => expect(call.actor.getSnapshot().context.localSignal).not.toBeNull())
    expect(call.actor.getSnapshot().value).toBe('joining')
    expect(await store.read(roomAddress('held'))).toBeNull()
    await call.hangup()
  })

  it('still lets exactly one win through a re-read with a store that cannot answer with the winner', async () => {
    const store = new MemoryStore()
    const network = new FakePeerNetwork()
    const { roomReads, stores } = racingStores(store, false)
    const calls = stores.map((participantStore) => createSignaling({ store: participantStore, createPeer: network.createPeer }).join('glare'))
    await Promise.all(calls.map((call) => call.connected))
    expect(calls.map((call) => call.actor.getSnapshot().context.role).sort()).toEqual(['initiator', 'recipient'])
    const loser = calls.findIndex((call) => call.actor.getSnapshot().context.role === 'recipient')
    expect(roomReads[loser]).toBe(2)
    await Promise.all(calls.map((call) => call.hangup()))
  })

  /**
   * A store client that answers lost creates with the winner, counting its creates at the room address and telling
   * when its watch of the room is subscribed.
   */
  function watchedRoom(store: MemoryStore, room: string) {
    const inner = store.client()
    const counts = { roomCreates: 0 }
    let watching!: () => void
    const watched = new Promise<void>((resolve) => (watching = resolve))
    const wrapped: SignalStore = {
      create: (address, data, options) => inner.create(address, data, options),
      createOrRead: (address, data, options) => {
        if (address === roomAddress(room)) counts.roomCreates += 1
        return createOrReadOn(inner)(address, data, options)
      },
      update: (address, data, options) => inner.update(address, data, options),
      remove: (address, options) => inner.remove(address, options),
      read: (address, options) => inner.read(address, options),
      watch: (address) => {
        if (address === roomAddress(room)) watching()
        return inner.watch(address)
      },
    }
    return { counts, store: wrapped, watched }
  }

  it("hears of the other's offer through the room's watch while its own is not ready: it answers without creating", async () => {
    const store = new MemoryStore()
    const network = new FakePeerNetwork()
    // Bob's own offer never comes: before, he stayed in joining until it did, and learnt of Alice's offer only when his create lost.
    const bobSide = watchedRoom(store, 'watched')
    const neverOffers = signalsAfter(network, new Promise<void>(() => {}))
    const createPeer = (options: { initiator: boolean }) => (options.initiator ? neverOffers(options) : network.createPeer(options))
    const bob = createSignaling({ store: bobSide.store, createPeer }).join('watched')
    const bobStates: string[] = []
    bob.actor.subscribe((snapshot) => bobStates.push(String(snapshot.value)))
    await bobSide.watched
    expect(bob.actor.getSnapshot().value).toBe('joining')
    const alice = createSignaling({ store: watchedRoom(store, 'watched').store, createPeer: network.createPeer }).join('watched')
    await vi.waitFor(() => expect(bobStates).toContain('creatingAnswer'))
    await Promise.all([alice.connected, bob.connected])
    expect(alice.actor.getSnapshot().context.role).toBe('initiator')
    expect(bob.actor.getSnapshot().context).toMatchObject({ role: 'recipient', attempt: 1 })
    expect(bobSide.counts.roomCreates).toBe(0)
    expect(bobStates).not.toContain('publishingWhileReading')
    await Promise.all([alice.hangup(), bob.hangup()])
  })

  it('stops watching the empty room once its own offer is in: the create decides, and it waits for an answer', async () => {
    const store = new MemoryStore()
    const network = new FakePeerNetwork()
    const side = watchedRoom(store, 'alone')
    let watches = 0
    const watch = side.store.watch!
    side.store.watch = (address, options) => {
      if (address !== roomAddress('alone')) return watch(address, options)
      return new Observable<string | null>((subscriber) => {
        watches += 1
        const subscription = watch(address, options).subscribe(subscriber)
        return () => {
          watches -= 1
          subscription.unsubscribe()
        }
      })
    }
    // The offer comes only once the room has been read empty and is watched.
    const call = createSignaling({ store: side.store, createPeer: signalsAfter(network, side.watched) }).join('alone')
    await vi.waitFor(() => expect(call.actor.getSnapshot().value).toBe('pollingAnswer'))
    expect(side.counts.roomCreates).toBe(1)
    expect(watches).toBe(0)
    await call.hangup()
  })

  it("gives the wait up after the signal timeout when no offer comes, ours or another's (then times out as before)", async () => {
    const clock = new SimulatedClock()
    const store = new MemoryStore({ clock })
    const network = new FakePeerNetwork()
    const side = watchedRoom(store, 'quiet')
    const call = createSignaling({ store: side.store, createPeer: signalsAfter(network, new Promise<void>(() => {})), clock, signalTimeoutMs: 1_000 }).join('quiet')
    call.connected.catch(() => undefined)
    await side.watched
    expect(call.actor.getSnapshot().value).toBe('joining')
    await advanceClock(clock, 1_000)
    await vi.waitFor(() => expect(call.actor.getSnapshot().value).toBe('creatingOffer'))
    await advanceClock(clock, 1_000)
    await vi.waitFor(() => expect(call.actor.getSnapshot().value).toBe('failed'))
    expect(await codeOf(call.connected)).toBe('ERR_SIGNAL_TIMEOUT')
    await call.hangup()
  })

  it('sends the room read before it makes its peer, so the request leaves before the connection is built', async () => {
    const store = new MemoryStore()
    const inner = store.client()
    const network = new FakePeerNetwork()
    const order: string[] = []
    const noted: SignalStore = {
      create: (address, data, options) => inner.create(address, data, options),
      update: (address, data, options) => inner.update(address, data, options),
      remove: (address, options) => inner.remove(address, options),
      read: (address, options) => {
        if (address === roomAddress('order')) order.push('room read')
        return inner.read(address, options)
      },
    }
    const createPeer = (options: { initiator: boolean }) => {
      order.push(options.initiator ? 'initiator peer' : 'recipient peer')
      return network.createPeer(options)
    }
    const call = createSignaling({ store: noted, createPeer }).join('order')
    await vi.waitFor(() => expect(order.length).toBeGreaterThanOrEqual(2))
    expect(order.slice(0, 2)).toEqual(['room read', 'initiator peer'])
    await call.hangup()
  })
})
