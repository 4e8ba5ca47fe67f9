/**
 * The in-memory store: the embedded default, for participants in one process,
 * and the record backend behind `signalbox serve`.
 *
 * @module
 */
import { Observable, type Subscriber } from 'rxjs'
import { realClock, type SignalingClock } from '../time/clock.js'
import { OwnedStore, recordErrors, type RecordBackend, type RecordEntry } from './records.js'

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The clock that expires records; XState's `SimulatedClock` in tests. Defaults to the wall clock. Ignored with `records`. */
  clock?: SignalingClock
  /** Records to share with other stores; a new, empty set by default. */
  records?: MemoryRecords
}

/** Default most records one {@link MemoryRecords} holds. */
export const MAX_MEMORY_RECORDS = 100_000

interface MemoryEntry extends RecordEntry {
  expiresAt: number
  timer: unknown
}

/**
 * A {@link RecordBackend} in this process's memory: records with their owner,
 * version and expiry (each expires on a timer of `clock`), and the watchers of
 * each address.
 */
export class MemoryRecords implements RecordBackend {
  /** The entries by address; expired ones may linger until next touched or their timer fires. */
  readonly records = new Map<string, MemoryEntry>()
  private readonly watchers = new Map<string, Set<Subscriber<RecordEntry | null>>>()
  private nextOwner = 1
  private revision = 0

  /**
   * @param clock - expires records; the wall clock by default
   * @param maxRecords - most records held; a create beyond it fails with `ERR_STORE_FULL`
   */
  constructor(
    readonly clock: SignalingClock = realClock,
    readonly maxRecords: number = MAX_MEMORY_RECORDS,
  ) {}

  /** How many records are held (expired ones count until next seen). */
  get size(): number {
    return this.records.size
  }

  async newOwner(): Promise<string> {
    return this.newOwnerSync()
  }

  /** A fresh owner identity, at once. */
  newOwnerSync(): string {
    return `memory-${this.nextOwner++}`
  }

  async get(address: string): Promise<RecordEntry | null> {
    return this.live(address) ?? null
  }

  async count(): Promise<number> {
    return this.records.size
  }

  async create(address: string, data: string, owner: string, ttlMs: number): Promise<RecordEntry> {
    if (this.live(address) !== undefined) throw recordErrors.exists(address)
    if (this.records.size >= this.maxRecords) throw recordErrors.full(this.maxRecords)
    return this.set(address, data, owner, 0, ttlMs)
  }

  async update(address: string, data: string, owner: string, ttlMs: number): Promise<RecordEntry> {
    const entry = this.owned(address, owner, 'update')
    return this.set(address, data, owner, entry.version + 1, ttlMs)
  }

  async remove(address: string, owner: string): Promise<void> {
    if (this.live(address) === undefined) return
    this.owned(address, owner, 'remove')
    this.delete(address)
  }

  watch(address: string): Observable<RecordEntry | null> {
    return new Observable<RecordEntry | null>((subscriber) => {
      let set = this.watchers.get(address)
      if (set === undefined) this.watchers.set(address, (set = new Set()))
      set.add(subscriber)
      subscriber.next(this.publicEntry(this.live(address)))
      return () => {
        set.delete(subscriber)
        if (set.size === 0) this.watchers.delete(address)
      }
    })
  }

  /** The live entry at `address`, expiring it first when its time has come. */
  private live(address: string): MemoryEntry | undefined {
    const entry = this.records.get(address)
    if (entry !== undefined && entry.expiresAt <= this.clock.now()) {
      this.delete(address)
      return undefined
    }
    return entry
  }

  private owned(address: string, owner: string, action: 'update' | 'remove'): MemoryEntry {
    const entry = this.live(address)
    if (entry === undefined) throw recordErrors.notFound(address, action)
    if (entry.owner !== owner) throw recordErrors.notOwner(address, action)
    return entry
  }

  private set(address: string, data: string, owner: string, version: number, ttlMs: number): RecordEntry {
    const previous = this.records.get(address)
    if (previous !== undefined) this.clock.clearTimeout(previous.timer)
    const timer = this.clock.setTimeout(() => this.live(address), ttlMs)
    unrefTimer(timer)
    const entry: MemoryEntry = { data, owner, version, revision: ++this.revision, expiresAt: this.clock.now() + ttlMs, timer }
    this.records.set(address, entry)
    this.notify(address, entry)
    return this.publicEntry(entry)!
  }

  private delete(address: string): void {
    const entry = this.records.get(address)
    if (entry === undefined) return
    this.clock.clearTimeout(entry.timer)
    this.records.delete(address)
    this.revision++
    this.notify(address, undefined)
  }

  private publicEntry(entry: MemoryEntry | undefined): RecordEntry | null {
    return entry === undefined ? null : { data: entry.data, owner: entry.owner, version: entry.version, revision: entry.revision }
  }

  /** Tells watchers of `address` about a change, after the current call returns. */
  private notify(address: string, entry: MemoryEntry | undefined): void {
    const set = this.watchers.get(address)
    if (set === undefined) return
    const value = this.publicEntry(entry)
    for (const subscriber of set) queueMicrotask(() => subscriber.closed || subscriber.next(value))
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
export class MemoryStore extends OwnedStore {
  /** The records this participant works on. */
  readonly records: MemoryRecords
  /** This participant's owner identity: the records it creates carry it. */
  readonly ownerId: string

  /** Creates a participant over `options.records`, or over records of its own. */
  constructor(options: MemoryStoreOptions = {}) {
    const records = options.records ?? new MemoryRecords(options.clock)
    const ownerId = records.newOwnerSync()
    super(records, ownerId)
    this.records = records
    this.ownerId = ownerId
  }

  /** Another participant over the same records, with an identity of its own. */
  client(): MemoryStore {
    return new MemoryStore({ records: this.records })
  }

  /** How many records the shared records hold. */
  get size(): number {
    return this.records.size
  }
}

/** Lets the process exit while records wait to expire (Node timers); a no-op elsewhere. */
function unrefTimer(timer: unknown): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref()
}
