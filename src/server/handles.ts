/**
 * The handles of one session (or of the requests without a token): numbers
 * standing for data ids, structured data and cipher options, in a
 * least-recently-used cache bounded in count and in bytes. A full table
 * forgets its own least recently used handle to make room, never refuses (a
 * client that never drops its handles, as the seed app, keeps working); every
 * handle's bytes are also charged to the server's {@link MemoryBudget}, and a
 * handle the server as a whole has no room for is refused with NetworkFull.
 *
 * @module
 */
import { LRUCache } from 'lru-cache'
import { LAUNCHER_CODES, launcherError, type LauncherError } from '../launcher/errors.js'
import { ENTRY_OVERHEAD_BYTES, type MemoryBudget } from './budget.js'

/** A handle to a data identifier: a name and type tag, whether or not data exists there. */
export interface DataIdHandle {
  kind: 'dataId'
  name: string
  typeTag: number
}

/** A handle to a structured data: a local copy, saved with PUT or POST. */
export interface StructuredDataHandle {
  kind: 'structuredData'
  name: string
  typeTag: number
  /** The data, base64 (the bytes the client sent or the network holds). */
  data: string
  /** The version the network holds (0 until updated). */
  version: number
  /** The owner of the data on the network, if it is there. */
  owner: string | null
}

/** A handle to cipher options; only plain (no encryption) is offered. */
export interface CipherOptsHandle {
  kind: 'cipherOpts'
  encryption: 'PLAIN'
}

/** Anything a handle id can stand for. */
export type Handle = DataIdHandle | StructuredDataHandle | CipherOptsHandle

/** What a handle costs in bytes: its name and data, and the overhead of holding it. */
export function handleCost(handle: Handle): number {
  if (handle.kind === 'cipherOpts') return ENTRY_OVERHEAD_BYTES
  return ENTRY_OVERHEAD_BYTES + handle.name.length + (handle.kind === 'structuredData' ? handle.data.length : 0)
}

/** Bits of a handle id: numbers, as the Launcher's were, random so that nobody guesses another's. */
const HANDLE_ID_BITS_HIGH = 0x1fffff

/** A new random handle id (a safe integer above 0). */
export function randomHandleId(): number {
  const [high, low] = crypto.getRandomValues(new Uint32Array(2)) as unknown as [number, number]
  return (high & HANDLE_ID_BITS_HIGH) * 2 ** 32 + low || 1
}

/** Where a {@link HandleTable} charges its bytes (to the server's total; the table's own limit bounds each token). */
export interface HandleBudget {
  budget: MemoryBudget
  /** Most bytes of handles the table holds; past it its least recently used handles are forgotten. */
  maxBytes: number
}

/** A value, or a promise of it: the memory tables answer at once, the Redis ones after a round trip. */
export type MaybePromise<T> = T | Promise<T>

/**
 * What the routes do with the handles of a session, wherever they are held:
 * in this process ({@link HandleTable}) or in Redis (redis-handles.ts).
 */
export interface Handles {
  /** Stores `handle` and returns its new id. */
  add(handle: Handle): MaybePromise<number>
  /** The handle with `id` when it is of `kind` (marked as just used); a Launcher error naming the kind otherwise. */
  get<K extends Handle['kind']>(id: number, kind: K): MaybePromise<Extract<Handle, { kind: K }>>
  /** Replaces structured-data handle `id` with `handle` (its new data, version or owner). */
  replace(id: number, handle: StructuredDataHandle): MaybePromise<void>
  /** Drops the handle `id` of `kind`; a Launcher error when there is none. */
  drop(id: number, kind: Handle['kind']): MaybePromise<void>
}

/** The handles of one session; see the module's description. */
export class HandleTable implements Handles {
  private readonly handles: LRUCache<number, Handle>

  /**
   * @param capacity - most handles held at once
   * @param charge - the budget the handles' bytes are charged to
   */
  constructor(
    private readonly capacity: number,
    private readonly charge: HandleBudget,
  ) {
    // No `max`: lru-cache allocates arrays of `max` slots up front, so a large --max-handles would cost every
    // token that much memory at once. The count is capped in add() instead; the bytes by `maxSize`.
    this.handles = new LRUCache<number, Handle>({
      maxSize: charge.maxBytes,
      sizeCalculation: handleCost,
      dispose: (handle) => charge.budget.release(handleCost(handle)),
    })
  }

  /** How many handles are open. */
  get size(): number {
    return this.handles.size
  }

  /** Bytes the handles hold. */
  get bytes(): number {
    return this.handles.calculatedSize
  }

  /** Stores `handle` and returns its new id, forgetting the least recently used handles when full; NetworkFull when the server has no room. */
  add(handle: Handle): number {
    const cost = handleCost(handle)
    if (cost > this.charge.maxBytes) throw handleTooLarge(cost, this.charge.maxBytes)
    this.charge.budget.reserve(cost)
    while (this.handles.size >= this.capacity) this.handles.pop()
    let id = randomHandleId()
    while (this.handles.has(id)) id = randomHandleId()
    this.handles.set(id, handle)
    return id
  }

  /** The handle with `id` when it is of `kind` (marked as just used); a Launcher error naming the kind otherwise. */
  get<K extends Handle['kind']>(id: number, kind: K): Extract<Handle, { kind: K }> {
    const handle = this.handles.get(id)
    if (handle === undefined || handle.kind !== kind) throw invalidHandle(kind)
    return handle as Extract<Handle, { kind: K }>
  }

  /** Replaces the data of structured-data handle `id` (re-charging its bytes). */
  setData(id: number, data: string): void {
    this.replace(id, { ...this.get(id, 'structuredData'), data })
  }

  /** Replaces structured-data handle `id` with `handle`, re-charging its bytes; a Launcher error when there is none. */
  replace(id: number, handle: StructuredDataHandle): void {
    const current = this.get(id, 'structuredData')
    // Same bytes (a save's new version or owner): changed where it is, nothing to re-charge.
    if (current.data === handle.data && current.name === handle.name) {
      Object.assign(current, handle)
      return
    }
    const cost = handleCost(handle)
    if (cost > this.charge.maxBytes) throw handleTooLarge(cost, this.charge.maxBytes)
    this.charge.budget.reserve(cost)
    this.handles.delete(id)
    this.handles.set(id, { ...handle })
  }

  /** Drops the handle `id` of `kind`; a Launcher error when there is none. */
  drop(id: number, kind: Handle['kind']): void {
    this.get(id, kind)
    this.handles.delete(id)
  }

  /** Drops every handle (their bytes go back to the budget). */
  clear(): void {
    this.handles.clear()
  }
}

/** The NetworkFull answer to a handle larger than a token may hold at all. */
export function handleTooLarge(cost: number, maxBytes: number): LauncherError {
  return launcherError(LAUNCHER_CODES.NETWORK_FULL, `${LAUNCHER_CODES.NETWORK_FULL.description}: a handle of ${cost} bytes is above this token's ${maxBytes} bytes for handles`)
}

/** The Launcher's answer to a handle id that names no handle of `kind`. */
export function invalidHandle(kind: Handle['kind']): LauncherError {
  if (kind === 'dataId') return launcherError(LAUNCHER_CODES.INVALID_DATA_ID_HANDLE)
  if (kind === 'cipherOpts') return launcherError(LAUNCHER_CODES.INVALID_CIPHER_OPT_HANDLE)
  return launcherError(LAUNCHER_CODES.INVALID_STRUCT_DATA_HANDLE)
}
