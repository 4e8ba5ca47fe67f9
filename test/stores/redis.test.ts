/** The store contract for RedisStore, on a real redis-server; and what happens when Redis goes away. */
import { SimulatedClock } from 'xstate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignalingError } from '../../src/index.js'
import { RedisStore } from '../../src/stores/redis.js'
import { redisAvailable, requireRedis, startRedis, type RedisServer } from '../helpers/redis.js'
import { runStoreContract } from './contract.js'

requireRedis()

describe.runIf(redisAvailable)('RedisStore', () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis.stop()
  })

  let prefixes = 0
  runStoreContract('RedisStore', { watch: true }, async () => {
    const clock = new SimulatedClock()
    clock.set(1_700_000_000_000)
    // A prefix per test keeps the tests apart in one Redis.
    const a = new RedisStore({ url: redis.url, clock, prefix: `test-${process.pid}-${prefixes++}:` })
    const b = a.client()
    return {
      a,
      b,
      advance: async (ms: number) => clock.increment(ms),
      settle: () => new Promise<void>((resolve) => setTimeout(resolve, 2)),
      cleanup: () => a.close(),
    }
  })

  it('fails with ERR_STORE_UNAVAILABLE while Redis is down, and works again once it is back', async () => {
    const own = await startRedis()
    const store = new RedisStore({ url: own.url })
    await store.create('outage', btoa('before'))
    await own.stop()
    const error = await store.read('outage').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(SignalingError)
    expect((error as SignalingError).code).toBe('ERR_STORE_UNAVAILABLE')
    const again = await startRedis(own.port)
    let value: string | null | undefined
    for (let attempt = 0; attempt < 100 && value === undefined; attempt++) {
      value = await store.read('outage').catch(() => undefined)
      if (value === undefined) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(value).toBeNull() // a fresh Redis without persistence: reachable again, empty
    await store.create('outage', btoa('after'))
    expect(await store.read('outage')).toBe(btoa('after'))
    await store.close()
    await again.stop()
  })
})
