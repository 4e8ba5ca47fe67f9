/**
 * The server side of the socket extension: frames answered as the same HTTP
 * requests are (tokens, rate limit, body limit), and each bound (bad frames,
 * frame size, requests in flight, cancel, close, idle) against a raw `ws`
 * client, with `signalbox serve` in process on port 0.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { LAUNCHER_ROUTES, launcherPath, LOW_LEVEL_API } from '../../src/launcher/api.js'
import { MAX_SOCKET_REQUESTS_IN_FLIGHT, SOCKET_CLOSE_CODES } from '../../src/launcher/socket.js'
import { startServer, type RunningServer, type StartServerOptions } from '../../src/server/index.js'

interface Answer {
  id: number
  status: number
  body: string
}

/** A raw socket client: frames out, answers in by id. */
class RawSocket {
  readonly answers = new Map<number, Answer>()
  private readonly waiting = new Map<number, (answer: Answer) => void>()
  readonly closed: Promise<{ code: number; reason: string }>

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const answer = JSON.parse(data.toString()) as Answer
      this.answers.set(answer.id, answer)
      this.waiting.get(answer.id)?.(answer)
    })
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  }

  send(frame: object | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  answer(id: number): Promise<Answer> {
    const known = this.answers.get(id)
    if (known !== undefined) return Promise.resolve(known)
    return new Promise((resolve) => this.waiting.set(id, resolve))
  }

  async request(id: number, method: string, path: string, headers: Record<string, string> = {}, body?: object): Promise<Answer> {
    this.send({ id, method, path, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    return this.answer(id)
  }
}

const APP = { name: 'socket test', id: 'socket.test', version: '1', vendor: 'signalbox' }
const NAME = Buffer.alloc(32, 7).toString('base64')

let server: RunningServer | undefined
const sockets: WebSocket[] = []
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate()
  await server?.close()
  server = undefined
})

async function serve(options: StartServerOptions = {}): Promise<RunningServer> {
  server = await startServer({ port: 0, ...options })
  return server
}

async function connect(running: RunningServer): Promise<RawSocket> {
  const ws = new WebSocket(`${running.url.replace('http:', 'ws:')}socket`)
  sockets.push(ws)
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  return new RawSocket(ws)
}

async function tokenOver(socket: RawSocket, id: number): Promise<Record<string, string>> {
  const answer = await socket.request(id, 'POST', LAUNCHER_ROUTES.auth, {}, { app: APP, permissions: [LOW_LEVEL_API] })
  expect(answer.status).toBe(200)
  return { authorization: `Bearer ${(JSON.parse(answer.body) as { token: string }).token}` }
}

/** A data-id handle for NAME and a push-read path that waits (since the record's current revision) for `timeoutMs`. */
async function waitingWatch(socket: RawSocket, id: number, auth: Record<string, string> = {}): Promise<(timeoutMs: number) => string> {
  const dataId = await socket.request(id, 'POST', LAUNCHER_ROUTES.dataId, auth, { name: NAME, typeTag: 500 })
  const handle = (JSON.parse(dataId.body) as { handleId: number }).handleId
  const now = await socket.request(id + 1, 'GET', launcherPath(LAUNCHER_ROUTES.watch, { dataIdHandle: handle }), auth)
  const since = String((JSON.parse(now.body) as { revision: number }).revision)
  return (timeoutMs) => launcherPath(LAUNCHER_ROUTES.watch, { dataIdHandle: handle }, new URLSearchParams({ since, timeoutMs: String(timeoutMs) }))
}

function create(socket: RawSocket, id: number, auth: Record<string, string>, data: string): Promise<Answer> {
  return socket.request(id, 'POST', LAUNCHER_ROUTES.createAndSave, auth, { name: NAME, typeTag: 500, data })
}

describe('signalbox serve: the socket answers each frame as the same HTTP request', () => {
  it('authorises, creates and reads over one socket, and refuses an unknown token with 401 as HTTP does', async () => {
    const socket = await connect(await serve())
    const auth = await tokenOver(socket, 1)
    expect((await create(socket, 2, auth, btoa('offer'))).status).toBe(200)
    const read = await socket.request(3, 'GET', launcherPath(LAUNCHER_ROUTES.read, {}, new URLSearchParams({ name: NAME, typeTag: '500' })))
    expect(read).toMatchObject({ status: 200, body: 'offer' })
    expect((await create(socket, 4, { authorization: 'Bearer nobody' }, btoa('x'))).status).toBe(401)
  })

  it('counts frames against the rate limit', async () => {
    const socket = await connect(await serve({ rateLimitPerSecond: 2 }))
    const answers = await Promise.all(Array.from({ length: 12 }, (_, index) => socket.request(index + 1, 'GET', 'structured-data/read?name=x&typeTag=500')))
    expect(answers.filter((answer) => answer.status === 429).length).toBeGreaterThan(0)
  })

  it('applies the body limit to a frame’s body (413)', async () => {
    const socket = await connect(await serve({ bodyLimit: 4096 }))
    const tooLarge = await socket.request(1, 'POST', LAUNCHER_ROUTES.auth, {}, { app: APP, permissions: [LOW_LEVEL_API], padding: 'x'.repeat(5000) })
    expect(tooLarge.status).toBe(413)
  })
})

describe('signalbox serve: the socket is bounded', () => {
  it.each([
    ['not JSON', 'hello'],
    ['a frame without an id', JSON.stringify({ method: 'GET', path: 'auth' })],
    ['a path out of the API', JSON.stringify({ id: 1, method: 'GET', path: '../health' })],
    ['a header that is not forwarded', JSON.stringify({ id: 1, method: 'GET', path: 'auth', headers: { host: 'elsewhere' } })],
  ])('closes the socket with 1008 and a reason on %s', async (_what, frame) => {
    const socket = await connect(await serve())
    socket.send(frame)
    const closed = await socket.closed
    expect(closed.code).toBe(SOCKET_CLOSE_CODES.protocolError)
    expect(closed.reason).toMatch(/send JSON text frames/)
  })

  it('closes the socket on a binary frame and on an id reused while in flight', async () => {
    const running = await serve()
    const binary = await connect(running)
    binary.ws.send(Buffer.from('{}'))
    expect((await binary.closed).code).toBe(SOCKET_CLOSE_CODES.protocolError)
    const reused = await connect(running)
    const watch = (await waitingWatch(reused, 1))(60_000)
    reused.send({ id: 2, method: 'GET', path: watch })
    reused.send({ id: 2, method: 'GET', path: watch })
    expect(await reused.closed).toMatchObject({ code: SOCKET_CLOSE_CODES.protocolError, reason: expect.stringMatching(/already in flight/) })
  })

  it('closes the socket on a frame beyond the body limit and its envelope (1009)', async () => {
    const socket = await connect(await serve({ bodyLimit: 4096 }))
    socket.send({ id: 1, method: 'POST', path: 'auth', body: 'x'.repeat(64 * 1024) })
    expect((await socket.closed).code).toBe(1009)
  })

  it(`answers 429 past ${MAX_SOCKET_REQUESTS_IN_FLIGHT} requests in flight on one socket, and takes more once they end`, async () => {
    const socket = await connect(await serve({ rateLimitPerSecond: 0 }))
    const watch = (await waitingWatch(socket, 3000))(60_000)
    for (let id = 2; id < 2 + MAX_SOCKET_REQUESTS_IN_FLIGHT; id++) socket.send({ id, method: 'GET', path: watch })
    const over = await socket.request(1000, 'GET', watch)
    expect(over.status).toBe(429)
    expect(JSON.parse(over.body)).toMatchObject({ errorCode: 429, description: expect.stringMatching(/in flight on this socket/) })
    // A record at the address ends every long poll (a new revision): the socket takes requests again.
    const writer = await connect(server!)
    expect((await create(writer, 2, await tokenOver(writer, 1), btoa('offer'))).status).toBe(200)
    for (let id = 2; id < 2 + MAX_SOCKET_REQUESTS_IN_FLIGHT; id++) expect((await socket.answer(id)).status).toBe(200)
  })

  it('stops a cancelled push read, and those of a closed socket, so they no longer count against the token', async () => {
    const running = await serve({ maxWatchesPerToken: 1 })
    const first = await connect(running)
    const auth = await tokenOver(first, 1)
    const watchFor = await waitingWatch(first, 2, auth)
    let nextId = 10
    // A short push read: 429 while the token's one push read is held, 200 once it is free.
    const short = (socket: RawSocket) => socket.request(nextId++, 'GET', watchFor(20), auth).then((answer) => answer.status)
    const eventuallyFree = async (socket: RawSocket) => {
      for (let attempt = 0; attempt < 100; attempt++) if ((await short(socket)) === 200) return true
      return false
    }
    first.send({ id: 5, method: 'GET', path: watchFor(60_000), headers: auth })
    expect(await short(first)).toBe(429)
    first.send({ id: 5, cancel: true })
    expect(await eventuallyFree(first)).toBe(true)
    expect(first.answers.has(5)).toBe(false)

    first.send({ id: 6, method: 'GET', path: watchFor(60_000), headers: auth })
    expect(await short(first)).toBe(429)
    first.ws.close()
    await first.closed
    expect(await eventuallyFree(await connect(running))).toBe(true)
  })

  it('closes a socket idle for socketIdleMs, and not one with a request in flight', async () => {
    const running = await serve({ socketIdleMs: 300 })
    const idle = await connect(running)
    const busy = await connect(running)
    const watch = (await waitingWatch(busy, 3))(60_000)
    busy.send({ id: 2, method: 'GET', path: watch })
    expect(await idle.closed).toEqual({ code: SOCKET_CLOSE_CODES.idle, reason: 'idle' })
    expect(busy.ws.readyState).toBe(WebSocket.OPEN)
  })

  it('refuses the upgrade where the extensions are off (a plain Launcher)', async () => {
    const running = await serve({ extensions: false })
    const ws = new WebSocket(`${running.url.replace('http:', 'ws:')}socket`)
    sockets.push(ws)
    const error = await new Promise<Error>((resolve) => ws.once('error', resolve))
    expect(error.message).toMatch(/404/)
  })
})
