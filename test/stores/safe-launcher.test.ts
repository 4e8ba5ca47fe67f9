/** The store contract for SafeLauncherStore, talking HTTP to `signalbox serve` started in-process on port 0. */
import { SimulatedClock } from 'xstate'
import { concatMap, firstValueFrom } from 'rxjs'
import { WebSocket } from 'ws'
import { describe, expect, it, vi } from 'vitest'
import { MemoryTable, SafeLauncherStore } from '../../src/index.js'
import { createServerApp, startServer } from '../../src/server/index.js'
import { runStoreContract } from './contract.js'

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 2))

async function harness(watch: boolean, extensions = true, webSocket: typeof WebSocket | false = false) {
  const clock = new SimulatedClock()
  clock.set(1_700_000_000_000)
  const server = await startServer({ port: 0, backend: new MemoryTable(clock), extensions })
  const a = new SafeLauncherStore({ url: server.url, watch, webSocket })
  const b = new SafeLauncherStore({ url: server.url, watch, webSocket })
  return {
    a,
    b,
    advance: async (ms: number) => clock.increment(ms),
    settle,
    cleanup: async () => {
      await Promise.all([a.close(), b.close()])
      await server.close()
    },
  }
}

runStoreContract('SafeLauncherStore with push reads', { watch: true }, () => harness(true))
runStoreContract('SafeLauncherStore polling only', { watch: false }, () => harness(false))
// A server without our extensions answers as the Launcher did: the store falls back to the Launcher's own flow.
runStoreContract('SafeLauncherStore against a plain Launcher API', { watch: false }, () => harness(false, false))
// Over our socket extension (ws's WebSocket in Node 20), and against a Launcher that refuses the socket.
runStoreContract('SafeLauncherStore over a WebSocket with push reads', { watch: true }, () => harness(true, true, WebSocket))
runStoreContract('SafeLauncherStore over a WebSocket, polling only', { watch: false }, () => harness(false, true, WebSocket))
runStoreContract('SafeLauncherStore offering a WebSocket to a plain Launcher API', { watch: false }, () => harness(false, false, WebSocket))

describe('SafeLauncherStore honours the signal of a call', () => {
  /** A fetch that answers nothing until the request's own signal aborts it, as a server that hangs. */
  const hangingFetch: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => {
      const signal = init?.signal
      signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true })
    })

  it('rejects with the reason of a signal aborted before the call, sending nothing', async () => {
    const sent: string[] = []
    // authoriseNow: false, so that the token asked for at construction is not among what the calls send.
    const store = new SafeLauncherStore({ url: 'http://127.0.0.1:9/0.5/', authoriseNow: false, fetch: async (input) => (sent.push(String(input)), new Response(null, { status: 500 })) })
    const reason = new Error('hung up')
    await expect(store.read('room-1', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    await expect(store.create('room-1', 'AAAA', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason)
    expect(sent).toEqual([])
    await store.close()
  })

  it('stops a request in flight when the signal aborts, well before its request timeout', async () => {
    const store = new SafeLauncherStore({ url: 'http://127.0.0.1:9/0.5/', fetch: hangingFetch, requestTimeoutMs: 3_600_000 })
    const abort = new AbortController()
    const reason = new Error('hung up')
    const calls = [store.read('room-1', { signal: abort.signal }), store.remove('room-1', { signal: abort.signal }), store.update('room-1', 'AAAA', { signal: abort.signal })]
    const outcomes = Promise.allSettled(calls)
    abort.abort(reason)
    expect((await outcomes).map((outcome) => (outcome.status === 'rejected' ? outcome.reason : outcome.status))).toEqual([reason, reason, reason])
    await store.close()
  })

  it('close stops every request in flight (more than ten) with ERR_STORE_CLOSED, and Node warns of no listener leak', async () => {
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.name)
    process.on('warning', onWarning)
    const store = new SafeLauncherStore({ url: 'http://127.0.0.1:9/0.5/', fetch: hangingFetch, requestTimeoutMs: 3_600_000, authoriseNow: false })
    const REQUESTS_IN_FLIGHT = 16
    // Reads: each goes at once, without waiting for a token, so all are requests in flight together.
    const calls = Array.from({ length: REQUESTS_IN_FLIGHT }, (_, index) => store.read(`room-${index}`))
    const outcomes = Promise.allSettled(calls)
    await settle()
    await store.close()
    const codes = (await outcomes).map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as { code?: string }).code : outcome.status))
    expect(codes).toEqual(Array.from({ length: REQUESTS_IN_FLIGHT }, () => 'ERR_STORE_CLOSED'))
    await settle()
    process.off('warning', onWarning)
    expect(warnings).not.toContain('MaxListenersExceededWarning')
  })
})

describe('SafeLauncherStore: one request per write, the winner in a lost create, the token at construction', () => {
  /** A server, and a store whose every request is written down as `METHOD path`. */
  async function counted(extensions: boolean) {
    const server = await startServer({ port: 0, extensions })
    const sent: string[] = []
    const fetchCounted: typeof fetch = (input, init) => {
      sent.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname.replace(/^\/0\.5\//, '')}`)
      return fetch(input, init)
    }
    const make = (options: { authoriseNow?: boolean } = {}) => new SafeLauncherStore({ url: server.url, watch: false, fetch: fetchCounted, ...options })
    return { server, sent, make }
  }
  const data = (text: string) => Buffer.from(text).toString('base64')

  it('asks for its token when made, so that the first call sends only its own request', async () => {
    const { server, sent, make } = await counted(true)
    const store = make()
    // Nothing was called yet: the store asked for its token on its own.
    await vi.waitFor(() => expect(sent).toEqual(['POST auth']))
    sent.length = 0
    expect(await store.read('room-auth')).toBeNull()
    expect(sent).toEqual(['GET structured-data/read'])
    await store.close()
    await server.close()
  })

  /** A fetch that holds the answer of `POST auth` until `release()`, writing down each request as it goes out. */
  function authHeldBack(sent: string[]) {
    let release = () => {}
    const released = new Promise<void>((resolve) => (release = resolve))
    const fetchHeld: typeof fetch = async (input, init) => {
      const line = `${init?.method ?? 'GET'} ${new URL(String(input)).pathname.replace(/^\/0\.5\//, '')}`
      sent.push(line + (new Headers(init?.headers).has('authorization') ? ' (token)' : ''))
      const answer = await fetch(input, init)
      if (line === 'POST auth') await released
      return answer
    }
    return { fetchHeld, release }
  }

  it('reads at once while its authorisation is unanswered (a join’s first read never waits for the token), and with the token once it is here', async () => {
    const server = await startServer({ port: 0 })
    const writer = new SafeLauncherStore({ url: server.url, watch: false })
    await writer.create('room-early', data('an offer'))
    const sent: string[] = []
    const { fetchHeld, release } = authHeldBack(sent)
    const store = new SafeLauncherStore({ url: server.url, watch: false, fetch: fetchHeld })
    expect(await store.read('room-early')).toBe(data('an offer'))
    expect(await store.read('room-absent')).toBeNull()
    expect(sent).toEqual(['POST auth', 'GET structured-data/read', 'GET structured-data/read'])
    release()
    await store.create('room-mine', data('mine'))
    sent.length = 0
    expect(await store.read('room-mine')).toBe(data('mine'))
    expect(sent).toEqual(['GET structured-data/read (token)'])
    await Promise.all([store.close(), writer.close()])
    await server.close()
  })

  it('against a plain Launcher, a read made before its token came waits for it and takes the Launcher’s own flow', async () => {
    const server = await startServer({ port: 0, extensions: false })
    const writer = new SafeLauncherStore({ url: server.url, watch: false })
    await writer.create('room-plain', data('an offer'))
    const sent: string[] = []
    const { fetchHeld, release } = authHeldBack(sent)
    const store = new SafeLauncherStore({ url: server.url, watch: false, fetch: fetchHeld })
    const read = store.read('room-plain')
    await vi.waitFor(() => expect(sent.length).toBeGreaterThanOrEqual(2))
    release()
    expect(await read).toBe(data('an offer'))
    expect(sent.slice(0, 2)).toEqual(['POST auth', 'GET structured-data/read'])
    expect(sent.slice(2)).toContainEqual(expect.stringMatching(/^GET structured-data\/\d+ \(token\)$/))
    await Promise.all([store.close(), writer.close()])
    await server.close()
  })

  it('creates and updates in one request each where the server offers it, and a lost create answers the record that won', async () => {
    const { server, sent, make } = await counted(true)
    const [winner, loser] = [make({ authoriseNow: false }), make({ authoriseNow: false })]
    // Its token first (a read no longer waits for one): removing nothing authorises.
    await winner.remove('warm-up')
    sent.length = 0
    await winner.create('room-x', data('offer one'))
    expect(sent).toEqual(['POST structured-data/create-and-save'])
    sent.length = 0
    await winner.update('room-x', data('offer one, more candidates'))
    expect(sent).toEqual(['POST structured-data/update-and-save'])
    await loser.remove('warm-up')
    sent.length = 0
    expect(await loser.createOrRead('room-x', data('offer two'))).toBe(data('offer one, more candidates'))
    expect(sent).toEqual(['POST structured-data/create-and-save'])
    await expect(loser.create('room-x', data('offer two'))).rejects.toMatchObject({ code: 'ERR_EXISTS' })
    await expect(loser.update('room-x', data('not mine'))).rejects.toMatchObject({ code: 'ERR_NOT_OWNER' })
    // Removal: one request too, for the owner only; removing nothing is fine.
    await expect(loser.remove('room-x')).rejects.toMatchObject({ code: 'ERR_NOT_OWNER' })
    sent.length = 0
    await winner.remove('room-x')
    expect(sent).toEqual(['POST structured-data/remove-by-name'])
    expect(await loser.read('room-x')).toBeNull()
    await winner.remove('room-x')
    await Promise.all([winner.close(), loser.close()])
    await server.close()
  })

  it('falls back to POST + PUT (and the handle flow to update) against a plain Launcher, remembering it', async () => {
    const { server, sent, make } = await counted(false)
    const [winner, loser] = [make({ authoriseNow: false }), make({ authoriseNow: false })]
    await winner.create('room-y', data('offer one'))
    expect(sent.filter((line) => !line.startsWith('DELETE'))).toEqual([
      'POST auth',
      'POST structured-data/create-and-save',
      'POST structured-data/',
      'PUT structured-data/1',
    ].map((line) => (line.endsWith('/1') ? expect.stringMatching(/^PUT structured-data\/\d+$/) : line)))
    sent.length = 0
    await winner.create('room-z', data('offer three'))
    expect(sent.filter((line) => !line.startsWith('DELETE')).map((line) => line.replace(/\d+$/, 'N'))).toEqual(['POST structured-data/', 'PUT structured-data/N'])
    await expect(loser.createOrRead('room-y', data('offer two'))).rejects.toMatchObject({ code: 'ERR_EXISTS' })
    expect(await loser.read('room-y')).toBe(data('offer one'))
    await Promise.all([winner.close(), loser.close()])
    await server.close()
  })
})

describe('SafeLauncherStore: a push read that waits for the record', () => {
  it('with waitForRecord, emits no null for an absent record, and the record once created, from a first request that waited for it', async () => {
    const server = await startServer({ port: 0 })
    const sent: string[] = []
    const fetchCounted: typeof fetch = (input, init) => {
      const url = new URL(String(input))
      if (url.pathname.endsWith('/structured-data/watch')) sent.push(url.searchParams.get('since') ?? 'none')
      return fetch(input, init)
    }
    const reader = new SafeLauncherStore({ url: server.url, fetch: fetchCounted })
    const writer = new SafeLauncherStore({ url: server.url })
    const seen: (string | null)[] = []
    const subscription = reader.watch!('room-wait', { waitForRecord: true }).subscribe((data) => seen.push(data))
    await vi.waitFor(() => expect(sent).toEqual(['0']))
    await writer.create('room-wait', 'AAAA')
    await vi.waitFor(() => expect(seen).toEqual(['AAAA']))
    // The first request (since 0) was answered by the create; none asked for the absent record's null.
    expect(sent[0]).toBe('0')
    expect(sent).not.toContain('none')
    subscription.unsubscribe()
    await Promise.all([reader.close(), writer.close()])
    await server.close()
  })

  it.each([
    ['over HTTP', false],
    ['over the socket', WebSocket],
  ] as const)('asks nothing more of a reader that unsubscribes while it handles an answer, a few awaits later (%s)', async (_name, webSocket) => {
    const app = createServerApp({})
    const watches: string[] = []
    app.addHook('onRequest', async (request) => {
      if (request.url.includes('/structured-data/watch')) watches.push(new URL(request.url, 'http://x').searchParams.get('since') ?? 'none')
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/0.5/`
    const reader = new SafeLauncherStore({ url, webSocket: webSocket as typeof globalThis.WebSocket | false })
    const writer = new SafeLauncherStore({ url })
    // As pollAnswer and the room's read take an answer: decoded over a few awaits, then done with the watch.
    const decoded = reader.watch!('answer-wait', { waitForRecord: true }).pipe(
      concatMap(async (data) => {
        for (let turn = 0; turn < 5; turn++) await null
        return data
      }),
    )
    const first = firstValueFrom(decoded)
    await vi.waitFor(() => expect(watches).toEqual(['0']))
    await writer.create('answer-wait', 'AAAA')
    expect(await first).toBe('AAAA')
    // Before: the next long poll went out as the answer came, and was cancelled a moment later.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(watches).toEqual(['0'])
    await Promise.all([reader.close(), writer.close()])
    await app.close()
  })
})
