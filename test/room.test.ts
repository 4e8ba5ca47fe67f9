import { SimulatedClock } from 'xstate'
import { afterEach, describe, expect, it } from 'vitest'
import {
  joinRoom,
  MemoryStore,
  MemoryTable,
  roomAddress,
  slotAddress,
  SLOT_TTL_MS,
  type Room,
} from '../src/index.js'
import { advanceClock, FakePeerNetwork, flushPromises, type FakePeer } from '../src/testing/index.js'
import { codeOf } from './helpers/codes.js'

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
