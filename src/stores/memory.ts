/**
 * The in-memory store: the embedded default, for participants in one process,
 * and the shared table behind `signalbox serve`.
 *
 * @module
 */
import { Observable, type Subscriber } from 'rxjs'
import { realClock, type SignalingClock } from '../time/clock.js'
import { TableStore, tableErrors, type SharedTable, type TableEntry } from './table.js'

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The clock that expires entries; XState's `SimulatedClock` in tests. Defaults to the wall clock. Ignored with `table`. */
  clock?: SignalingClock
  /** The table to share with other participants; a new, empty one by default. */
  table?: MemoryTable
}

/** Default most entries one {@link MemoryTable} holds. */
export const MAX_MEMORY_RECORDS = 100_000

interface MemoryEntry extends TableEntry {
  expiresAt: number
  timer: unknown
}

/**
 * A {@link SharedTable} in this process's memory: entries with their owner,
 * version and expiry (each expires on a timer of `clock`), and the watchers of
 * each address.
 */
export class MemoryTable implements SharedTable {
  /** The entries by address; expired ones may linger until next touched or their timer fires. */
  readonly entries = new Map<string, MemoryEntry>()
  private readonly watchers = new Map<string, Set<Subscriber<TableEntry | null>>>()
  private nextOwner = 1
  private revision = 0

  /**
   * @param clock - expires entries; the wall clock by default
   * @param maxRecords - most entries held; a create beyond it fails with `ERR_STORE_FULL`
   */
  constructor(
    readonly clock: SignalingClock = realClock,
    readonly maxRecords: number = MAX_MEMORY_RECORDS,
  ) {}

  /** How many entries are held (expired ones count until next seen). */
  get size(): number {
    return this.entries.size
  }


  async newOwner(): Promise<string> {
    return this.newOwnerSync()
  }

  /** A fresh owner identity, at once. */
  newOwnerSync(): string {
    return `memory-${this.nextOwner++}`
  }

  async get(address: string): Promise<TableEntry | null> {
    return this.live(address) ?? null
  }

  async count(): Promise<number> {
    return this.entries.size
  }

  async create(address: string, data: string, owner: string, ttlMs: number): Promise<TableEntry> {
    if (this.live(address) !== undefined) throw tableErrors.exists(address)
    if (this.entries.size >= this.maxRecords) throw tableErrors.full(this.maxRecords)
    return this.set(address, data, owner, 0, ttlMs)
  }

  async update(address: string, data: string, owner: string, ttlMs: number): Promise<TableEntry> {
    const entry = this.owned(address, owner, 'update')
    return this.set(address, data, owner, entry.version + 1, ttlMs)
  }

  async remove(address: string, owner: string): Promise<void> {
    if (this.live(address) === undefined) return
    this.owned(address, owner, 'remove')
    this.delete(address)
  }

  watch(address: string): Observable<TableEntry | null> {
    return new Observable<TableEntry | null>((subscriber) => {
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
    const entry = this.entries.get(address)
    if (entry !== undefined && entry.expiresAt <= this.clock.now()) {
      this.delete(address)
      return undefined
    }
    return entry
  }

  private owned(address: string, owner: string, action: 'update' | 'remove'): MemoryEntry {
    const entry = this.live(address)
    if (entry === undefined) throw tableErrors.notFound(address, action)
    if (entry.owner !== owner) throw tableErrors.notOwner(address, action)
    return entry
  }

  private set(address: string, data: string, owner: string, version: number, ttlMs: number): TableEntry {
    const previous = this.entries.get(address)
    if (previous !== undefined) this.clock.clearTimeout(previous.timer)
    const timer = this.clock.setTimeout(() => this.live(address), ttlMs)
    unrefTimer(timer)
    const entry: MemoryEntry = { data, owner, version, revision: ++this.revision, expiresAt: this.clock.now() + ttlMs, timer }
    this.entries.set(address, entry)
    this.notify(address, entry)
    return this.publicEntry(entry)!
  }

  private delete(address: string): void {
    const entry = this.entries.get(address)
    if (entry === undefined) return
    this.clock.clearTimeout(entry.timer)
    this.entries.delete(address)
    this.revision++
    this.notify(address, undefined)
  }

  private publicEntry(entry: MemoryEntry | undefined): TableEntry | null {
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
 * same table, as a second token would on a server.
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
export class MemoryStore extends TableStore {
  /** The table this participant works on. */
  override readonly table: MemoryTable
  /** This participant's owner identity: the entries it creates carry it. */
  readonly ownerId: string

  /** Creates a participant over `options.table`, or over a table of its own. */
  constructor(options: MemoryStoreOptions = {}) {
    const table = options.table ?? new MemoryTable(options.clock)
    const ownerId = table.newOwnerSync()
    super(table, ownerId)
    this.table = table
    this.ownerId = ownerId
  }

  /** Another participant over the same table, with an identity of its own. */
  client(): MemoryStore {
    return new MemoryStore({ table: this.table })
  }

  /** How many entries the shared table holds. */
  get size(): number {
    return this.table.size
  }
}


/** Lets the process exit while records wait to expire (Node timers); a no-op elsewhere. */
function unrefTimer(timer: unknown): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref()
}
