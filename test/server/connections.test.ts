/**
 * Issue 15, items 2 and 8: no client can hold every socket. At reduced scale
 * (a global cap of 50 open connections, 40 per address, 80 sockets): sockets
 * past a cap are answered 503 saying which, /health from another address
 * answers throughout; push reads have a global cap too; a request whose headers
 * or body dribble in is cut off with 408 (not 400).
 */
import type { Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { call, health, nameOf, rawSocket, readAll, token } from './attack-client.js'

let server: RunningServer | undefined
const sockets: Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await server?.close()
  server = undefined
})

/** Opens `count` sockets from `from`, each sending the start of a request it never finishes; resolves with what each received within `waitMs`. */
async function holdSockets(url: string, from: string, count: number): Promise<Array<Promise<string>>> {
  const answers: Array<Promise<string>> = []
  for (let index = 0; index < count; index++) {
    const socket = await rawSocket(url, from)
    sockets.push(socket)
    answers.push(readAll(socket, 1_500))
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n')
  }
  return answers
}

describe('the connection caps', () => {
  it('answers sockets past the per-address and global caps with 503, and /health from elsewhere answers throughout', async () => {
    server = await startServer({ port: 0, maxConnections: 50, maxConnectionsPerAddress: 40, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 })
    const { url } = server
    const first = await Promise.all(await holdSockets(url, '127.0.0.2', 80))
    const refusedHere = first.filter((text) => text.startsWith('HTTP/1.1 503'))
    expect(refusedHere).toHaveLength(40)
    expect(refusedHere[0]).toContain('your address holds its limit of 40 open connections')
    const fine = await health(url, '127.0.0.1')
    expect(fine.status).toBe(200)
    expect(fine.json<{ connections: number }>().connections).toBeGreaterThanOrEqual(40)

    const second = await Promise.all(await holdSockets(url, '127.0.0.3', 20))
    const refusedThere = second.filter((text) => text.startsWith('HTTP/1.1 503'))
    expect(refusedThere.length).toBeGreaterThanOrEqual(10)
    expect(refusedThere[0]).toContain('the server holds its limit of 50 open connections')

    for (const socket of sockets.splice(0)) socket.destroy()
    let after = await health(url)
    for (let attempt = 0; attempt < 50 && after.status !== 200; attempt++) after = await health(url)
    expect(after.status).toBe(200)
  }, 60_000)

  it('caps open push reads across tokens with a 503 that says so', async () => {
    server = await startServer({ port: 0, rateLimitPerSecond: 0, maxWatches: 3 })
    const { url } = server
    const watches: Array<Promise<{ status: number }>> = []
    const controller = new AbortController()
    for (let index = 0; index < 3; index++) {
      const auth = await token(url)
      const dataId = (await call(url, 'data-id/structured-data', { method: 'POST', token: auth, body: { name: nameOf(`w${index}`), typeTag: 500 } })).json<{ handleId: number }>()
      watches.push(fetch(`${url}structured-data/watch/${dataId.handleId}?since=0&timeoutMs=20000`, { headers: { authorization: `Bearer ${auth}` }, signal: controller.signal }).catch(() => ({ status: 0 })))
    }
    const auth = await token(url)
    const dataId = (await call(url, 'data-id/structured-data', { method: 'POST', token: auth, body: { name: nameOf('w-last'), typeTag: 500 } })).json<{ handleId: number }>()
    let answer = await call(url, `structured-data/watch/${dataId.handleId}?since=0&timeoutMs=1`, { token: auth })
    // The three watches may still be on their way: ask until they are all open (bounded).
    for (let attempt = 0; attempt < 50 && answer.status === 200; attempt++) answer = await call(url, `structured-data/watch/${dataId.handleId}?since=0&timeoutMs=1`, { token: auth })
    expect(answer.status).toBe(503)
    expect(answer.json()).toMatchObject({ errorCode: 503, description: expect.stringContaining('limit of 3 open push reads') })
    controller.abort()
    await Promise.all(watches)
  }, 30_000)
})

describe('slow requests', () => {
  it('answers headers that never end with 408', async () => {
    server = await startServer({ port: 0, headersTimeoutMs: 300, requestTimeoutMs: 300 })
    const socket = await rawSocket(server.url)
    sockets.push(socket)
    const answer = readAll(socket)
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n')
    const text = await answer
    expect(text).toMatch(/^HTTP\/1\.1 408 /)
    expect(text).toContain('"errorCode":408')
  })

  it('cuts off a body sent a byte at a time', async () => {
    server = await startServer({ port: 0, headersTimeoutMs: 500, requestTimeoutMs: 500 })
    const auth = await token(server.url)
    const socket = await rawSocket(server.url)
    sockets.push(socket)
    const answer = readAll(socket)
    socket.write(`POST /0.5/data-id/structured-data HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${auth}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n`)
    let sent = 0
    const drip = setInterval(() => {
      if (sent++ < 40 && !socket.destroyed) socket.write('{')
      else clearInterval(drip)
    }, 100)
    const text = await answer
    clearInterval(drip)
    expect(sent).toBeLessThan(40)
    expect(text).toMatch(/408/)
  })
})
