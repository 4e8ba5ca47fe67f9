/**
 * The HTTP side of `SafeLauncherStore`: one token (authorised once, again on a
 * `401`, revoked on close), requests and their answers bounded by a timeout
 * (./deadline.ts), in size, and by the caller's `AbortSignal`, and error answers turned into {@link SignalingError}s through
 * the Launcher vocabulary's one error table.
 *
 * @module
 */
import { SignalingError } from '../../errors.js'
import { bearer, DEFAULT_LAUNCHER_URL, LAUNCHER_ROUTES, LOW_LEVEL_API, type LauncherApp } from '../../launcher/api.js'
import { signalingCodeOf } from '../../launcher/errors.js'
import { MAX_JSON_ANSWER_BYTES, MAX_RECORD_ANSWER_BYTES, readBody, RequestDeadline } from './deadline.js'

export { MAX_JSON_ANSWER_BYTES, MAX_RECORD_ANSWER_BYTES } from './deadline.js'

/** How long one HTTP request may take before the store counts the server as unavailable, in ms. */
export const REQUEST_TIMEOUT_MS = 10_000

/** Options of {@link LauncherClient.request}. */
export interface RequestOptions {
  /** Resolve with error answers too, instead of throwing them (transport failures still throw). */
  answerErrors?: boolean
  /** A JSON body. */
  body?: unknown
  /**
   * Send the token: `true` authorises first when needed; `'ifReady'` sends it
   * only if it is already in hand and otherwise goes without (a public read
   * need not wait for authorisation), sending it on a `401`.
   */
  auth?: boolean | 'ifReady'
  headers?: Record<string, string>
  /** The caller's abort: the request rejects with its reason. */
  signal?: AbortSignal | undefined
  /** Default: the client's request timeout (headers and body). */
  timeoutMs?: number
  /** The largest answer accepted, in bytes. Default {@link MAX_RECORD_ANSWER_BYTES} ({@link MAX_JSON_ANSWER_BYTES} for `json()` and error answers). */
  maxBodyBytes?: number
}

/** What {@link LauncherClient} needs. */
export interface LauncherClientOptions {
  /** The API's base URL, ending in `/`. */
  base: string
  app: LauncherApp
  requestTimeoutMs: number
  fetch: typeof fetch
}

/** One participant's HTTP client of a Launcher API: one token, requests, and close. */
export class LauncherClient {
  /** The API's base URL. */
  readonly base: string
  private readonly closing = new AbortController()
  /** What stops as the client closes: each request under way and each watch. */
  private readonly closeCallbacks = new Set<() => void>()
  private token: Promise<string> | null = null
  /** The token once its authorisation has answered; null before, and once it is dropped. */
  private tokenInHand: string | null = null

  /** @param options - see {@link LauncherClientOptions} */
  constructor(private readonly options: LauncherClientOptions) {
    this.base = options.base
  }

  /**
   * Calls `stop` once when the client closes (at once if it has); returns the
   * function that cancels that. The client holds these itself, rather than
   * each request or watch listening on one signal, of which Node warns past
   * ten listeners.
   */
  onClose(stop: () => void): () => void {
    if (this.closing.signal.aborted) {
      stop()
      return () => {}
    }
    this.closeCallbacks.add(stop)
    return () => this.closeCallbacks.delete(stop)
  }

  /** Throws `ERR_STORE_CLOSED` once closed. */
  checkOpen(): void {
    if (this.closing.signal.aborted) throw new SignalingError('ERR_STORE_CLOSED')
  }

  /** A request whose answer is JSON. */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(method, path, { maxBodyBytes: MAX_JSON_ANSWER_BYTES, ...options })
    try {
      return (await response.json()) as T
    } catch (error) {
      throw new SignalingError('ERR_STORE_UNAVAILABLE', `The store answered ${method} ${path} with something that is not JSON: is ${this.base} a SAFE Launcher API?`, { cause: error })
    }
  }

  /**
   * One request, its answer read whole within the same deadline and at most
   * `maxBodyBytes` (the answer returned is already in memory); retries once
   * with a fresh token on a `401`. Failures become {@link SignalingError}s
   * (`ERR_STORE_UNAVAILABLE` late, `ERR_RECORD_TOO_LARGE` too big); an abort
   * rejects with the signal's reason.
   */
  async request(method: string, path: string, options: RequestOptions = {}, retried = false): Promise<Response> {
    this.checkOpen()
    options.signal?.throwIfAborted()
    const headers: Record<string, string> = { ...options.headers }
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    const withToken = options.auth === true ? await this.authorise(options.signal) : options.auth === 'ifReady' ? this.tokenInHand : null
    if (withToken !== null) headers['authorization'] = bearer(withToken)
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs
    // Held here until the request settles, so its timer fires whatever the garbage collector does.
    const deadline = new RequestDeadline(timeoutMs, [options.signal])
    const stopOnClose = this.onClose(() => deadline.abort())
    const what = `${method} ${path}`
    let response: Response
    try {
      const answer = await this.options.fetch(this.base + path, {
        method,
        headers,
        signal: deadline.signal,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      })
      if (answer.status === 401 && options.auth !== undefined && options.auth !== false && !retried) {
        await answer.body?.cancel().catch(() => {})
        // A token that was sent is stale: authorise again. None sent ('ifReady' before it came): send it now.
        if (withToken !== null) this.dropToken()
        deadline.settle()
        return this.request(method, path, { ...options, auth: true }, true)
      }
      const maxBytes = answer.ok ? (options.maxBodyBytes ?? MAX_RECORD_ANSWER_BYTES) : MAX_JSON_ANSWER_BYTES
      const body = await readBody(answer, { what, base: this.base, maxBytes, deadline, timeoutMs })
      const empty = answer.status === 204 || answer.status === 205 || answer.status === 304
      response = new Response(empty ? null : body, { status: answer.status, statusText: answer.statusText, headers: answer.headers })
    } catch (error) {
      if (error instanceof SignalingError) throw error
      if (this.closing.signal.aborted) throw new SignalingError('ERR_STORE_CLOSED')
      options.signal?.throwIfAborted()
      const reason = deadline.expired ? `no answer within ${timeoutMs} ms` : errorText(error)
      throw new SignalingError('ERR_STORE_UNAVAILABLE', `The SAFE Launcher API at ${this.base} did not answer ${what} (${reason}): check that it is running, then retry.`, { cause: error })
    } finally {
      deadline.settle()
      stopOnClose()
    }
    if (response.ok || options.answerErrors === true) return response
    throw await responseError(method, path, response)
  }

  /** Revokes the token and stops every request under way; later requests fail with `ERR_STORE_CLOSED`. Never fails. */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return
    this.closing.abort()
    for (const stop of [...this.closeCallbacks]) stop()
    this.closeCallbacks.clear()
    const token = this.token
    this.dropToken()
    if (token === null) return
    const deadline = new RequestDeadline(this.options.requestTimeoutMs, [])
    try {
      const answer = await this.options.fetch(this.base + LAUNCHER_ROUTES.auth, {
        method: 'DELETE',
        headers: { authorization: bearer(await token) },
        signal: deadline.signal,
      })
      await answer.body?.cancel()
    } catch {
      // Closing must not fail: an unreachable server forgets the token on its own.
    } finally {
      deadline.settle()
    }
  }

  /** Starts authorising now, in the background, so that no later call waits for it (a failure is tried again by the next call). */
  prepare(): void {
    void this.authorise().catch(() => {})
  }

  /** Forgets the token (stale, failed or revoked): the next request that needs one authorises again. */
  private dropToken(): void {
    this.token = null
    this.tokenInHand = null
  }

  /** The token, authorising once (concurrent callers share one request). */
  private authorise(signal?: AbortSignal): Promise<string> {
    if (this.token === null) {
      const token = this.json<{ token: string }>('POST', LAUNCHER_ROUTES.auth, {
        body: { app: this.options.app, permissions: [LOW_LEVEL_API] },
      }).then(({ token: value }) => {
        if (this.token === token) this.tokenInHand = value
        return value
      })
      this.token = token
      token.catch(() => {
        if (this.token === token) this.dropToken()
      })
    }
    if (signal === undefined) return this.token
    return abortable(this.token, signal)
  }
}

/** The error a refused request stands for, by the Launcher's error table. */
export async function responseError(method: string, path: string, response: Response): Promise<SignalingError> {
  let body: { errorCode?: unknown; description?: unknown } = {}
  try {
    body = (await response.json()) as typeof body
  } catch {
    // A bare status (as for an unknown token) has no body.
  }
  const errorCode = typeof body.errorCode === 'number' ? body.errorCode : undefined
  const description = typeof body.description === 'string' ? body.description : response.statusText
  const detail = `${method} ${path} answered ${response.status}${errorCode === undefined ? '' : ` (errorCode ${errorCode})`}: ${description}`
  return new SignalingError(signalingCodeOf(response.status, errorCode), `The SAFE Launcher API refused the request: ${detail}`)
}

/** The API base URL, ending in `/`; `ERR_INVALID_OPTION` for anything but http(s). */
export function normaliseUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError('not http(s)')
    return parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`
  } catch {
    throw new SignalingError('ERR_INVALID_OPTION', `Invalid url ${JSON.stringify(url)}: use the API's http(s) address, such as ${DEFAULT_LAUNCHER_URL}`)
  }
}

function errorText(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause
  if (typeof cause?.code === 'string') return cause.code
  return error instanceof Error ? error.message : String(error)
}

/** `promise`, or the signal's reason as soon as it aborts (the shared promise itself goes on). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error)
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}
