/**
 * The seed's "poll every 2 seconds until the answer arrives", as an RxJS
 * stream with the scheduler injectable (marble-tested in test/polling.test.ts).
 *
 * @module
 */
import {
  asyncScheduler,
  catchError,
  concatMap,
  defer,
  EMPTY,
  filter,
  finalize,
  from,
  merge,
  repeat,
  take,
  timer,
  type Observable,
  type ObservableInput,
  type SchedulerLike,
} from 'rxjs'
import { retryTransient, RETRY_BASE_DELAY_MS, STORE_RETRIES } from './retry.js'
import { checkCount, checkMs } from '../validate.js'

/** Time between the starts of two reads, in ms: the seed's 2 seconds. */
export const POLL_INTERVAL_MS = 2000

/** Options of {@link pollForRecord}. */
export interface PollOptions<T> {
  /** Time between the starts of two reads, in ms. Default {@link POLL_INTERVAL_MS}. */
  intervalMs?: number
  /** Retries of a failed read before `ERR_STORE_UNAVAILABLE`. Default {@link STORE_RETRIES}. */
  retries?: number
  /** First retry backoff in ms, doubling each time. Default {@link RETRY_BASE_DELAY_MS}. */
  retryDelayMs?: number
  /** Times the reads and retries; `asyncScheduler` by default, a `TestScheduler` in tests. */
  scheduler?: SchedulerLike
  /** A push source of the same record (a store's `watch`); merged with the reads, the first record wins. Its failure leaves the reads going. */
  watch?: Observable<T | null>
  /**
   * When the first read starts, in ms. Default 0 (at once). A watch whose first
   * request already waits for the record makes an immediate read redundant: a
   * reader that has just published what is to be answered starts at one
   * interval, as the seed's first poll did.
   */
  firstReadDelayMs?: number
}

/**
 * Reads until a record appears, then emits it once and completes.
 *
 * - the first read starts at once (or after `firstReadDelayMs`), then one every
 *   `intervalMs`, measured from the start of the previous read;
 * - never two reads in flight: a read slower than `intervalMs` is followed at
 *   once by the next when it ends;
 * - a failed read is retried with backoff, then the stream fails with `ERR_STORE_UNAVAILABLE`;
 *   a `SignalingError` other than that (say `ERR_BAD_RECORD`) fails it at once;
 * - with `watch`, a pushed record wins as soon as it comes;
 * - no deadline of its own: it reads until a record comes or it is
 *   unsubscribed (the machine's `answerTimeout` ends the poll);
 * - unsubscribing aborts the `signal` of the read in flight.
 *
 * @param read - one read: the record, or `null` when there is none yet; `signal` aborts when the read is no longer wanted
 */
export function pollForRecord<T>(read: (signal: AbortSignal) => ObservableInput<T | null>, options: PollOptions<T> = {}): Observable<T> {
  const intervalMs = checkMs('intervalMs', options.intervalMs ?? POLL_INTERVAL_MS)
  const retries = checkCount('retries', options.retries ?? STORE_RETRIES)
  const baseDelayMs = checkMs('retryDelayMs', options.retryDelayMs ?? RETRY_BASE_DELAY_MS, 0)
  const scheduler = options.scheduler ?? asyncScheduler
  const firstReadDelayMs = checkMs('firstReadDelayMs', options.firstReadDelayMs ?? 0, 0)

  return defer(() => {
    let startedAt = scheduler.now()
    const reads = defer(() => {
      startedAt = scheduler.now()
      const controller = new AbortController()
      return from(read(controller.signal)).pipe(finalize(() => controller.abort()))
    }).pipe(
      retryTransient({ retries, baseDelayMs, scheduler }),
      repeat({ delay: () => timer(Math.max(0, intervalMs - (scheduler.now() - startedAt)), scheduler) }),
    )
    const pushes = options.watch?.pipe(catchError(() => EMPTY)) ?? EMPTY
    const delayedReads = firstReadDelayMs === 0 ? reads : timer(firstReadDelayMs, scheduler).pipe(concatMap(() => reads))
    return merge(pushes, delayedReads).pipe(
      filter((record): record is T => record !== null),
      take(1),
    )
  })
}
