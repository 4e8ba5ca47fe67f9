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

/** A bytes budget: a total for the server, and what each owner (a token's owner identity) holds of it. */
export class MemoryBudget {
  private used = 0
  private readonly perOwner = new Map<string, number>()

  /** @param totalBytes - most bytes held by everyone together (records and unsaved handles) */
  constructor(readonly totalBytes: number) {}

  /** Bytes held now. */
  get usedBytes(): number {
    return this.used
  }

  /** Bytes `owner` holds now. */
  usedBy(owner: string): number {
    return this.perOwner.get(owner) ?? 0
  }

  /**
   * Takes `bytes` for `owner`, or throws the NetworkFull answer (taking nothing)
   * when the owner would hold more than `ownerLimit` or everyone more than the total.
   */
  reserve(owner: string, bytes: number, ownerLimit = Number.POSITIVE_INFINITY): void {
    const mine = this.usedBy(owner)
    if (mine + bytes > ownerLimit) throw this.full(`this token's share of ${mebibytes(ownerLimit)} for records`, 'remove records it no longer needs first')
    if (this.used + bytes > this.totalBytes) throw this.full(`its memory budget of ${mebibytes(this.totalBytes)} for records and unsaved handles`, 'try again later, when records expire')
    this.used += bytes
    this.perOwner.set(owner, mine + bytes)
  }

  /** Gives back `bytes` of `owner`. */
  release(owner: string, bytes: number): void {
    const left = this.usedBy(owner) - bytes
    this.used = Math.max(0, this.used - bytes)
    if (left <= 0) this.perOwner.delete(owner)
    else this.perOwner.set(owner, left)
  }

  private full(limit: string, advice: string): LauncherError {
    return launcherError(LAUNCHER_CODES.NETWORK_FULL, `${LAUNCHER_CODES.NETWORK_FULL.description}: the server holds ${limit}: ${advice}`)
  }
}

function mebibytes(bytes: number): string {
  return bytes >= MIB ? `${Math.round((bytes / MIB) * 10) / 10} MiB` : `${bytes} bytes`
}
