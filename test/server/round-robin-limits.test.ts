/**
 * With sessions in Redis, an instance holds nothing a client depends on: a
 * token revoked on one instance is refused by the other at once, the token
 * caps and the per-address request rate are counted once for all instances,
 * and a waiting call survives every instance being restarted one after the
 * other (then connects).
 */
import wrtc from '@roamhq/wrtc'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSignaling, SafeLauncherStore } from '../../src/index.js'
import { redisAvailable, requireRedis, startRedis, type RedisServer } from '../helpers/redis.js'
import { flushRedis, startCluster } from './round-robin-fixture.js'

requireRedis()

const APP = { name: 'round robin', id: 'example.round-robin', version: '1', vendor: 'signalbox tests' }
/** The rate limit of the rate test: small, so a short loop reaches it. */
const RATE_PER_SECOND = 5
/** How long the rate limiter's window is, in ms (fixed by the server); a loop slower than this starts again. */
const RATE_WINDOW_MS = 1_000
/** Attempts at the rate loop before it gives up (each is a few loopback requests). */
const MAX_RATE_ATTEMPTS = 5

async function call(base: string, method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = {}
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await response.text()
  const json = (response.headers.get('content-type') ?? '').includes('json') && text !== ''
  return { status: response.status, body: json ? (JSON.parse(text) as Record<string, unknown>) : null, remaining: response.headers.get('x-ratelimit-remaining') }
}

describe.runIf(redisAvailable)('limits and restarts with sessions in Redis', () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis.stop()
  })
  beforeEach(async () => {
    await flushRedis(redis.url)
  })

  it('refuses on one instance a token revoked on the other, and its handles with it', async () => {
    const cluster = await startCluster(redis.url)
    try {
      const [first, second] = cluster.instances.map((instance) => instance.url)
      const { body } = await call(first!, 'POST', 'auth', undefined, { app: APP, permissions: ['LOW_LEVEL_API'] })
      const token = body!['token'] as string
      const name = Buffer.alloc(32, 7).toString('base64')
      const created = await call(second!, 'POST', 'structured-data', token, { name, typeTag: 500, data: btoa('x') })
      expect(created.status).toBe(200)
      expect((await call(first!, 'GET', 'auth', token)).status).toBe(200)
      expect((await call(first!, 'DELETE', 'auth', token)).status).toBe(200)
      expect((await call(second!, 'GET', 'auth', token)).status).toBe(401)
      expect((await call(second!, 'GET', `structured-data/metadata/${String(created.body!['handleId'])}`)).status).toBe(400)
      expect((await call(first!, 'DELETE', 'auth', token)).status).toBe(401)
    } finally {
      await cluster.close()
    }
  })

  it('counts the tokens one address may hold once for every instance', async () => {
    const cluster = await startCluster(redis.url, { maxTokensPerAddress: 3 })
    try {
      const statuses: number[] = []
      for (let index = 0; index < 4; index++) statuses.push((await call(cluster.proxy.url, 'POST', 'auth', undefined, { app: APP, permissions: [] })).status)
      expect(statuses).toEqual([200, 200, 200, 429])
    } finally {
      await cluster.close()
    }
  })

  it('keeps each token to its handle cap in Redis, forgetting its least recently used handle', async () => {
    const cluster = await startCluster(redis.url, { maxHandlesPerToken: 3 })
    try {
      const { body } = await call(cluster.proxy.url, 'POST', 'auth', undefined, { app: APP, permissions: [] })
      const token = body!['token'] as string
      const ids: string[] = []
      for (let index = 0; index < 3; index++) {
        ids.push(String((await call(cluster.proxy.url, 'POST', 'data-id/structured-data', token, { name: Buffer.alloc(32, index).toString('base64'), typeTag: 500 })).body!['handleId']))
      }
      // The first is used again: the second is now the least recently used, and goes when a fourth comes.
      expect((await call(cluster.proxy.url, 'GET', `data-id/${ids[0]!}`, token)).status).toBe(200)
      await call(cluster.proxy.url, 'POST', 'data-id/structured-data', token, { name: Buffer.alloc(32, 9).toString('base64'), typeTag: 500 })
      const kept = await Promise.all(ids.map(async (id) => (await call(cluster.proxy.url, 'GET', `data-id/${id}`, token)).status))
      expect(kept).toEqual([200, 400, 200])
    } finally {
      await cluster.close()
    }
  })

  it('keeps each token to its handle bytes in Redis: the least recently used go, a handle above them all is NetworkFull', async () => {
    const cluster = await startCluster(redis.url, { handleBytesPerToken: 1024 })
    try {
      const { body } = await call(cluster.proxy.url, 'POST', 'auth', undefined, { app: APP, permissions: ['LOW_LEVEL_API'] })
      const token = body!['token'] as string
      const create = (fill: number, bytes: number) =>
        call(cluster.proxy.url, 'POST', 'structured-data', token, { name: Buffer.alloc(32, fill).toString('base64'), typeTag: 500, data: Buffer.alloc(bytes, fill).toString('base64') })
      // Each costs about 256 + 44 + 400 bytes: the second pushes the first out.
      const first = await create(1, 300)
      const second = await create(2, 300)
      const metadata = async (handle: { body: Record<string, unknown> | null }) =>
        (await call(cluster.proxy.url, 'GET', `structured-data/metadata/${String(handle.body!['handleId'])}`, token)).status
      expect([await metadata(first), await metadata(second)]).toEqual([400, 200])
      const huge = await create(3, 2048)
      expect([huge.status, huge.body!['errorCode']]).toEqual([400, -27])
    } finally {
      await cluster.close()
    }
  })

  it('answers 503 (NetworkOther) to a request with a token while Redis is down, not 401 nor 500', async () => {
    const own = await startRedis()
    const cluster = await startCluster(own.url)
    try {
      const { body } = await call(cluster.proxy.url, 'POST', 'auth', undefined, { app: APP, permissions: [] })
      await own.stop()
      const answer = await call(cluster.instances[0]!.url, 'GET', 'auth', body!['token'] as string)
      expect([answer.status, answer.body!['errorCode']]).toEqual([503, -19])
    } finally {
      await cluster.close()
    }
  })

  it('shares the per-address request rate between the instances', async () => {
    const cluster = await startCluster(redis.url, { rateLimitPerSecond: RATE_PER_SECOND })
    try {
      let seen: Array<[number, string | null]> = []
      for (let attempt = 0; attempt < MAX_RATE_ATTEMPTS; attempt++) {
        await flushRedis(redis.url)
        const started = performance.now()
        seen = []
        for (let index = 0; index <= RATE_PER_SECOND; index++) {
          const answer = await call(cluster.proxy.url, 'GET', 'auth')
          seen.push([answer.status, answer.remaining])
        }
        // All within one window of the limiter: the counts are comparable (a slower loop is tried again).
        if (performance.now() - started < RATE_WINDOW_MS / 2) break
      }
      // Alternating instances, one count: 4, 3, 2, 1, 0 left, then refused (GET auth without a token answers 401 when let through).
      expect(seen).toEqual([...[4, 3, 2, 1, 0].map((left) => [401, String(left)]), [429, '0']])
      const [first, second] = cluster.instances.map((instance) => cluster.proxy.served.get(instance.port) ?? 0)
      expect(first).toBeGreaterThanOrEqual(RATE_PER_SECOND / 2)
      expect(second).toBeGreaterThanOrEqual(RATE_PER_SECOND / 2)
    } finally {
      await cluster.close()
    }
  })

  it.each([
    ['the push read', true],
    ['polling alone', false],
  ])('keeps a waiting call through a rolling restart of every instance, then connects it (%s)', async (_name, watch) => {
    const cluster = await startCluster(redis.url)
    const stores = [new SafeLauncherStore({ url: cluster.proxy.url, watch }), new SafeLauncherStore({ url: cluster.proxy.url, watch })]
    try {
      const join = (store: SafeLauncherStore) => createSignaling({ store, wrtc, pollIntervalMs: 250 }).join(`rolling-${String(watch)}`)
      const alice = join(stores[0]!)
      await new Promise<void>((resolve, reject) => {
        alice.actor.subscribe((snapshot) => snapshot.value === 'pollingAnswer' && resolve())
        alice.connected.catch(reject)
      })
      // Mid-handshake: the offer is out, the answer not yet. Every instance goes away and comes back, one at a time.
      for (let index = 0; index < cluster.instances.length; index++) await cluster.restart(index)
      expect(alice.actor.getSnapshot().value).toBe('pollingAnswer')
      const bob = join(stores[1]!)
      const [a, b] = await Promise.all([alice.connected, bob.connected])
      expect([a.connected, b.connected]).toEqual([true, true])
      await Promise.all([alice.hangup(), bob.hangup()])
      // Alice's token outlived every instance: nothing was refused and authorised again.
      expect(cluster.proxy.statuses.get(401) ?? 0).toBe(0)
    } finally {
      await Promise.all(stores.map((store) => store.close()))
      await cluster.close()
    }
  })

  it('answers /health with the tokens Redis holds', async () => {
    const cluster = await startCluster(redis.url)
    try {
      await call(cluster.instances[0]!.url, 'POST', 'auth', undefined, { app: APP, permissions: [] })
      const health = await fetch(`http://127.0.0.1:${cluster.instances[1]!.port}/health`)
      expect(await health.json()).toMatchObject({ status: 'ok', tokens: 1, handles: null })
    } finally {
      await cluster.close()
    }
  })
})
