/** The store contract for SafeLauncherStore, talking HTTP to `signalbox serve` started in-process on port 0. */
import { SimulatedClock } from 'xstate'
import { describe, expect, it } from 'vitest'
import { MemoryTable, SafeLauncherStore } from '../../src/index.js'
import { startServer } from '../../src/server/index.js'
import { runStoreContract } from './contract.js'

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 2))

async function harness(watch: boolean, extensions = true) {
  const clock = new SimulatedClock()
  clock.set(1_700_000_000_000)
  const server = await startServer({ port: 0, backend: new MemoryTable(clock), extensions })
  const a = new SafeLauncherStore({ url: server.url, watch })
  const b = new SafeLauncherStore({ url: server.url, watch })
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

describe('SafeLauncherStore honours the signal of a call', () => {
  /** A fetch that answers nothing until the request's own signal aborts it, as a server that hangs. */
  const hangingFetch: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => {
      const signal = init?.signal
      signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true })
    })

  it('rejects with the reason of a signal aborted before the call, sending nothing', async () => {
    const sent: string[] = []
    const store = new SafeLauncherStore({ url: 'http://127.0.0.1:9/0.5/', fetch: async (input) => (sent.push(String(input)), new Response(null, { status: 500 })) })
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
})
