/**
 * Rooms of many with real WebRTC (simple-peer on @roamhq/wrtc, loopback)
 * through `signalbox serve` (startServer on port 0): four participants, every
 * pair exchanges a message; and a bounded soak of 20 rooms of four at once
 * against one server, none lost (the 50 rooms of issue 17, with fake peers,
 * are test/room.soak.test.ts).
 */
import wrtc from '@roamhq/wrtc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { joinRoom, SafeLauncherStore, type Room } from '../src/index.js'
import { startServer, type RunningServer } from '../src/server/index.js'
import { fullMesh, ONE_ADDRESS_CROWD } from './helpers/crowd.js'

/** Rooms of the soak, participants per room, and the bound of its wait, in ms. */
// Issue 17 asks for 50: with real WebRTC, 50 rooms (600 native connections, 1,200 peers) did not mesh on this shared
// 2-core machine, in one process (at best 21 of 50 in 100 s: its main thread 90 % busy with HTTP, the binding's
// blocking calls and GC) nor in four worker processes (2 of 50), the server using under 20 % of a core. At 20 all
// mesh in 17 to 33 s. The 50 rooms run with fake peers in test/room.soak.test.ts; docs/rooms.md has the figures.
const SOAK_ROOMS = 20
const SOAK_PEERS = 4
const SOAK_TIMEOUT_MS = 120_000

let server: RunningServer
beforeAll(async () => {
  // Every participant here comes from 127.0.0.1: the per-address caps that answer one hostile client
  // (docs/security.md) would count 80 participants as one, so they are lifted, as for the bench's load.
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    ...ONE_ADDRESS_CROWD,
  })
})
afterAll(async () => {
  await server.close()
})

function joinAll(name: string, count: number): Room[] {
  return Array.from({ length: count }, () =>
    // The default poll (2 s) beside the push read: a much shorter one runs 200 participants into the server's rate limit.
    joinRoom(name, { maxPeers: count, wrtc, store: new SafeLauncherStore({ url: server.url }) }),
  )
}

describe('rooms of many with real WebRTC through signalbox serve', () => {
  it('connects 4 participants and every pair exchanges a message', async () => {
    const rooms = joinAll('real-room-of-four', 4)
    try {
      await fullMesh(rooms)
      const heard = rooms.map(() => new Set<string>())
      const all = Promise.all(
        rooms.map(
          (room, index) =>
            new Promise<void>((resolve) => {
              for (const peer of room.peers.values()) {
                peer.on('data', (data: Uint8Array) => {
                  heard[index]!.add(new TextDecoder().decode(data))
                  if (heard[index]!.size === rooms.length - 1) resolve()
                })
              }
            }),
        ),
      )
      for (const room of rooms) room.broadcast(`from ${room.selfId}`)
      await all
      rooms.forEach((room, index) => {
        expect([...heard[index]!].sort()).toEqual(rooms.filter((other) => other !== room).map((other) => `from ${other.selfId}`).sort())
      })
    } finally {
      await Promise.all(rooms.map((room) => room.leave()))
    }
  }, 60_000)

  it(`soak: ${SOAK_ROOMS} rooms of ${SOAK_PEERS} at once against one server, none lost`, async () => {
    const rooms = Array.from({ length: SOAK_ROOMS }, (_, index) => joinAll(`soak-${index}`, SOAK_PEERS))
    try {
      let bound: ReturnType<typeof setTimeout> | undefined
      const meshed = await Promise.race([
        Promise.all(rooms.map((room) => fullMesh(room))).then(() => true),
        new Promise<false>((resolve) => (bound = setTimeout(() => resolve(false), SOAK_TIMEOUT_MS))),
      ])
      clearTimeout(bound)
      const lost = rooms.filter((room) => !room.every((participant) => participant.peers.size === SOAK_PEERS - 1)).length
      expect({ meshed, lost }).toEqual({ meshed: true, lost: 0 })
    } finally {
      await Promise.all(rooms.flat().map((room) => room.leave()))
    }
  }, SOAK_TIMEOUT_MS + 60_000)
})
