import type { Observable } from 'rxjs'
import type { SignalStore, StoreCallOptions, StoreWriteOptions } from '../../src/index.js'

type Method = 'create' | 'update' | 'read' | 'remove'

/** One call the store received, with the signal it was given. */
export interface SignalledCall {
  method: Method
  address: string
  signal: AbortSignal | undefined
}

/**
 * Wraps a store to check cancellation: it keeps the `signal` of every call,
 * and a held method waits until released or until its signal aborts (then it
 * rejects with the signal's reason). With `landAfterAbort`, an aborted write
 * still reaches the inner store first, as a request already sent would. A
 * `deaf` store records signals but never honours them.
 */
export class SignalCheckingStore implements SignalStore {
  readonly calls: SignalledCall[] = []
  readonly watch?: (address: string) => Observable<string | null>
  private readonly held = new Map<Method, { landAfterAbort: boolean; waiting: Array<() => void> }>()
  private readonly deaf: boolean

  constructor(
    readonly inner: SignalStore,
    options: { watch?: boolean; deaf?: boolean } = {},
  ) {
    this.deaf = options.deaf ?? false
    if (options.watch !== false && inner.watch !== undefined) this.watch = (address) => inner.watch!(address)
  }

  /** Holds calls of `method` until `release(method)` or their signal aborts. */
  hold(method: Method, options: { landAfterAbort?: boolean } = {}): void {
    this.held.set(method, { landAfterAbort: options.landAfterAbort ?? false, waiting: [] })
  }

  release(method: Method): void {
    const held = this.held.get(method)
    this.held.delete(method)
    for (const go of held?.waiting ?? []) go()
  }

  /** The calls of `method` so far. */
  callsOf(method: Method): SignalledCall[] {
    return this.calls.filter((call) => call.method === method)
  }

  create(address: string, data: string, options?: StoreWriteOptions) {
    return this.call('create', address, options?.signal, () => this.inner.create(address, data, { ttlMs: options?.ttlMs }))
  }

  update(address: string, data: string, options?: StoreWriteOptions) {
    return this.call('update', address, options?.signal, () => this.inner.update(address, data, { ttlMs: options?.ttlMs }))
  }

  read(address: string, options?: StoreCallOptions) {
    return this.call('read', address, options?.signal, () => this.inner.read(address))
  }

  remove(address: string, options?: StoreCallOptions) {
    return this.call('remove', address, options?.signal, () => this.inner.remove(address))
  }

  private async call<T>(method: Method, address: string, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
    this.calls.push({ method, address, signal })
    const held = this.held.get(method)
    if (held !== undefined) {
      await new Promise<void>((resolve, reject) => {
        held.waiting.push(resolve)
        if (!this.deaf) signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
      }).catch(async (reason: unknown) => {
        if (held.landAfterAbort) await run()
        throw reason
      })
    }
    if (!this.deaf) signal?.throwIfAborted()
    return run()
  }
}
