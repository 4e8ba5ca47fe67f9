/**
 * The server's memory budget: every record and every unsaved handle costs its
 * bytes (its data, its address and a fixed overhead) against one total for the
 * server and one for its token. A write that would pass either is refused with
 * the Launcher's NetworkFull answer (-27, `ERR_STORE_FULL` on the client):
 * nothing that a live token holds is ever evicted to make room.
 *
 * @module
 */
import { LAUNCHER_CODES, launcherError, type LauncherError } from '../launcher/errors.js'

/** What one record or handle costs beyond its data and address, in bytes: the objects, map slots and timer that hold it. */
export const ENTRY_OVERHEAD_BYTES = 256

/** The cost in bytes of an entry holding `data` (base64 text) at `address`. */
export function entryCost(data: string, address = ''): number {
  return data.length + address.length + ENTRY_OVERHEAD_BYTES
}

const MIB = 1024 * 1024

/** One holder's share of a {@link MemoryBudget}: whom bytes are charged to (a token's owner, an address), and most it may hold. */
export interface BudgetShare {
  key: string
  limitBytes: number
  /** Names the holder in a refusal ("this token", "your address"). */
  who: string
}

/** A bytes budget: a total for the server, and what each holder (a token, an address) holds of it. */
export class MemoryBudget {
  private used = 0
  private readonly perHolder = new Map<string, number>()

  /** @param totalBytes - most bytes held by everyone together (records and unsaved handles) */
  constructor(readonly totalBytes: number) {}

  /** Bytes held now. */
  get usedBytes(): number {
    return this.used
  }

  /** Bytes the holder `key` holds now. */
  usedBy(key: string): number {
    return this.perHolder.get(key) ?? 0
  }

  /**
   * Takes `bytes` for each of `shares`, or throws the NetworkFull answer
   * (taking nothing) when one of them, or everyone together, would pass its limit.
   */
  reserve(bytes: number, shares: readonly BudgetShare[] = []): void {
    for (const share of shares) {
      if (this.usedBy(share.key) + bytes > share.limitBytes) throw full(`${share.who}'s share of ${mebibytes(share.limitBytes)} for records`, 'remove records no longer needed, or wait for them to expire')
    }
    if (this.used + bytes > this.totalBytes) throw full(`its memory budget of ${mebibytes(this.totalBytes)} for records and unsaved handles`, 'try again later, when records expire')
    this.used += bytes
    for (const share of shares) this.perHolder.set(share.key, this.usedBy(share.key) + bytes)
  }

  /** Gives back `bytes` taken for the holders `keys`. */
  release(bytes: number, keys: readonly string[] = []): void {
    this.used = Math.max(0, this.used - bytes)
    for (const key of keys) {
      const left = this.usedBy(key) - bytes
      if (left <= 0) this.perHolder.delete(key)
      else this.perHolder.set(key, left)
    }
  }
}

function full(limit: string, advice: string): LauncherError {
  return launcherError(LAUNCHER_CODES.NETWORK_FULL, `${LAUNCHER_CODES.NETWORK_FULL.description}: the server holds ${limit}: ${advice}`)
}

function mebibytes(bytes: number): string {
  return bytes >= MIB ? `${Math.round((bytes / MIB) * 10) / 10} MiB` : `${bytes} bytes`
}
