import type { Observable } from 'rxjs'
import type { SignalStore, StoreWriteOptions } from '../../src/index.js'

type Method = 'create' | 'update' | 'read' | 'remove'

/**
 * Wraps a real store to inject faults: a method can fail (as an unreachable
 * store does) or be held until released (a slow store), and `watch` can be
 * hidden so readers must poll.
 */
export class FaultyStore implements SignalStore {
  readonly calls: Array<{ method: Method; address: string }> = []
  private readonly failures = new Map<Method, () => unknown>()
  private readonly holds = new Map<Method, Array<() => void>>()
  private readonly holdsAfter = new Map<Method, Array<() => void>>()
  readonly watch?: (address: string) => Observable<string | null>

  constructor(
    readonly inner: SignalStore,
    options: { watch?: boolean } = {},
  ) {
    if (options.watch !== false && inner.watch !== undefined) this.watch = (address) => inner.watch!(address)
  }

  /** Makes `method` fail with `error()` until healed. */
  fail(method: Method, error: () => unknown = () => new Error('connect ECONNREFUSED 127.0.0.1:8100')): void {
    this.failures.set(method, error)
  }

  heal(method?: Method): void {
    if (method === undefined) this.failures.clear()
    else this.failures.delete(method)
  }

  /** Holds calls of `method` until `release(method)`. */
  hold(method: Method): void {
    this.holds.set(method, [])
  }

  /** Carries out calls of `method` but holds their answer until `release(method)`. */
  holdAnswer(method: Method): void {
    this.holdsAfter.set(method, [])
  }

  release(method: Method): void {
    for (const holds of [this.holds, this.holdsAfter]) {
      const waiting = holds.get(method) ?? []
      holds.delete(method)
      for (const go of waiting) go()
    }
  }

  create(address: string, data: string, options?: StoreWriteOptions) {
    return this.call('create', address, () => this.inner.create(address, data, options))
  }

  update(address: string, data: string, options?: StoreWriteOptions) {
    return this.call('update', address, () => this.inner.update(address, data, options))
  }

  read(address: string) {
    return this.call('read', address, () => this.inner.read(address))
  }

  remove(address: string) {
    return this.call('remove', address, () => this.inner.remove(address))
  }

  private async call<T>(method: Method, address: string, run: () => Promise<T>): Promise<T> {
    this.calls.push({ method, address })
    const waiting = this.holds.get(method)
    if (waiting !== undefined) await new Promise<void>((resolve) => waiting.push(resolve))
    const failure = this.failures.get(method)
    if (failure !== undefined) throw failure()
    const result = await run()
    const waitingAfter = this.holdsAfter.get(method)
    if (waitingAfter !== undefined) await new Promise<void>((resolve) => waitingAfter.push(resolve))
    return result
  }
}
