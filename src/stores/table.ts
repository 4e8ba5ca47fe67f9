/**
 * Shared tables: where the entries of every participant live, each with its
 * owner, version and expiry. `signalbox serve` keeps its entries in one (an
 * owner per token); {@link TableStore} turns one into a {@link SignalStore}
 * for a single participant. The tables are `MemoryTable` and `RedisTable`.
 *
 * Vocabulary: a *record* is the protocol's JSON (`SignalRecord`, in
 * protocol/records.ts); a table holds *entries* (the base64 text of a record
 * and who owns it) at *addresses*.
 *
 * @module
 */
import { defer, map, Subject, takeUntil, type Observable } from 'rxjs'
import { SignalingError } from '../errors.js'
import {
  abortable,
  checkAddress,
  checkCallOptions,
  checkWrite,
  type SignalStore,
  type StoreCallOptions,
  type StoreWriteOptions,
} from './store.js'

/** An entry as a table holds it. */
export interface TableEntry {
  /** The data, base64. */
  data: string
  /** Who created it; only they may update or remove it. */
  owner: string
  /** 0 when created, one more at each update (SAFE's structured-data version). */
  version: number
  /** A number that changes at every write anywhere in the table; never reused (for push reads). */
  revision: number
}

/**
 * The entries of many owners. Every method checks ownership atomically:
 * exactly one concurrent `create` of an address wins; `update` and `remove`
 * succeed for the owner only. Arguments are not checked here ({@link TableStore}
 * and the server check them first). Errors are {@link SignalingError}s
 * (`ERR_EXISTS`, `ERR_NOT_FOUND`, `ERR_NOT_OWNER`, `ERR_STORE_FULL`,
 * `ERR_STORE_UNAVAILABLE`).
 */
export interface SharedTable {
  /** The live entry at `address`, or null. */
  get(address: string): Promise<TableEntry | null>
  /** Creates the entry if the address is free; `ERR_EXISTS` otherwise. */
  create(address: string, data: string, owner: string, ttlMs: number): Promise<TableEntry>
  /** Replaces the data of `owner`'s entry and renews its ttl; `ERR_NOT_FOUND`, `ERR_NOT_OWNER`. */
  update(address: string, data: string, owner: string, ttlMs: number): Promise<TableEntry>
  /** Removes `owner`'s entry; nothing there is fine; `ERR_NOT_OWNER`. */
  remove(address: string, owner: string): Promise<void>
  /** The current entry (or null) at once, then every change, until unsubscribed. */
  watch(address: string): Observable<TableEntry | null>
  /** A fresh owner identity. */
  newOwner(): Promise<string>
  /** How many entries are held, where the table can tell. */
  count?(): Promise<number>
  /** Releases the table's connections. */
  close?(): Promise<void>
}

/** The errors tables share, worded the same everywhere. */
export const tableErrors = {
  exists: (address: string) =>
    new SignalingError('ERR_EXISTS', `A record already exists at ${address}: read it, or wait for it to be removed or to expire.`),
  notFound: (address: string, action: string) =>
    new SignalingError('ERR_NOT_FOUND', `No record exists at ${address} to ${action}: create it first.`),
  notOwner: (address: string, action: string) =>
    new SignalingError('ERR_NOT_OWNER', `The record at ${address} belongs to another participant: only its creator may ${action} it.`),
  full: (limit: number) =>
    new SignalingError('ERR_STORE_FULL', `The store holds its limit of ${limit} records: try again later, or raise the limit.`),
}

/**
 * One participant's {@link SignalStore} over a {@link SharedTable}: it checks
 * arguments, writes as its owner, reads data without owners or versions, and
 * stops waiting for a call whose `signal` aborts.
 */
export class TableStore implements SignalStore {
  private closed = false
  private owner: Promise<string> | undefined
  private readonly closing = new Subject<void>()

  /**
   * @param table - the entries
   * @param owner - this participant's identity; a fresh one from the table by default
   */
  constructor(
    protected readonly table: SharedTable,
    owner?: string,
  ) {
    if (owner !== undefined) this.owner = Promise.resolve(owner)
  }

  async create(address: string, data: string, options?: StoreWriteOptions): Promise<void> {
    const ttlMs = this.checkWrite(address, data, options)
    await abortable(options?.signal, async () => {
      await this.table.create(address, data, await this.resolveOwner(), ttlMs)
    })
  }

  async update(address: string, data: string, options?: StoreWriteOptions): Promise<void> {
    const ttlMs = this.checkWrite(address, data, options)
    await abortable(options?.signal, async () => {
      await this.table.update(address, data, await this.resolveOwner(), ttlMs)
    })
  }

  async read(address: string, options?: StoreCallOptions): Promise<string | null> {
    this.checkCall(address, options)
    return abortable(options?.signal, async () => (await this.table.get(address))?.data ?? null)
  }

  async remove(address: string, options?: StoreCallOptions): Promise<void> {
    this.checkCall(address, options)
    await abortable(options?.signal, async () => this.table.remove(address, await this.resolveOwner()))
  }

  watch(address: string): Observable<string | null> {
    return defer(() => {
      this.checkOpen()
      checkAddress(address)
      return this.table.watch(address)
    }).pipe(
      map((entry) => entry?.data ?? null),
      takeUntil(this.closing),
    )
  }

  /** Ends this participant's use of the table: watches complete, later calls fail with `ERR_STORE_CLOSED`. */
  async close(): Promise<void> {
    this.closed = true
    this.closing.next()
    this.closing.complete()
  }

  private resolveOwner(): Promise<string> {
    this.owner ??= this.table.newOwner()
    return this.owner
  }

  private checkWrite(address: string, data: string, options?: StoreWriteOptions): number {
    this.checkOpen()
    return checkWrite(address, data, options)
  }

  private checkCall(address: string, options?: StoreCallOptions): void {
    this.checkOpen()
    checkAddress(address)
    checkCallOptions(options)
  }

  private checkOpen(): void {
    if (this.closed) throw new SignalingError('ERR_STORE_CLOSED')
  }
}
