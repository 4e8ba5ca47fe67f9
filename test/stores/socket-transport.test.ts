/**
 * The client side of the socket extension (stores/launcher/socket-fetch.ts):
 * requests over one WebSocket where `signalbox serve` offers it, HTTP where a
 * Launcher refuses it or does not answer the upgrade, a new socket after the
 * server closes one, and no trust in a socket that sends what is not an answer.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { SafeLauncherStore } from '../../src/index.js'
import { SocketTransport, socketUrl, type WebSocketConstructor } from '../../src/stores/launcher/socket-fetch.js'
import { startServer, type RunningServer, type StartServerOptions } from '../../src/server/index.js'
import { expectCode } from '../helpers/codes.js'

const ADDRESS = btoa('example.signaling.v1-socket-room')
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function serve(options: StartServerOptions = {}): Promise<RunningServer> {
  const lines: string[] = []
  const server = await startServer({ port: 0, log: (line) => lines.push(line), ...options })
  cleanups.push(() => server.close())
  return Object.assign(server, { lines })
}

/** Counts the HTTP requests a store makes, and the sockets it opens; `opened` resolves when the first is open. */
function counted() {
  const count = { http: 0, sockets: 0 }
  let markOpen!: () => void
  const opened = new Promise<void>((resolve) => (markOpen = resolve))
  const fetch: typeof globalThis.fetch = (input, init) => (count.http++, globalThis.fetch(input, init))
  const webSocket = class extends WebSocket {
    constructor(url: string) {
      super(url)
      count.sockets++
      this.addEventListener('open', markOpen)
    }
  } as unknown as WebSocketConstructor
  return { count, fetch, webSocket, opened }
}

describe('SafeLauncherStore over the socket extension', () => {
  it('makes every call over one socket once it is open, and no HTTP request, while the server sees each request', async () => {
    const server = (await serve()) as RunningServer & { lines: string[] }
    const { count, fetch, webSocket, opened } = counted()
    const store = new SafeLauncherStore({ url: server.url, fetch, webSocket, authoriseNow: false })
    await opened
    await store.create(ADDRESS, btoa('offer'))
    expect(await store.read(ADDRESS)).toBe(btoa('offer'))
    await store.update(ADDRESS, btoa('offer with candidates'))
    await store.remove(ADDRESS)
    expect(await store.read(ADDRESS)).toBeNull()
    await store.close()
    expect(count).toEqual({ http: 0, sockets: 1 })
    expect(server.lines.some((line) => / POST \/0\.5\/structured-data\/create-and-save 200 /.test(line))).toBe(true)
    expect(server.lines.some((line) => / DELETE \/0\.5\/auth 200 /.test(line))).toBe(true)
  })

  it('goes over HTTP against a Launcher that refuses the upgrade, trying the socket once', async () => {
    const launcher = await serve({ extensions: false })
    const { count, fetch, webSocket } = counted()
    const store = new SafeLauncherStore({ url: launcher.url, fetch, webSocket })
    await store.create(ADDRESS, btoa('offer'))
    expect(await store.read(ADDRESS)).toBe(btoa('offer'))
    await store.close()
    expect(count.sockets).toBe(1)
    expect(count.http).toBeGreaterThan(3)
  })

  it('makes the requests sent while the socket opens over HTTP, rather than wait for it', async () => {
    const server = await serve()
    let made = 0
    // A socket that never opens (nor fails): the transport stays opening.
    const neverOpens = class {
      readonly readyState = 0
      constructor() {
        made++
      }
      send(): void {}
      close(): void {}
      addEventListener(): void {}
    } as unknown as WebSocketConstructor
    const sent: string[] = []
    const transport = new SocketTransport({ base: server.url, WebSocket: neverOpens, openTimeoutMs: 3_600_000, fetch: (input, init) => (sent.push(String(input)), globalThis.fetch(input, init)) })
    cleanups.push(() => transport.close())
    const answer = await transport.fetch(`${server.url}structured-data/read?${new URLSearchParams({ name: btoa('x'.repeat(32)), typeTag: '500' })}`)
    expect(answer.status).toBe(404)
    expect(sent).toHaveLength(1)
    expect(made).toBe(1)
  })

  it('opens another socket after the server closed one (idle), and goes on', async () => {
    const server = await serve({ socketIdleMs: 200 })
    const { count, fetch, webSocket, opened } = counted()
    const store = new SafeLauncherStore({ url: server.url, fetch, webSocket, authoriseNow: false })
    await opened
    await store.create(ADDRESS, btoa('offer'))
    // Reads spaced past the idle time, until one went over a second socket (the first closed by the server while idle).
    for (let attempt = 0; attempt < 50 && count.sockets < 2; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(await store.read(ADDRESS)).toBe(btoa('offer'))
    }
    await store.close()
    expect(count.sockets).toBe(2)
  })
})

describe('SocketTransport', () => {
  it('goes over HTTP when the server takes the connection but never answers the upgrade, after the open timeout', async () => {
    const held: Socket[] = []
    const silent: Server = createServer((socket) => held.push(socket))
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => (held.forEach((socket) => socket.destroy()), silent.close(() => resolve()))))
    const base = `http://127.0.0.1:${(silent.address() as { port: number }).port}/0.5/`
    const sent: string[] = []
    const transport = new SocketTransport({ base, WebSocket: WebSocket as unknown as WebSocketConstructor, openTimeoutMs: 100, fetch: async (input) => (sent.push(String(input)), new Response('{}')) })
    cleanups.push(() => transport.close())
    expect(await transport.opened()).toBe(false)
    expect(await (await transport.fetch(`${base}auth`, { method: 'POST', body: '{}' })).text()).toBe('{}')
    expect(sent).toEqual([`${base}auth`])
  })

  it('fails the requests on a socket that answers with what is not an answer, with a network error the store reports as ERR_STORE_UNAVAILABLE', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise((resolve) => wss.once('listening', resolve))
    cleanups.push(() => new Promise<void>((resolve) => (wss.clients.forEach((client) => client.terminate()), wss.close(() => resolve()))))
    wss.on('connection', (socket) => socket.on('message', () => socket.send('{"id":1,"status":"fine"}')))
    const base = `http://127.0.0.1:${(wss.address() as { port: number }).port}/0.5/`
    const transport = new SocketTransport({ base, WebSocket: WebSocket as unknown as WebSocketConstructor, fetch: async () => new Response(null, { status: 599 }) })
    expect(await transport.opened()).toBe(true)
    const store = new SafeLauncherStore({ url: base, authoriseNow: false, webSocket: false, fetch: transport.fetch })
    cleanups.push(() => (transport.close(), store.close()))
    await expectCode(store.read(ADDRESS), 'ERR_STORE_UNAVAILABLE')
  })

  it('carries only requests under its base URL with string bodies and forwardable headers, others over HTTP', async () => {
    const server = await serve()
    const sent: string[] = []
    const transport = new SocketTransport({ base: server.url, WebSocket: WebSocket as unknown as WebSocketConstructor, fetch: async (input) => (sent.push(String(input)), new Response('http')) })
    cleanups.push(() => transport.close())
    expect(await transport.opened()).toBe(true)
    await transport.fetch('http://127.0.0.1:9/elsewhere')
    await transport.fetch(`${server.url}auth`, { method: 'POST', headers: { 'x-other': '1' }, body: '{}' })
    await transport.fetch(`${server.url}auth`, { method: 'POST', body: new Uint8Array([1]) })
    expect(sent).toHaveLength(3)
    const overSocket = await transport.fetch(`${server.url}structured-data/read?name=x&typeTag=500`)
    expect(overSocket.status).toBe(400)
    expect(sent).toHaveLength(3)
  })

  it('makes the socket URL from the API base: ws for http, wss for https', () => {
    expect(socketUrl('http://127.0.0.1:8100/0.5/')).toBe('ws://127.0.0.1:8100/0.5/socket')
    expect(socketUrl('https://example.org/api/0.5/')).toBe('wss://example.org/api/0.5/socket')
  })
})
