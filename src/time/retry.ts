/**
 * Bounded retries with exponential backoff for store calls, on an injectable
 * scheduler. Only transient failures are retried; definite answers
 * (`ERR_EXISTS`, `ERR_NOT_OWNER`, `ERR_BAD_RECORD`…) pass through at once.
 *
 * @module
 */
import { catchError, retry, throwError, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs'
import { SignalingError, toSignalingError } from '../errors.js'

/** How many times a failed store call is tried again before `ERR_STORE_UNAVAILABLE`. */
export const STORE_RETRIES = 3
/** Most retries a caller may ask for (`storeRetries`). */
export const MAX_STORE_RETRIES = 20
/** The wait before the first retry, in ms; it doubles for each further one (250, 500, 1000). */
export const RETRY_BASE_DELAY_MS = 250

/** Options of {@link retryTransient}. */
export interface RetryOptions {
  /** Retries after the first failure. Default {@link STORE_RETRIES}. */
  retries?: number
  /** First backoff, in ms, doubling each time. Default {@link RETRY_BASE_DELAY_MS}. */
  baseDelayMs?: number
  /** The scheduler that times the backoff. */
  scheduler: SchedulerLike
}

/**
 * True when a failure may go away on its own: a store that did not answer
 * (`ERR_STORE_UNAVAILABLE`) or any error that is not a {@link SignalingError}.
 */
export function isTransientError(error: unknown): boolean {
  return !(error instanceof SignalingError) || error.code === 'ERR_STORE_UNAVAILABLE'
}

/**
 * Retries the source on transient errors with exponential backoff, then fails
 * with `ERR_STORE_UNAVAILABLE` (the last error as its cause). Other errors
 * pass through unchanged and unretried.
 */
export function retryTransient<T>(options: RetryOptions): MonoTypeOperatorFunction<T> {
  const retries = options.retries ?? STORE_RETRIES
  const baseDelayMs = options.baseDelayMs ?? RETRY_BASE_DELAY_MS
  return (source) =>
    source.pipe(
      retry({
        count: retries,
        delay: (error: unknown, attempt: number) =>
          isTransientError(error) ? timer(baseDelayMs * 2 ** (attempt - 1), options.scheduler) : throwError(() => error),
      }),
      catchError((error: unknown) =>
        throwError(() => (isTransientError(error) ? toSignalingError(error, 'ERR_STORE_UNAVAILABLE') : error)),
      ),
    )
}
