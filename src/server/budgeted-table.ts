/**
 * The record side of the server's memory budget: a {@link SharedTable} wrapper
 * that charges every record this server writes (data, address, overhead) to
 * its owner and to the server's total, and gives the bytes back when the
 * record is removed or its ttl passes. It wraps memory and Redis alike, so
 * Redis mode has the same budget (per server instance: what it wrote).
 *
 * Records of a revoked or idle-expired token keep their ttl and keep counting
 * against the total until then (their owner cannot remove them any more, and
 * nobody else may): a client that revokes tokens in a loop gains nothing.
 *
 * @module
 */
import type { Observable } from 'rxjs'
import type { SharedTable, TableEntry } from '../stores/table.js'
import type { SignalingClock } from '../time/clock.js'
import { entryCost, type BudgetShare, type MemoryBudget } from './budget.js'

interface HeldRecord {
  owner: string
  /** The holders its bytes are charged to (its owner, the address of its token). */
  keys: string[]
  bytes: number
  timer: unknown
}

/** Whom a record of `owner` is charged to: the token's share, and its address's (which outlives the token). */
export type RecordShares = (owner: string) => BudgetShare[]

/** A {@link SharedTable} whose writes are charged to a {@link MemoryBudget}; a write past it is refused with NetworkFull (-27). */
export class BudgetedTable implements SharedTable {
  private readonly held = new Map<string, HeldRecord>()

  /**
   * @param inner - where the records live
   * @param budget - the server's budget (shared with the unsaved handles)
   * @param sharesOf - whom a record of an owner is charged to, with their limits
   * @param clock - times the release of records whose ttl passed
   */
  constructor(
    private readonly inner: SharedTable,
    private readonly budget: MemoryBudget,
    private readonly sharesOf: RecordShares,
    private readonly clock: SignalingClock,
  ) {}

  get(address: string): Promise<TableEntry | null> {
    return this.inner.get(address)
  }

  async create(address: string, data: string, owner: string, ttlMs: number): Promise<TableEntry> {
    const bytes = entryCost(data, address)
    const shares = this.sharesOf(owner)
    const keys = shares.map((share) => share.key)
    this.budget.reserve(bytes, shares)
    let entry: TableEntry
    try {
      entry = await this.inner.create(address, data, owner, ttlMs)
    } catch (error) {
      this.budget.release(bytes, keys)
      throw error
    }
    this.drop(address)
    this.hold(address, { owner, keys, bytes, timer: undefined }, ttlMs)
    return entry
  }

  async update(address: string, data: string, owner: string, ttlMs: number): Promise<TableEntry> {
    const bytes = entryCost(data, address)
    const previous = this.held.get(address)
    const mine = previous?.owner === owner ? previous : undefined
    // An update is charged only for what it adds, to the holders the record was charged to.
    const shares = mine === undefined ? this.sharesOf(owner) : this.sharesOf(owner).filter((share) => mine.keys.includes(share.key))
    const keys = mine?.keys ?? shares.map((share) => share.key)
    const extra = bytes - (mine?.bytes ?? 0)
    if (extra > 0) this.budget.reserve(extra, shares)
    let entry: TableEntry
    try {
      entry = await this.inner.update(address, data, owner, ttlMs)
    } catch (error) {
      if (extra > 0) this.budget.release(extra, keys)
      throw error
    }
    if (mine !== undefined) {
      this.clock.clearTimeout(mine.timer)
      this.held.delete(address)
      if (extra < 0) this.budget.release(-extra, keys)
    } else {
      this.drop(address)
    }
    this.hold(address, { owner, keys, bytes, timer: undefined }, ttlMs)
    return entry
  }

  async remove(address: string, owner: string): Promise<void> {
    await this.inner.remove(address, owner)
    this.drop(address)
  }

  watch(address: string): Observable<TableEntry | null> {
    return this.inner.watch(address)
  }

  newOwner(): Promise<string> {
    return this.inner.newOwner()
  }

  /** How many records are held (the backend's count where it has one, else this server's). */
  async count(): Promise<number> {
    return this.inner.count === undefined ? this.held.size : this.inner.count()
  }

  /** Stops the release timers and closes the backend. */
  async close(): Promise<void> {
    this.release()
    await this.inner.close?.()
  }

  /** Stops the release timers, leaving the backend open (when it belongs to the caller). */
  release(): void {
    for (const record of this.held.values()) this.clock.clearTimeout(record.timer)
    this.held.clear()
  }

  /** Bytes of records this server holds now. */
  get bytes(): number {
    let total = 0
    for (const record of this.held.values()) total += record.bytes
    return total
  }

  private hold(address: string, record: HeldRecord, ttlMs: number): void {
    const timer = this.clock.setTimeout(() => this.drop(address), ttlMs)
    if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref()
    this.held.set(address, { ...record, timer })
  }

  private drop(address: string): void {
    const record = this.held.get(address)
    if (record === undefined) return
    this.clock.clearTimeout(record.timer)
    this.held.delete(address)
    this.budget.release(record.bytes, record.keys)
  }
}
