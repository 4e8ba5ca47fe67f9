/**
 * Issue 15, items 3, 4 and 13: nobody evicts anyone's token. A full table
 * refuses new tokens (429) and keeps the live ones; one address gets only so
 * many tokens, and only so many new ones a minute; a token unused for its idle
 * time goes away with its handles (injected clock); an optional server key;
 * per-address limits that honour a trusted proxy; a request log without query
 * strings.
 */
import { SimulatedClock } from 'xstate'
import { afterEach, describe, expect, it } from 'vitest'
import { AUTH_KEY_HEADER, startServer, type RunningServer } from '../../src/server/index.js'
import { authorise, call, health, nameOf, token } from './attack-client.js'

let server: RunningServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('the token table', () => {
  it('refuses a new token when full, and never evicts a live one', async () => {
    server = await startServer({ port: 0, rateLimitPerSecond: 0, maxTokens: 5 })
    const { url } = server
    const tokens = [] as string[]
    for (let index = 0; index < 5; index++) tokens.push(await token(url))
    const refused = await authorise(url)
    expect(refused.status).toBe(429)
    expect(refused.json()).toMatchObject({ errorCode: 429, description: expect.stringContaining('limit of 5 tokens') })
    for (const live of tokens) expect((await call(url, 'auth', { token: live })).status).toBe(200)
  })

  it('gives one address only so many tokens, and only so many new ones a minute', async () => {
    server = await startServer({ port: 0, rateLimitPerSecond: 0, maxTokensPerAddress: 3, newTokensPerAddressPerMinute: 5 })
    const { url } = server
    const mine = [await token(url), await token(url), await token(url)]
    expect((await authorise(url)).json()).toMatchObject({ errorCode: 429, description: expect.stringContaining('your address holds its limit of 3 tokens') })
    expect((await authorise(url, { from: '127.0.0.2' })).status).toBe(200)
    await call(url, 'auth', { method: 'DELETE', token: mine[0] })
    await token(url)
    await call(url, 'auth', { method: 'DELETE', token: mine[1] })
    await token(url)
    await call(url, 'auth', { method: 'DELETE', token: mine[2] })
    expect((await authorise(url)).json()).toMatchObject({ errorCode: 429, description: expect.stringContaining('5 new tokens this minute') })
  })

  it('revokes a token unused for its idle time, with its handles (as PeerServer alive_timeout)', async () => {
    const clock = new SimulatedClock()
    clock.set(Date.now())
    server = await startServer({ port: 0, rateLimitPerSecond: 0, clock, tokenIdleMs: 60_000 })
    const { url } = server
    const [idle, busy] = [await token(url), await token(url)]
    await call(url, 'data-id/structured-data', { method: 'POST', token: idle, body: { name: nameOf('idle'), typeTag: 500 } })
    clock.increment(40_000)
    expect((await call(url, 'auth', { token: busy })).status).toBe(200)
    clock.increment(25_000)
    expect((await health(url)).json()).toMatchObject({ tokens: 1, handles: 0 })
    expect((await call(url, 'auth', { token: idle })).status).toBe(401)
    expect((await call(url, 'auth', { token: busy })).status).toBe(200)
  })

  it('hands out tokens only with the server key when it has one', async () => {
    const key = 'k'.repeat(32)
    server = await startServer({ port: 0, rateLimitPerSecond: 0, authKey: key })
    const { url } = server
    const without = await authorise(url)
    expect(without.status).toBe(401)
    expect(without.json()).toMatchObject({ description: expect.stringContaining(AUTH_KEY_HEADER.replace(/\b\w/g, (c) => c.toUpperCase())) })
    expect((await authorise(url, { headers: { [AUTH_KEY_HEADER]: 'wrong' } })).status).toBe(401)
    expect((await authorise(url, { headers: { [AUTH_KEY_HEADER]: key } })).status).toBe(200)
    await expect(startServer({ port: 0, authKey: 'short' })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' })
  })

  it('counts the client behind a trusted proxy, and only a trusted one', async () => {
    const forwarded = (address: string) => ({ headers: { 'x-forwarded-for': address } })
    server = await startServer({ port: 0, rateLimitPerSecond: 0, maxTokensPerAddress: 1, trustProxy: '127.0.0.1' })
    expect((await authorise(server.url, forwarded('203.0.113.1'))).status).toBe(200)
    expect((await authorise(server.url, forwarded('203.0.113.2'))).status).toBe(200)
    expect((await authorise(server.url, forwarded('203.0.113.2'))).status).toBe(429)
    await server.close()
    server = await startServer({ port: 0, rateLimitPerSecond: 0, maxTokensPerAddress: 1 })
    expect((await authorise(server.url, forwarded('203.0.113.1'))).status).toBe(200)
    expect((await authorise(server.url, forwarded('203.0.113.2'))).status).toBe(429)
  })
})

describe('the request log', () => {
  it('writes no query string (a page URL may carry ?secret=)', async () => {
    const lines: string[] = []
    server = await startServer({ port: 0, log: (line) => lines.push(line) })
    await call(server.url.replace(/0\.5\/$/, ''), '/?room=demo&secret=hunter2')
    await call(server.url, `structured-data/read?name=${encodeURIComponent(nameOf('x'))}&typeTag=500`)
    await call(server.url, 'no-such-endpoint?secret=hunter2')
    expect(lines.length).toBeGreaterThanOrEqual(3)
    for (const line of lines) {
      expect(line).not.toContain('?')
      expect(line).not.toContain('hunter2')
    }
  })
})
