/**
 * Any instance answers any request: two `signalbox serve --redis` instances
 * behind a round-robin proxy (every request to the other instance than the
 * last), with tokens, handles and limits in one real Redis. Through it: the
 * store contract, real WebRTC calls with push and with polling, and safe-js
 * 0.3.3 (the seed's client) call by call, each request landing on the other
 * instance than the one that gave the token or the handle.
 */
import { SimulatedClock } from 'xstate'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SafeLauncherStore } from '../../src/index.js'
import { callThrough } from '../helpers/peers.js'
import { redisAvailable, requireRedis, startRedis, type RedisServer } from '../helpers/redis.js'
import { redirectLauncherTo, safe } from '../helpers/safe-js.js'
import { runStoreContract } from '../stores/contract.js'
import { flushRedis, startCluster, type Cluster } from './round-robin-fixture.js'

requireRedis()

const SEED_APP = { name: 'SAFE Signaling Demo', id: 'example.signaling.v1', version: '0.7', vendor: 'MaidSafe Ltd.' }
const b64 = (text: string) => Buffer.from(text).toString('base64')

describe.runIf(redisAvailable)('two instances behind a round-robin proxy, sessions in Redis', () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis.stop()
  })

  async function contractHarness(watch: boolean) {
    await flushRedis(redis.url)
    const clock = new SimulatedClock()
    clock.set(1_700_000_000_000)
    const cluster = await startCluster(redis.url, { clock })
    const a = new SafeLauncherStore({ url: cluster.proxy.url, watch })
    const b = new SafeLauncherStore({ url: cluster.proxy.url, watch })
    return {
      a,
      b,
      advance: async (ms: number) => clock.increment(ms),
      settle: () => new Promise<void>((resolve) => setTimeout(resolve, 2)),
      cleanup: async () => {
        await Promise.all([a.close(), b.close()])
        // Every request found its token and handles on whichever instance it reached.
        expect(cluster.proxy.statuses.get(401) ?? 0).toBe(0)
        await cluster.close()
      },
    }
  }
  runStoreContract('SafeLauncherStore through round robin, push reads', { watch: true }, () => contractHarness(true))
  runStoreContract('SafeLauncherStore through round robin, polling only', { watch: false }, () => contractHarness(false))

  describe('a call and the seed client', () => {
    let cluster: Cluster
    beforeEach(async () => {
      await flushRedis(redis.url)
      cluster = await startCluster(redis.url)
      return () => cluster.close()
    })

    it.each([
      ['the push read', true],
      ['polling alone', false],
    ])('connects two participants with real WebRTC through round robin, with %s', async (_name, watch) => {
      const result = await callThrough(cluster.proxy.url, { watch, room: `rr-${String(watch)}`, words: 'round robin' })
      expect(result).toEqual({ messages: ['round robin: hi bob', 'round robin: hi alice'], roles: ['initiator', 'recipient'], leftover: null })
      const [first, second] = cluster.instances.map((instance) => cluster.proxy.served.get(instance.port) ?? 0)
      expect(first).toBeGreaterThan(0)
      expect(second).toBeGreaterThan(0)
      expect(cluster.proxy.statuses.get(401) ?? 0).toBe(0)
    })

    it('serves safe-js 0.3.3 call by call, each call on the other instance than the last', async () => {
      const restore = redirectLauncherTo(cluster.proxy.port)
      try {
        const { token } = await safe.auth.authorise({ ...SEED_APP, permissions: ['LOW_LEVEL_API'] })
        expect(await safe.auth.isTokenValid(token)).toBe(true)
        // The seed's publish: the handle from create (one instance) is saved by put (the other).
        const { handleId: created } = await safe.structuredData.create(token, 'rr publish', 500, b64('offer'))
        expect(await safe.structuredData.put(token, created)).toMatchObject({ status: 200 })
        // The seed's read: data id, handle, drop, read, drop — five requests, alternating instances.
        const { handleId: dataIdHandle } = await safe.dataId.getStructuredDataHandle(token, 'rr publish', 500)
        const handle = await safe.structuredData.getHandle(token, dataIdHandle)
        expect(handle).toMatchObject({ isOwner: true, version: 0 })
        expect(await safe.dataId.dropHandle(token, dataIdHandle)).toMatchObject({ status: 200 })
        expect((await safe.structuredData.readData(token, handle.handleId)).toString('utf8')).toBe('offer')
        // Update: PATCH on one instance, POST on the other, then the new version seen on either.
        expect(await safe.structuredData.updateData(token, handle.handleId, b64('answer'), null)).toMatchObject({ status: 200 })
        expect(await safe.structuredData.post(token, handle.handleId)).toMatchObject({ status: 200 })
        expect(await safe.structuredData.getMetadata(token, handle.handleId)).toMatchObject({ version: 1 })
        expect(await safe.structuredData.getMetadata(token, handle.handleId)).toMatchObject({ version: 1 })
        // Public reads without a token share one handle table, in Redis too.
        const { handleId: publicId } = await safe.dataId.getStructuredDataHandle(undefined, 'rr publish', 500)
        const { handleId: publicHandle } = await safe.structuredData.getHandle(undefined, publicId)
        expect((await safe.structuredData.readData(undefined, publicHandle)).toString('utf8')).toBe('answer')
        const { handleId: plain } = await safe.cipherOpts.getHandle(token, 'PLAIN')
        expect(await safe.cipherOpts.dropHandle(token, plain)).toMatchObject({ status: 200 })
        expect(await safe.structuredData.del(token, handle.handleId)).toMatchObject({ status: 200 })
        expect(await safe.structuredData.dropHandle(token, handle.handleId)).toMatchObject({ status: 200 })
        await expect(safe.structuredData.getMetadata(token, handle.handleId)).rejects.toThrow()
      } finally {
        restore()
      }
      const [first, second] = cluster.instances.map((instance) => cluster.proxy.served.get(instance.port) ?? 0)
      expect(Math.abs(first! - second!)).toBeLessThanOrEqual(1)
      expect(cluster.proxy.statuses.get(401) ?? 0).toBe(0)
    })
  })
})
