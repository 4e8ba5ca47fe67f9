/**
 * Rooms of many across instances: two `signalbox serve` instances sharing one
 * real Redis, four participants of one room (with a room secret) split two
 * and two over them, real WebRTC (simple-peer on @roamhq/wrtc, loopback).
 * Every one connects to every other and hears each one's message; one leaves
 * and the three others see it go; its slot record is gone from both instances.
 */
import wrtc from '@roamhq/wrtc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { joinRoom, SafeLauncherStore, slotAddress, type Room } from '../src/index.js'
import { startServer, type RunningServer } from '../src/server/index.js'
import { redisAvailable, requireRedis, startRedis, type RedisServer } from './helpers/redis.js'
import { fullMesh } from './helpers/crowd.js'

requireRedis()

/** Participants of the room, and the room's name and secret. */
const PARTICIPANTS = 4
const ROOM = 'across-instances'
const SECRET = 'only the four of us know this'

/** Resolves with the messages `room` hears, once it has one from each of its peers. */
function hearEveryone(room: Room): Promise<string[]> {
  return new Promise((resolve) => {
    const heard: string[] = []
    for (const peer of room.peers.values()) {
      peer.on('data', (data: Uint8Array) => {
        heard.push(new TextDecoder().decode(data))
        if (heard.length === room.peers.size) resolve(heard.sort())
      })
    }
  })
}

describe.runIf(redisAvailable)('a room of four across two signalbox serve instances sharing Redis', () => {
  let redis: RedisServer
  let servers: RunningServer[]
  const stores: SafeLauncherStore[] = []
  beforeAll(async () => {
    redis = await startRedis()
    servers = [await startServer({ port: 0, host: '127.0.0.1', redisUrl: redis.url }), await startServer({ port: 0, host: '127.0.0.1', redisUrl: redis.url })]
  })
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()))
    for (const server of servers) await server.close()
    await redis.stop()
  })

  const storeOn = (server: RunningServer) => {
    const store = new SafeLauncherStore({ url: server.url })
    stores.push(store)
    return store
  }

  it('meshes 2 + 2 participants, each hears the three others, and a leaver is seen gone by the three', async () => {
    const rooms = Array.from({ length: PARTICIPANTS }, (_, index) =>
      joinRoom(ROOM, { maxPeers: PARTICIPANTS, wrtc, secret: SECRET, store: storeOn(servers[index % 2]!) }),
    )
    try {
      await fullMesh(rooms)
      const heard = rooms.map(hearEveryone)
      for (const room of rooms) room.broadcast(`from ${room.selfId}`)
      const messages = await Promise.all(heard)
      rooms.forEach((room, index) => {
        expect(messages[index]).toEqual(rooms.filter((other) => other !== room).map((other) => `from ${other.selfId}`).sort())
      })

      const [leaver, ...stayers] = rooms as [Room, ...Room[]]
      const leaverSlot = (leaver.actor.getSnapshot().context as { slot: number }).slot
      const seenGone = stayers.map((room) => new Promise<string>((resolve) => room.onPeerLeave(resolve)))
      await leaver.leave()
      expect(await Promise.all(seenGone)).toEqual(stayers.map(() => leaver.selfId))
      for (const room of stayers) expect([...room.peers.keys()].sort()).toEqual(stayers.filter((other) => other !== room).map((other) => other.selfId).sort())
      for (const server of servers) expect(await storeOn(server).read(slotAddress(ROOM, leaverSlot))).toBeNull()
    } finally {
      await Promise.all(rooms.map((room) => room.leave()))
    }
  }, 60_000)
})
