/**
 * Record backends: where records live, with their owner, version and expiry,
 * for every owner at once. `signalbox serve` keeps its records in one (an owner
 * per token); {@link OwnedStore} turns one into a {@link SignalStore} for a
 * single participant. The memory backend is `MemoryRecords`.
 *
 * @module
 */
import { defer, map, Subject, takeUntil, type Observable } from 'rxjs'
import { SignalingError } from '../errors.js'
import { checkAddress, checkWrite, type SignalStore, type StoreWriteOptions } from './store.js'

/** A record as a backend holds it. */
export interface RecordEntry {
  /** The data, base64. */
  data: string
  /** Who created it; only they may update or remove it. */
  owner: string
  /** 0 when created, one more at each update (SAFE's structured-data version). */
  version: number
  /** A number that changes at every write anywhere in the backend; never reused (for push reads). */
  revision: number
}

/**
 * Records of many owners. Every method checks ownership atomically: exactly one
 * concurrent `create` of an address wins; `update` and `remove` succeed for the
 * owner only. Errors are {@link SignalingError}s (`ERR_EXISTS`, `ERR_NOT_FOUND`,
 * `ERR_NOT_OWNER`, `ERR_STORE_UNAVAILABLE`).
 */
export interface RecordBackend {
  /** The live record at `address`, or null. */
  get(address: string): Promise<RecordEntry | null>
  /** Creates the record if the address is free; `ERR_EXISTS` otherwise. */
  create(address: string, data: string, owner: string, ttlMs: number): Promise<RecordEntry>
  /** Replaces the data of `owner`'s record and renews its ttl; `ERR_NOT_FOUND`, `ERR_NOT_OWNER`. */
  update(address: string, data: string, owner: string, ttlMs: number): Promise<RecordEntry>
  /** Removes `owner`'s record; nothing there is fine; `ERR_NOT_OWNER`. */
  remove(address: string, owner: string): Promise<void>
  /** The current record (or null) at once, then every change, until unsubscribed. */
  watch(address: string): Observable<RecordEntry | null>
  /** A fresh owner identity. */
  newOwner(): Promise<string>
  /** How many records are held, where the backend can tell. */
  count?(): Promise<number>
  /** Releases the backend's connections. */
  close?(): Promise<void>
}

/** The errors backends share, worded the same everywhere. */
export const recordErrors = {
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
 * One participant's {@link SignalStore} over a {@link RecordBackend}: it checks
 * arguments, writes as its owner, and reads data without owners or versions.
 */
export class OwnedStore implements SignalStore {
  private closed = false
  private owner: Promise<string> | undefined
  private readonly closing = new Subject<void>()

  /**
   * @param backend - the records
   * @param owner - this participant's identity; a fresh one from the backend by default
   */
  constructor(
    protected readonly backend: RecordBackend,
    owner?: string,
  ) {
    if (owner !== undefined) this.owner = Promise.resolve(owner)
  }

  async create(address: string, data: string, options?: StoreWriteOptions): Promise<void> {
    const ttlMs = this.checkWrite(address, data, options)
    await this.backend.create(address, data, await this.resolveOwner(), ttlMs)
  }

  async update(address: string, data: string, options?: StoreWriteOptions): Promise<void> {
    const ttlMs = this.checkWrite(address, data, options)
    await this.backend.update(address, data, await this.resolveOwner(), ttlMs)
  }

  async read(address: string): Promise<string | null> {
    this.checkOpen()
    checkAddress(address)
    return (await this.backend.get(address))?.data ?? null
  }

  async remove(address: string): Promise<void> {
    this.checkOpen()
    checkAddress(address)
    await this.backend.remove(address, await this.resolveOwner())
  }

  watch(address: string): Observable<string | null> {
    return defer(() => {
      this.checkOpen()
      checkAddress(address)
      return this.backend.watch(address)
    }).pipe(
      map((entry) => entry?.data ?? null),
      takeUntil(this.closing),
    )
  }

  /** Ends this participant's use of the backend: watches complete, later calls fail with `ERR_STORE_CLOSED`. */
  async close(): Promise<void> {
    this.closed = true
    this.closing.next()
    this.closing.complete()
  }

  /** Whether {@link OwnedStore.close} was called. */
  protected get isClosed(): boolean {
    return this.closed
  }

  private resolveOwner(): Promise<string> {
    this.owner ??= this.backend.newOwner()
    return this.owner
  }

  private checkWrite(address: string, data: string, options?: StoreWriteOptions): number {
    this.checkOpen()
    return checkWrite(address, data, options)
  }

  private checkOpen(): void {
    if (this.closed) throw new SignalingError('ERR_STORE_CLOSED')
  }
}
