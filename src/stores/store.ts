/**
 * The contract every signaling store fulfils, and the argument checks they share.
 * `test/stores/contract.ts` runs the same suite against each store.
 *
 * @module
 */
import type { Observable } from 'rxjs'
import { isBase64 } from '../protocol/base64.js'
import { SignalingError } from '../errors.js'
import { MAX_RECORD_BYTES } from '../protocol/records.js'

/** Longest store address, in characters. */
export const MAX_ADDRESS_LENGTH = 1024
/** How long a record lives when the writer names no `ttlMs`: 10 minutes. */
export const DEFAULT_RECORD_TTL_MS = 10 * 60 * 1000
/** Longest lifetime a writer may ask for: one day. */
export const MAX_RECORD_TTL_MS = 24 * 60 * 60 * 1000

/** Options of every store call. */
export interface StoreCallOptions {
  /**
   * Aborts the call: it rejects with the signal's reason (a hang-up stops a
   * store call in flight). A write aborted after it reached the store may still
   * have landed; the record then expires with its ttl.
   */
  signal?: AbortSignal | undefined
}

/** Options of a write. */
export interface StoreWriteOptions extends StoreCallOptions {
  /**
   * How long the record lives, in ms; afterwards it reads as absent and may be
   * created again. Defaults to {@link DEFAULT_RECORD_TTL_MS}.
   */
  ttlMs?: number
}

/**
 * A shared key-value store for signaling records. Each store object is one
 * participant: records it creates are owned by it, and only it may update or
 * remove them. Data is base64 text of at most {@link MAX_RECORD_BYTES} bytes.
 *
 * Errors are {@link SignalingError}s: `ERR_EXISTS`, `ERR_NOT_FOUND`,
 * `ERR_NOT_OWNER`, `ERR_INVALID_ADDRESS`, `ERR_INVALID_DATA`,
 * `ERR_RECORD_TOO_LARGE`, `ERR_STORE_CLOSED`, `ERR_STORE_UNAVAILABLE`.
 */
export interface SignalStore {
  /** Creates the record if the address is free (absent or expired); `ERR_EXISTS` otherwise. Exactly one concurrent creator wins. */
  create(address: string, data: string, options?: StoreWriteOptions): Promise<void>
  /** Replaces the data of a record this participant created; `ERR_NOT_FOUND`, `ERR_NOT_OWNER`. */
  update(address: string, data: string, options?: StoreWriteOptions): Promise<void>
  /** The record's data, or `null` when absent or expired. */
  read(address: string, options?: StoreCallOptions): Promise<string | null>
  /** Removes a record this participant created; absent records are fine (idempotent); `ERR_NOT_OWNER`. */
  remove(address: string, options?: StoreCallOptions): Promise<void>
  /**
   * A push read, where the store can: emits the current data (or `null`) at
   * once, then each change, until unsubscribed.
   */
  watch?(address: string): Observable<string | null>
  /** Releases the store's resources; later calls fail with `ERR_STORE_CLOSED`. */
  close?(): Promise<void>
}

/** True when `value` has the methods of a {@link SignalStore}. */
export function isSignalStore(value: unknown): value is SignalStore {
  if (typeof value !== 'object' || value === null) return false
  const store = value as Record<string, unknown>
  return ['create', 'update', 'read', 'remove'].every((method) => typeof store[method] === 'function')
}

/** Returns `address` when valid; throws `ERR_INVALID_ADDRESS` otherwise. */
export function checkAddress(address: unknown): string {
  if (typeof address !== 'string' || address.length === 0 || address.length > MAX_ADDRESS_LENGTH) {
    throw new SignalingError(
      'ERR_INVALID_ADDRESS',
      `Invalid store address ${JSON.stringify(address)?.slice(0, 80)}: use a non-empty string of at most ${MAX_ADDRESS_LENGTH} characters.`,
    )
  }
  return address
}

/** Returns `data` when it is non-empty base64 within the size limit; throws `ERR_INVALID_DATA` or `ERR_RECORD_TOO_LARGE`. */
export function checkData(data: unknown): string {
  if (typeof data !== 'string' || data.length === 0) {
    throw new SignalingError('ERR_INVALID_DATA', `Invalid store data (a ${typeof data}${data === '' ? ', empty' : ''}): pass a non-empty base64 string.`)
  }
  if (data.length > MAX_RECORD_BYTES) {
    throw new SignalingError(
      'ERR_RECORD_TOO_LARGE',
      `The data is ${data.length} bytes, above the ${MAX_RECORD_BYTES}-byte limit: store less.`,
    )
  }
  if (!isBase64(data)) {
    throw new SignalingError('ERR_INVALID_DATA', 'Invalid store data: it is not base64; encode it with encodeRecord().')
  }
  return data
}

/** Returns the record lifetime to use; throws `ERR_INVALID_OPTION` for a bad `ttlMs`. */
export function resolveTtl(options?: StoreWriteOptions): number {
  const ttlMs = options?.ttlMs ?? DEFAULT_RECORD_TTL_MS
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0 || ttlMs > MAX_RECORD_TTL_MS) {
    throw new SignalingError(
      'ERR_INVALID_OPTION',
      `Invalid ttlMs ${String(ttlMs)}: use a number of milliseconds above 0 and at most ${MAX_RECORD_TTL_MS}.`,
    )
  }
  return ttlMs
}

/** Checks a write's arguments and returns the record lifetime: {@link checkAddress}, {@link checkData}, {@link resolveTtl}. */
export function checkWrite(address: unknown, data: unknown, options?: StoreWriteOptions): number {
  checkAddress(address)
  checkData(data)
  return resolveTtl(options)
}
