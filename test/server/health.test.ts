/**
 * Issue 15, items 7 and 8: /health that tells the truth about its backend
 * (503 with the reason while Redis is down), a bad Redis URL refused at
 * start-up, the same record budget in Redis mode, and the page's security headers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { redisAvailable, requireRedis, startRedis, type RedisServer } from '../helpers/redis.js'
import { call, health, nameOf, token } from './attack-client.js'

let server: RunningServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('start-up', () => {
  it('refuses a Redis URL that is not one, saying what to pass', async () => {
    for (const url of ['notaurl', 'http://127.0.0.1:6379', 'redis://']) {
      await expect(startServer({ port: 0, redisUrl: url })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('redis://host:port') })
    }
  })
})

requireRedis()
describe.runIf(redisAvailable)('/health with Redis', () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis.stop()
  })

  it('answers 503 with the reason while Redis is down, and 200 once it is back', async () => {
    const port = redis.port
    server = await startServer({ port: 0, redisUrl: redis.url })
    expect((await health(server.url)).status).toBe(200)
    await redis.stop()
    const down = await health(server.url)
    expect(down.status).toBe(503)
    expect(down.json()).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('record backend does not answer') })
    redis = await startRedis(port)
    let back = await health(server.url)
    for (let attempt = 0; attempt < 40 && back.status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      back = await health(server.url)
    }
    expect(back.status).toBe(200)
  }, 30_000)

  it('charges Redis records to the same budget', async () => {
    server = await startServer({ port: 0, redisUrl: redis.url, rateLimitPerSecond: 0, recordBytesPerToken: 64 * 1024 })
    const auth = await token(server.url)
    const data = Buffer.alloc(40_000, 1).toString('base64')
    const statuses: unknown[] = []
    for (let index = 0; index < 2; index++) {
      const created = await call(server.url, 'structured-data', { method: 'POST', token: auth, body: { name: nameOf(`redis-${index}-${Date.now()}`), typeTag: 500, data } })
      const saved = await call(server.url, `structured-data/${created.json<{ handleId: number }>().handleId}`, { method: 'PUT', token: auth })
      statuses.push(saved.status === 200 ? 200 : saved.json().errorCode)
    }
    expect(statuses).toEqual([200, -27])
  })
})

describe('the page', () => {
  it('is served with a same-origin CSP (its inline script by hash), nosniff, no referrer and no framing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'signalbox-page-'))
    writeFileSync(join(root, 'index.html'), '<!doctype html><script>document.title = "x"</script><script type="module" src="./app.js"></script>')
    writeFileSync(join(root, 'app.js'), 'export {}')
    server = await startServer({ port: 0, webRoot: root })
    for (const path of ['/', '/app.js']) {
      const page = await call(server.url.replace(/0\.5\/$/, ''), path)
      expect(page.status).toBe(200)
      const policy = String(page.headers['content-security-policy'])
      expect(policy).toContain("default-src 'self'")
      expect(policy).toContain("frame-ancestors 'none'")
      expect(policy).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/)
      expect(policy).not.toMatch(/https?:/)
      expect(page.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' })
    }
  })

  it('answers a browser that already has the page or app.js with 304 (its entity tag), and one that has an older copy with the file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'signalbox-page-'))
    writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="./app.js"></script>')
    writeFileSync(join(root, 'app.js'), 'export const version = 1')
    server = await startServer({ port: 0, webRoot: root })
    const origin = server.url.replace(/0\.5\/$/, '')
    const first = await fetch(`${origin}app.js`)
    const tag = first.headers.get('etag')
    expect(first.status).toBe(200)
    expect(tag).toMatch(/^"[\w-]{16}"$/)
    expect(first.headers.get('cache-control')).toBe('no-cache')
    const again = await fetch(`${origin}app.js`, { headers: { 'if-none-match': tag! } })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
    expect(again.headers.get('content-security-policy')).toContain("default-src 'self'")
    // A rebuild changes the file: the old tag no longer matches, and the new file comes whole.
    writeFileSync(join(root, 'app.js'), 'export const version = 2')
    const rebuilt = await fetch(`${origin}app.js`, { headers: { 'if-none-match': tag! } })
    expect(rebuilt.status).toBe(200)
    expect(await rebuilt.text()).toBe('export const version = 2')
    expect(rebuilt.headers.get('etag')).not.toBe(tag)
    const page = await fetch(origin, { headers: { 'if-none-match': (await fetch(origin)).headers.get('etag')! } })
    expect(page.status).toBe(304)
  })
})
