/**
 * Beyond one machine: two `signalbox serve` instances on different ports share
 * one real Redis. A participant on each meets the other in the same room with
 * real WebRTC, the push read firing across instances; then one instance stops
 * and a new call through the other still works.
 */
import wrtc from '@roamhq/wrtc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSignaling, SafeLauncherStore } from '../../src/index.js'
import { startServer } from '../../src/server/index.js'
import { nextMessage } from '../helpers/peers.js'
import { redisAvailable, requireRedis, startRedis, type RedisServer } from '../helpers/redis.js'

requireRedis()


describe.runIf(redisAvailable)('two signalbox serve instances sharing Redis', () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis.stop()
  })

  it('connects a participant on each instance; after one instance stops, a new call through the other works', async () => {
    const [first, second] = [await startServer({ port: 0, redisUrl: redis.url }), await startServer({ port: 0, redisUrl: redis.url })]
    expect(first.port).not.toBe(second.port)
    const stores: SafeLauncherStore[] = []
    const participant = (url: string, options: { pollIntervalMs?: number } = {}) => {
      const store = new SafeLauncherStore({ url })
      stores.push(store)
      return createSignaling({ store, wrtc, ...options })
    }

    // Alice polls only once a minute: connecting promptly means the push crossed from the second instance to the first.
    const alice = participant(first.url, { pollIntervalMs: 60_000 }).join('shared-room')
    await new Promise<void>((resolve) => alice.actor.subscribe((snapshot) => snapshot.value === 'pollingAnswer' && resolve()))
    const bob = participant(second.url).join('shared-room')
    const [alicePeer, bobPeer] = await Promise.all([alice.connected, bob.connected])
    expect(alice.actor.getSnapshot().context.role).toBe('initiator')
    expect(bob.actor.getSnapshot().context.role).toBe('recipient')
    const heard = nextMessage(bobPeer)
    alicePeer.send('across instances')
    expect(await heard).toBe('across instances')
    await alice.hangup()
    await bob.hangup()

    await first.close()
    const carol = participant(second.url).join('after-failover')
    const dave = participant(second.url).join('after-failover')
    await Promise.all([carol.connected, dave.connected])
    await Promise.all([carol.hangup(), dave.hangup()])

    await Promise.all(stores.map((store) => store.close()))
    await second.close()
  })
})
