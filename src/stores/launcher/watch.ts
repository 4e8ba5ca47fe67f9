/**
 * The push read of `SafeLauncherStore` over our extension
 * `GET structured-data/watch?name=&typeTag=` (by name: no data-id handle to
 * take first and drop after): a long poll, asked again with the last revision
 * seen, each answered when the record changes. Transient failures are retried
 * with the backoff of `time/retry.ts`; after that the watch fails and the
 * reader's poll carries on alone.
 *
 * @module
 */
import { asyncScheduler, defer, filter, from, map, Observable, repeat, timer, type SchedulerLike } from 'rxjs'
import { SignalingError } from '../../errors.js'
import { LAUNCHER_ROUTES, launcherPath, type WatchAnswer } from '../../launcher/api.js'
import { retryTransient } from '../../time/retry.js'
import { responseError, type LauncherClient } from './client.js'
import { nameOf } from './handles.js'

/** What {@link watchRecord} needs. */
export interface WatchRecordOptions {
  client: LauncherClient
  /** The records' structured-data type tag. */
  typeTag: number
  /** How long each long poll asks the server to wait, in ms. */
  waitMs: number
  /** The allowance for the answer beyond the wait, in ms. */
  requestTimeoutMs: number
  /** Whether the server offers the push read: undefined until known; told once it is. */
  offered: { value: boolean | undefined }
  /** Wait for the record from the first request (`since=0`: revision 0 is an absent record) instead of answering `null` at once. */
  waitForRecord?: boolean
  /** Times the retry backoff. Default `asyncScheduler`. */
  scheduler?: SchedulerLike
}

/** The record at `address` (or null) at once, then each change, until unsubscribed. */
export function watchRecord(address: string, options: WatchRecordOptions): Observable<string | null> {
  const { client, offered } = options
  return new Observable<string | null>((subscriber) => {
    // A plain controller held by this subscription (no AbortSignal.any, which the collector may take): it stops on close too.
    const stop = new AbortController()
    const signal = stop.signal
    const stopOnClose = client.onClose(() => stop.abort())
    // Revision 0 is an absent record: asking since 0 waits for one; without since the server answers at once.
    let since: number | undefined = options.waitForRecord === true ? 0 : undefined
    const unoffered = () => new SignalingError('ERR_STORE_REJECTED', `${client.base} offers no push read: polling instead.`)

    // The record's name, hashed once for every long poll of this watch.
    const name = nameOf(address)
    const longPoll = async (): Promise<WatchAnswer> => {
      const query = new URLSearchParams({ name, typeTag: String(options.typeTag), timeoutMs: String(options.waitMs) })
      if (since !== undefined) query.set('since', String(since))
      const path = launcherPath(LAUNCHER_ROUTES.watchByName, {}, query)
      const response = await client.request('GET', path, {
        auth: true,
        signal,
        timeoutMs: options.waitMs + options.requestTimeoutMs,
        answerErrors: true,
      })
      if (!response.ok) {
        if (offered.value === undefined && isUnofferedExtension(response)) {
          offered.value = false
          throw unoffered()
        }
        throw await responseError('GET', path, response)
      }
      offered.value = true
      return (await response.json()) as WatchAnswer
    }

    // One attempt: long polls until one fails. The next goes out a task after an answer, not at once: a reader that got
    // what it waited for (and unsubscribes as it handles the answer, after an await or two) asks nothing more.
    const scheduler = options.scheduler ?? asyncScheduler
    const attempt = defer(() => {
      client.checkOpen()
      if (offered.value === false) throw unoffered()
      return from(longPoll())
    }).pipe(repeat({ delay: () => timer(0, scheduler) }))
    const subscription = attempt
      .pipe(
        retryTransient({ scheduler }),
        filter((answer) => answer.revision !== since),
        map((answer) => {
          since = answer.revision
          return answer.data
        }),
      )
      .subscribe({
        next: (data) => subscriber.next(data),
        error: (error: unknown) => {
          if (!signal.aborted) subscriber.error(error)
        },
      })
    return () => {
      stopOnClose()
      stop.abort()
      subscription.unsubscribe()
    }
  })
}

/**
 * Whether an error answer to one of our extensions means the server does not
 * offer it: any 4xx but a limit (429) or a token refused (401) — a Launcher has
 * no such endpoint (404), or its `structured-data/:handleId` route took the name for a handle (-1513).
 */
export function isUnofferedExtension(response: Response): boolean {
  return response.status >= 400 && response.status < 500 && response.status !== 429 && response.status !== 401
}
