/**
 * The in-memory store: the embedded default, for participants in one process
 * (and the record space behind `signalbox serve`).
 *
 * @module
 */
import { Observable, type Subscriber } from 'rxjs'
import { realClock, type SignalingClock } from '../clock.js'
import { SignalingError } from '../errors.js'
import { checkAddress, checkData, resolveTtl, type SignalStore, type StoreWriteOptions } from './store.js'

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The clock that expires records; XState's `SimulatedClock` in tests. Defaults to the wall clock. Ignored with `records`. */
  clock?: SignalingClock
  /** Records to share with other stores; a new, empty set by default. */
  records?: MemoryRecords
}

interface MemoryEntry {
  data: string
  owner: number
  expiresAt: number
  timer: unknown
}

/**
 * The records behind one or more {@link MemoryStore}s: data, owner and expiry
 * per address, and the watchers of each address.
 */
export class MemoryRecords {
  readonly records = new Map<string, MemoryEntry>()
  readonly watchers = new Map<string, Set<Subscriber<string | null>>>()
  private nextOwner = 1

  /** @param clock - expires records; the wall clock by default */
  constructor(readonly clock: SignalingClock = realClock) {}

  /** How many records are held (expired ones count until next seen). */
  get size(): number {
    return this.records.size
  }

  /** A fresh owner identity. */
  newOwner(): number {
    return this.nextOwner++
  }

  /** The live entry at `address`, expiring it first when its time has come. */
  get(address: string): MemoryEntry | undefined {
    const entry = this.records.get(address)
    if (entry !== undefined && entry.expiresAt <= this.clock.now()) {
      this.delete(address)
      return undefined
    }
    return entry
  }

  /** Stores `data` at `address` for `owner`, replacing what was there, for `ttlMs`. */
  set(address: string, data: string, owner: number, ttlMs: number): void {
    const previous = this.records.get(address)
    if (previous !== undefined) this.clock.clearTimeout(previous.timer)
    const timer = this.clock.setTimeout(() => this.get(address), ttlMs)
    unrefTimer(timer)
    this.records.set(address, { data, owner, expiresAt: this.clock.now() + ttlMs, timer })
    this.notify(address, data)
  }

  /** Removes the record at `address`, if any. */
  delete(address: string): void {
    const entry = this.records.get(address)
    if (entry === undefined) return
    this.clock.clearTimeout(entry.timer)
    this.records.delete(address)
    this.notify(address, null)
  }

  /** Sends the current data, then each change, to `subscriber`; returns the function that stops it. */
  watch(address: string, subscriber: Subscriber<string | null>): () => void {
    let set = this.watchers.get(address)
    if (set === undefined) this.watchers.set(address, (set = new Set()))
    set.add(subscriber)
    subscriber.next(this.get(address)?.data ?? null)
    return () => {
      set.delete(subscriber)
      if (set.size === 0) this.watchers.delete(address)
    }
  }

  /** Tells watchers of `address` about a change, after the current call returns. */
  private notify(address: string, data: string | null): void {
    const set = this.watchers.get(address)
    if (set === undefined) return
    for (const subscriber of set) queueMicrotask(() => subscriber.closed || subscriber.next(data))
  }
}

/**
 * An in-process {@link SignalStore}. Each `MemoryStore` object is one
 * participant; {@link MemoryStore.client} gives another participant over the
 * same records, as a second token would on a server.
 *
 * @example
 * ```ts
 * const alice = new MemoryStore()
 * const bob = alice.client()
 * await alice.create(address, data)
 * await bob.read(address) // data
 * await bob.remove(address) // rejects with ERR_NOT_OWNER
 * ```
 */
export class MemoryStore implements SignalStore {
  private readonly records: MemoryRecords
  private readonly owner: number
  private readonly watching = new Set<Subscriber<string | null>>()
  private closed = false

  /** Creates a participant over `options.records`, or over records of its own. */
  constructor(options: MemoryStoreOptions = {}) {
    this.records = options.records ?? new MemoryRecords(options.clock)
    this.owner = this.records.newOwner()
  }

  /** Another participant over the same records, with an identity of its own. */
  client(): MemoryStore {
    return new MemoryStore({ records: this.records })
  }

  /** How many records the shared records hold. */
  get size(): number {
    return this.records.size
  }

  async create(address: string, data: string, options?: StoreWriteOptions): Promise<void> {
    this.checkOpen()
    checkAddress(address)
    checkData(data)
    const ttlMs = resolveTtl(options)
    if (this.records.get(address) !== undefined) {
      throw new SignalingError('ERR_EXISTS', `A record already exists at ${address}: read it, or wait for it to be removed or to expire.`)
    }
    this.records.set(address, data, this.owner, ttlMs)
  }

  async update(address: string, data: string, options?: StoreWriteOptions): Promise<void> {
    this.checkOpen()
    checkAddress(address)
    checkData(data)
    const ttlMs = resolveTtl(options)
    this.ownedEntry(address, 'update')
    this.records.set(address, data, this.owner, ttlMs)
  }

  async read(address: string): Promise<string | null> {
    this.checkOpen()
    checkAddress(address)
    return this.records.get(address)?.data ?? null
  }

  async remove(address: string): Promise<void> {
    this.checkOpen()
    checkAddress(address)
    if (this.records.get(address) === undefined) return
    this.ownedEntry(address, 'remove')
    this.records.delete(address)
  }

  watch(address: string): Observable<string | null> {
    return new Observable<string | null>((subscriber) => {
      try {
        this.checkOpen()
        checkAddress(address)
      } catch (error) {
        subscriber.error(error)
        return
      }
      this.watching.add(subscriber)
      const stop = this.records.watch(address, subscriber)
      return () => {
        stop()
        this.watching.delete(subscriber)
      }
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const subscriber of this.watching) subscriber.complete()
    this.watching.clear()
  }

  private ownedEntry(address: string, action: 'update' | 'remove'): MemoryEntry {
    const entry = this.records.get(address)
    if (entry === undefined) {
      throw new SignalingError('ERR_NOT_FOUND', `No record exists at ${address} to ${action}: create it first.`)
    }
    if (entry.owner !== this.owner) {
      throw new SignalingError('ERR_NOT_OWNER', `The record at ${address} belongs to another participant: only its creator may ${action} it.`)
    }
    return entry
  }

  private checkOpen(): void {
    if (this.closed) throw new SignalingError('ERR_STORE_CLOSED')
  }
}

/** Lets the process exit while records wait to expire (Node timers); a no-op elsewhere. */
function unrefTimer(timer: unknown): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref()
}
