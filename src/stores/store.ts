/**
 * The contract every signaling store fulfils ({@link SignalStore}: one
 * participant's view of a shared key-value store), and the argument checks
 * every store shares. `test/stores/contract.ts` runs the same suite against
 * each store.
 *
 * @module
 */
import type { Observable } from 'rxjs'
import * as v from 'valibot'
import { isBase64 } from '../protocol/base64.js'
import { MAX_RECORD_BYTES } from '../protocol/records.js'
import { parseWith } from '../validate.js'

/** Longest store address, in characters. */
export const MAX_ADDRESS_LENGTH = 1024
/** How long a record lives when the writer names no `ttlMs`: 10 minutes, in ms. */
export const DEFAULT_RECORD_TTL_MS = 10 * 60 * 1000
/** Longest lifetime a writer may ask for: one day, in ms. */
export const MAX_RECORD_TTL_MS = 24 * 60 * 60 * 1000

/** Options of every store call. */
export interface StoreCallOptions {
  /**
   * Aborts the call: it rejects at once with the signal's `reason` (a hang-up
   * stops a store call in flight); a signal aborted before the call rejects it
   * without touching the store. A write aborted after it was sent may still
   * land; the record then expires with its ttl.
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
 * A shared key-value store for signaling records, as one participant sees it:
 * records it creates are owned by it, and only it may update or remove them.
 * Data is base64 text of at most {@link MAX_RECORD_BYTES} bytes.
 *
 * Calls reject with {@link SignalingError}s:
 * - bad arguments: `ERR_INVALID_ADDRESS`, `ERR_INVALID_DATA`,
 *   `ERR_RECORD_TOO_LARGE`, `ERR_INVALID_OPTION` (`ttlMs`, `signal`);
 * - definite answers: `ERR_EXISTS`, `ERR_NOT_FOUND`, `ERR_NOT_OWNER`,
 *   `ERR_STORE_FULL` (a create beyond the store's limit);
 * - the store itself: `ERR_STORE_CLOSED` (after `close()`),
 *   `ERR_STORE_UNAVAILABLE` (it did not answer), `ERR_STORE_REJECTED` (a store
 *   server refused the request for good).
 *
 * A call whose `signal` aborts rejects with the signal's `reason` instead
 * (see {@link StoreCallOptions.signal}).
 */
/** Options of {@link SignalStore.watch}. */
export interface StoreWatchOptions {
  /**
   * Emit nothing while the record is absent: the first emission is the record
   * once it exists (a store that pushes may then wait for it from its first
   * request, one round trip sooner). Stores may ignore it and emit `null`.
   */
  waitForRecord?: boolean
}

export interface SignalStore {
  /** Creates the record if the address is free (absent or expired); `ERR_EXISTS` otherwise. Exactly one concurrent creator wins. */
  create(address: string, data: string, options?: StoreWriteOptions): Promise<void>
  /**
   * Optional: {@link SignalStore.create} that, when someone created the record
   * first, resolves with that record's data in the same answer instead of
   * rejecting with `ERR_EXISTS` (the loser of a race answers without a read).
   * Resolves `null` when it created the record; may still reject with
   * `ERR_EXISTS` when it cannot tell the data.
   */
  createOrRead?(address: string, data: string, options?: StoreWriteOptions): Promise<string | null>
  /** Replaces the data of a record this participant created; `ERR_NOT_FOUND`, `ERR_NOT_OWNER`. */
  update(address: string, data: string, options?: StoreWriteOptions): Promise<void>
  /** The record's data, or `null` when absent or expired. */
  read(address: string, options?: StoreCallOptions): Promise<string | null>
  /** Removes a record this participant created; absent records are fine (idempotent); `ERR_NOT_OWNER`. */
  remove(address: string, options?: StoreCallOptions): Promise<void>
  /**
   * A push read, where the store can: emits the current data (or `null`) at
   * once, then each change, until unsubscribed (unsubscribing is its cancellation).
   */
  watch?(address: string, options?: StoreWatchOptions): Observable<string | null>
  /** Releases the store's resources; later calls fail with `ERR_STORE_CLOSED`. */
  close?(): Promise<void>
}

/** True when `value` has the methods of a {@link SignalStore}. */
export function isSignalStore(value: unknown): value is SignalStore {
  if (typeof value !== 'object' || value === null) return false
  const store = value as Record<string, unknown>
  return ['create', 'update', 'read', 'remove'].every((method) => typeof store[method] === 'function')
}

const addressMessage = (issue: v.BaseIssue<unknown>) =>
  `Invalid store address ${JSON.stringify(issue.input)?.slice(0, 80)}: use a non-empty string of at most ${MAX_ADDRESS_LENGTH} characters.`

/** A store address: a non-empty string of at most {@link MAX_ADDRESS_LENGTH} characters. */
export const addressSchema = v.pipe(v.string(addressMessage), v.nonEmpty(addressMessage), v.maxLength(MAX_ADDRESS_LENGTH, addressMessage))

const dataMessage = (issue: v.BaseIssue<unknown>) =>
  `Invalid store data (a ${typeof issue.input}${issue.input === '' ? ', empty' : ''}): pass a non-empty base64 string.`

/** Store data: non-empty base64 of at most {@link MAX_RECORD_BYTES} bytes (the size is checked before the encoding). */
export const dataSchema = v.pipe(
  v.string(dataMessage),
  v.nonEmpty(dataMessage),
  v.maxLength(MAX_RECORD_BYTES, (issue) => `The data is ${issue.received} bytes, above the ${MAX_RECORD_BYTES}-byte limit: store less.`),
  v.check(isBase64, 'Invalid store data: it is not base64; encode it with encodeRecord().'),
)

const ttlMessage = (issue: v.BaseIssue<unknown>) =>
  `Invalid ttlMs ${String(issue.input)}: use a number of milliseconds above 0 and at most ${MAX_RECORD_TTL_MS}.`

/** A record lifetime in ms: above 0 and at most {@link MAX_RECORD_TTL_MS}; {@link DEFAULT_RECORD_TTL_MS} when absent. */
export const ttlSchema = v.optional(
  v.pipe(v.number(ttlMessage), v.finite(ttlMessage), v.gtValue(0, ttlMessage), v.maxValue(MAX_RECORD_TTL_MS, ttlMessage)),
  DEFAULT_RECORD_TTL_MS,
)

/** The `signal` of a call: absent, or an `AbortSignal`. */
const signalSchema = v.optional(v.instance(AbortSignal, 'Invalid signal: pass an AbortSignal (from an AbortController).'))

/** Returns `address` when valid; throws `ERR_INVALID_ADDRESS` otherwise. */
export function checkAddress(address: unknown): string {
  return parseWith(addressSchema, address, 'ERR_INVALID_ADDRESS')
}

/** Returns `data` when it is non-empty base64 within the size limit; throws `ERR_INVALID_DATA` or `ERR_RECORD_TOO_LARGE`. */
export function checkData(data: unknown): string {
  return parseWith(dataSchema, data, (issue) => (issue.type === 'max_length' ? 'ERR_RECORD_TOO_LARGE' : 'ERR_INVALID_DATA'))
}

/** Returns the record lifetime to use; throws `ERR_INVALID_OPTION` for a bad `ttlMs` or `signal`. */
export function resolveTtl(options?: StoreWriteOptions): number {
  checkCallOptions(options)
  return parseWith(ttlSchema, options?.ttlMs, 'ERR_INVALID_OPTION')
}

/** Checks the options every call takes (`signal`); throws `ERR_INVALID_OPTION`. */
export function checkCallOptions(options?: StoreCallOptions): void {
  parseWith(signalSchema, options?.signal, 'ERR_INVALID_OPTION')
}

/** Checks a write's arguments and returns the record lifetime: {@link checkAddress}, {@link checkData}, {@link resolveTtl}. */
export function checkWrite(address: unknown, data: unknown, options?: StoreWriteOptions): number {
  checkAddress(address)
  checkData(data)
  return resolveTtl(options)
}

/**
 * Runs `call` unless `signal` is aborted, and rejects with the signal's reason
 * as soon as it aborts, without waiting for `call` (whose result is then
 * ignored). Without a signal it is `call()`.
 */
export function abortable<T>(signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
  if (signal === undefined) return call()
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    call()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort))
  })
}
