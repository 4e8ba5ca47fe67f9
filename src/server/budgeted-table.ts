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
import { entryCost, type MemoryBudget } from './budget.js'

interface HeldRecord {
  owner: string
  bytes: number
  timer: unknown
}

/** A {@link SharedTable} whose writes are charged to a {@link MemoryBudget}; a write past it is refused with NetworkFull (-27). */
export class BudgetedTable implements SharedTable {
  private readonly held = new Map<string, HeldRecord>()

  /**
   * @param inner - where the records live
   * @param budget - the server's budget (shared with the unsaved handles)
   * @param ownerLimitBytes - most bytes of records one owner (one token) holds
   * @param clock - times the release of records whose ttl passed
   */
  constructor(
    private readonly inner: SharedTable,
    private readonly budget: MemoryBudget,
    private readonly ownerLimitBytes: number,
    private readonly clock: SignalingClock,
  ) {}

  get(address: string): Promise<TableEntry | null> {
    return this.inner.get(address)
  }

  async create(address: string, data: string, owner: string, ttlMs: number): Promise<TableEntry> {
    const bytes = entryCost(data, address)
    this.budget.reserve(owner, bytes, this.ownerLimitBytes)
    let entry: TableEntry
    try {
      entry = await this.inner.create(address, data, owner, ttlMs)
    } catch (error) {
      this.budget.release(owner, bytes)
      throw error
    }
    this.drop(address)
    this.hold(address, owner, bytes, ttlMs)
    return entry
  }

  async update(address: string, data: string, owner: string, ttlMs: number): Promise<TableEntry> {
    const bytes = entryCost(data, address)
    const previous = this.held.get(address)
    const extra = bytes - (previous?.owner === owner ? previous.bytes : 0)
    if (extra > 0) this.budget.reserve(owner, extra, this.ownerLimitBytes)
    let entry: TableEntry
    try {
      entry = await this.inner.update(address, data, owner, ttlMs)
    } catch (error) {
      if (extra > 0) this.budget.release(owner, extra)
      throw error
    }
    if (previous?.owner === owner) {
      this.clock.clearTimeout(previous.timer)
      this.held.delete(address)
      if (extra < 0) this.budget.release(owner, -extra)
    } else {
      this.drop(address)
    }
    this.hold(address, owner, bytes, ttlMs)
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

  private hold(address: string, owner: string, bytes: number, ttlMs: number): void {
    const timer = this.clock.setTimeout(() => this.drop(address), ttlMs)
    if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref()
    this.held.set(address, { owner, bytes, timer })
  }

  private drop(address: string): void {
    const record = this.held.get(address)
    if (record === undefined) return
    this.clock.clearTimeout(record.timer)
    this.held.delete(address)
    this.budget.release(record.owner, record.bytes)
  }
}
