/**
 * `SafeLauncherStore`: the store contract over the SAFE Launcher REST API 0.5,
 * as the seed app used it (and as `signalbox serve` answers it).
 *
 * - authorises once (`POST auth`), reuses the token, and authorises again on a `401`;
 * - create = `POST structured-data` + `PUT`; read = data id + handle + `GET`
 *   (one `GET structured-data/read` where the server offers that extension);
 *   update = `PATCH` + `POST`; remove = `DELETE`; every handle taken is dropped,
 *   off the caller's critical path;
 * - names are sha256 of the address, in base64, as the Launcher's reference client made them;
 * - uses the server's push read (our extension) where offered, and the poll otherwise.
 *
 * @module
 */
import { Observable } from 'rxjs'
import { bytesToBase64 } from '../../protocol/base64.js'
import { SignalingError, type SignalingErrorCode } from '../../errors.js'
import { DEFAULT_APP_ID, UNVERSIONED_TYPE_TAG } from '../../protocol/records.js'
import { isTransientError, RETRY_BASE_DELAY_MS } from '../../time/retry.js'
import { checkAddress, checkWrite, type SignalStore, type StoreWriteOptions } from '../store.js'
import { checkMs } from '../../validate.js'

/** Where the SAFE Launcher listened. */
export const DEFAULT_LAUNCHER_URL = 'http://localhost:8100/0.5/'
/** How long one HTTP request may take before the store counts the server as unavailable, in ms. */
export const REQUEST_TIMEOUT_MS = 10_000
/** How long each push read asks the server to wait for a change, in ms. */
export const WATCH_WAIT_MS = 25_000
/** The longest pause between push-read attempts after failures, in ms. */
const MAX_WATCH_BACKOFF_MS = 5_000

/** The app this store authorises as. */
export interface LauncherApp {
  name: string
  id: string
  version: string
  vendor: string
}

/** Options of {@link SafeLauncherStore}; all optional. */
export interface SafeLauncherStoreOptions {
  /** The API's base URL, ending in the version. Default {@link DEFAULT_LAUNCHER_URL}. */
  url?: string
  /** The app to authorise as. Default: signalbox with the seed's app id. */
  app?: Partial<LauncherApp>
  /** Structured-data type tag of the records. Default 500 (unversioned). */
  typeTag?: number
  /** Use the server's push read when it offers one (default), or always poll (`false`). */
  watch?: boolean
  /** See {@link REQUEST_TIMEOUT_MS}. */
  requestTimeoutMs?: number
  /** See {@link WATCH_WAIT_MS}. */
  watchWaitMs?: number
  /** The fetch to use; the global one by default. */
  fetch?: typeof fetch
}

/** The error body of the Launcher API. */
interface LauncherErrorBody {
  errorCode?: unknown
  description?: unknown
}

const LAUNCHER_TO_SIGNALING: Record<number, SignalingErrorCode> = {
  [-1]: 'ERR_RECORD_TOO_LARGE',
  [-18]: 'ERR_NOT_FOUND',
  [-19]: 'ERR_STORE_UNAVAILABLE',
  [-22]: 'ERR_NOT_FOUND',
  [-23]: 'ERR_EXISTS',
  [-25]: 'ERR_NOT_OWNER',
  [-27]: 'ERR_STORE_FULL',
  // A handle the server no longer knows (it restarted, or forgot it): the whole call may be tried again.
  [-1513]: 'ERR_STORE_UNAVAILABLE',
  [-1514]: 'ERR_STORE_UNAVAILABLE',
}

interface RequestOptions {
  /** Resolve with error answers too, instead of throwing them (transport failures still throw). */
  answerErrors?: boolean
  body?: unknown
  /** Send the token (authorising first when needed). */
  auth?: boolean
  headers?: Record<string, string>
  signal?: AbortSignal
  timeoutMs?: number
}

/**
 * A {@link SignalStore} that talks to a SAFE Launcher (API 0.5) or to
 * `signalbox serve`. Each store object is one participant: one token, the
 * owner of what it creates.
 *
 * @example
 * ```ts
 * const store = new SafeLauncherStore({ url: 'http://127.0.0.1:8100/0.5/' })
 * const call = createSignaling({ store, wrtc }).join('my-room')
 * ```
 */
export class SafeLauncherStore implements SignalStore {
  /** The push read; absent when disabled with `watch: false`. */
  readonly watch?: (address: string) => Observable<string | null>
  private readonly base: string
  private readonly app: LauncherApp
  private readonly typeTag: number
  private readonly requestTimeoutMs: number
  private readonly watchWaitMs: number
  private readonly fetch: typeof fetch
  private readonly closing = new AbortController()
  private token: Promise<string> | null = null
  private closed = false
  /** Whether the server offers the push read: unknown until first tried; once refused, watch fails at once. */
  private pushRead: boolean | undefined = undefined
  /** Whether the server offers the one-request read: unknown until first tried. */
  private directRead: boolean | undefined = undefined
  /** Handle drops under way: nobody waits for them, but close() lets them finish. */
  private readonly drops = new Set<Promise<void>>()

  /** @param options - see {@link SafeLauncherStoreOptions} */
  constructor(options: SafeLauncherStoreOptions = {}) {
    this.base = normaliseUrl(options.url ?? DEFAULT_LAUNCHER_URL)
    this.app = { name: 'signalbox', id: DEFAULT_APP_ID, version: '1.0', vendor: 'signalbox', ...options.app }
    this.typeTag = options.typeTag ?? UNVERSIONED_TYPE_TAG
    this.requestTimeoutMs = checkMs('requestTimeoutMs', options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS)
    this.watchWaitMs = checkMs('watchWaitMs', options.watchWaitMs ?? WATCH_WAIT_MS)
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
    if (options.watch !== false) this.watch = (address) => this.watchRecord(address)
  }

  async create(address: string, data: string, options?: StoreWriteOptions): Promise<void> {
    const ttlMs = this.checkWrite(address, data, options)
    const name = await nameOf(address)
    const { handleId } = await this.json<{ handleId: number }>('POST', 'structured-data', {
      auth: true,
      body: { name, typeTag: this.typeTag, cipherOpts: null, data },
    })
    try {
      await this.request('PUT', `structured-data/${handleId}`, { auth: true, headers: ttlHeader(ttlMs) })
    } finally {
      this.drop(`structured-data/handle/${handleId}`)
    }
  }

  async update(address: string, data: string, options?: StoreWriteOptions): Promise<void> {
    const ttlMs = this.checkWrite(address, data, options)
    const handleId = await this.structuredDataHandle(address)
    if (handleId === null) throw new SignalingError('ERR_NOT_FOUND', `No record exists at ${address} to update: create it first.`)
    try {
      await this.request('PATCH', `structured-data/${handleId}`, { auth: true, body: { data, cipherOpts: null } })
      await this.request('POST', `structured-data/${handleId}`, { auth: true, headers: ttlHeader(ttlMs) })
    } finally {
      this.drop(`structured-data/handle/${handleId}`)
    }
  }

  async read(address: string): Promise<string | null> {
    this.checkOpen()
    checkAddress(address)
    if (this.directRead !== false) {
      const data = await this.readDirectly(address)
      if (data !== undefined) return data
    }
    const handleId = await this.structuredDataHandle(address)
    if (handleId === null) return null
    try {
      const response = await this.request('GET', `structured-data/${handleId}`, { auth: true })
      return bytesToBase64(new Uint8Array(await response.arrayBuffer()))
    } finally {
      this.drop(`structured-data/handle/${handleId}`)
    }
  }

  async remove(address: string): Promise<void> {
    this.checkOpen()
    checkAddress(address)
    const handleId = await this.structuredDataHandle(address)
    if (handleId === null) return
    try {
      await this.request('DELETE', `structured-data/${handleId}`, { auth: true })
    } catch (error) {
      // Removed by its expiry or a retried call in the meantime: removing nothing is fine.
      if (!(error instanceof SignalingError && error.code === 'ERR_NOT_FOUND')) throw error
    } finally {
      this.drop(`structured-data/handle/${handleId}`)
    }
  }

  /** Lets handle drops finish, revokes the token, and stops every request and push read; later calls fail with `ERR_STORE_CLOSED`. */
  async close(): Promise<void> {
    if (this.closed) return
    await Promise.allSettled([...this.drops])
    this.closed = true
    this.closing.abort()
    const token = this.token
    this.token = null
    if (token === null) return
    try {
      const value = await token
      await this.fetch(this.base + 'auth', {
        method: 'DELETE',
        headers: { authorization: `Bearer ${value}` },
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      })
    } catch {
      // Closing must not fail: an unreachable server forgets the token on its own.
    }
  }

  /**
   * The one-request read of `signalbox serve` (our extension): the data, null
   * when absent, or undefined when the server does not offer it (a Launcher),
   * which is then remembered.
   */
  private async readDirectly(address: string): Promise<string | null | undefined> {
    const query = new URLSearchParams({ name: await nameOf(address), typeTag: String(this.typeTag) })
    const path = `structured-data/read?${query}`
    const response = await this.request('GET', path, { auth: true, answerErrors: true })
    if (response.ok) {
      this.directRead = true
      return bytesToBase64(new Uint8Array(await response.arrayBuffer()))
    }
    const error = await responseError('GET', path, response)
    if (error.code === 'ERR_NOT_FOUND') {
      this.directRead = true
      return null
    }
    if (this.directRead === undefined && isUnofferedExtension(response)) {
      // A Launcher: no such endpoint (or its structured-data/:handleId route took "read" for a handle).
      this.directRead = false
      return undefined
    }
    throw error
  }

  /** A structured-data handle for the record at `address`, or null when there is none. Drops the data-id handle. */
  private async structuredDataHandle(address: string, signal?: AbortSignal): Promise<number | null> {
    const dataId = await this.dataIdHandle(address, signal)
    try {
      const { handleId } = await this.json<{ handleId: number }>('GET', `structured-data/handle/${dataId}`, {
        auth: true,
        ...(signal === undefined ? {} : { signal }),
      })
      return handleId
    } catch (error) {
      if (error instanceof SignalingError && error.code === 'ERR_NOT_FOUND') return null
      throw error
    } finally {
      this.drop(`data-id/${dataId}`)
    }
  }

  private async dataIdHandle(address: string, signal?: AbortSignal): Promise<number> {
    const { handleId } = await this.json<{ handleId: number }>('POST', 'data-id/structured-data', {
      auth: true,
      body: { name: await nameOf(address), typeTag: this.typeTag },
      ...(signal === undefined ? {} : { signal }),
    })
    return handleId
  }

  /** The push read: long polls of `structured-data/watch/:dataId`, each answered when the record changes. */
  private watchRecord(address: string): Observable<string | null> {
    return new Observable<string | null>((subscriber) => {
      const stop = new AbortController()
      const signal = AbortSignal.any([stop.signal, this.closing.signal])
      const run = async (): Promise<void> => {
        this.checkOpen()
        checkAddress(address)
        if (this.pushRead === false) throw new SignalingError('ERR_STORE_REJECTED', `${this.base} offers no push read: polling instead.`)
        let dataId = await this.dataIdHandle(address, signal)
        let since: number | undefined
        let failures = 0
        try {
          while (!signal.aborted) {
            const query = `timeoutMs=${this.watchWaitMs}${since === undefined ? '' : `&since=${since}`}`
            const path = `structured-data/watch/${dataId}?${query}`
            try {
              const response = await this.request('GET', path, {
                auth: true,
                signal,
                timeoutMs: this.watchWaitMs + this.requestTimeoutMs,
                answerErrors: true,
              })
              if (!response.ok) {
                if (this.pushRead === undefined && isUnofferedExtension(response)) {
                  this.pushRead = false
                  throw new SignalingError('ERR_STORE_REJECTED', `${this.base} offers no push read: polling instead.`)
                }
                throw await responseError('GET', path, response)
              }
              this.pushRead = true
              const answer = (await response.json()) as { revision: number; data: string | null }
              failures = 0
              if (answer.revision !== since) {
                since = answer.revision
                subscriber.next(answer.data)
              }
            } catch (error) {
              if (signal.aborted || !isTransientError(error)) throw error
              failures++
              await sleep(Math.min(RETRY_BASE_DELAY_MS * 2 ** failures, MAX_WATCH_BACKOFF_MS), signal)
              // The server may have restarted and forgotten the handle: take a new one.
              dataId = await this.dataIdHandle(address, signal)
            }
          }
        } finally {
          this.drop(`data-id/${dataId}`)
        }
      }
      run().catch((error: unknown) => {
        if (!signal.aborted) subscriber.error(error)
      })
      return () => stop.abort()
    })
  }

  private async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(method, path, options)
    try {
      return (await response.json()) as T
    } catch (error) {
      throw new SignalingError('ERR_STORE_UNAVAILABLE', `The store answered ${method} ${path} with something that is not JSON: is ${this.base} a SAFE Launcher API?`, { cause: error })
    }
  }

  /** One request; retries once with a fresh token on a `401`. Failures become {@link SignalingError}s. */
  private async request(method: string, path: string, options: RequestOptions = {}, retried = false): Promise<Response> {
    this.checkOpen()
    const headers: Record<string, string> = { ...options.headers }
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    if (options.auth === true) headers['authorization'] = `Bearer ${await this.authorise()}`
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.requestTimeoutMs)
    const signal = AbortSignal.any([timeout, this.closing.signal, ...(options.signal === undefined ? [] : [options.signal])])
    let response: Response
    try {
      response = await this.fetch(this.base + path, {
        method,
        headers,
        signal,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      })
    } catch (error) {
      if (this.closed) throw new SignalingError('ERR_STORE_CLOSED')
      const reason = timeout.aborted ? `no answer within ${options.timeoutMs ?? this.requestTimeoutMs} ms` : errorText(error)
      throw new SignalingError('ERR_STORE_UNAVAILABLE', `The SAFE Launcher API at ${this.base} did not answer ${method} ${path} (${reason}): check that it is running, then retry.`, { cause: error })
    }
    if (response.ok) return response
    if (response.status === 401 && options.auth === true && !retried) {
      await response.body?.cancel()
      this.token = null
      return this.request(method, path, options, true)
    }
    if (options.answerErrors === true) return response
    throw await responseError(method, path, response)
  }

  /** The token, authorising once (concurrent callers share one request). */
  private authorise(): Promise<string> {
    if (this.token === null) {
      const token = this.json<{ token: string }>('POST', 'auth', {
        body: { app: this.app, permissions: ['LOW_LEVEL_API'] },
      }).then(({ token: value }) => value)
      this.token = token
      token.catch(() => {
        if (this.token === token) this.token = null
      })
    }
    return this.token
  }

  /**
   * Drops a handle without holding up the caller (a request less on every
   * call's critical path); a failure only leaves it for the server to forget.
   */
  private drop(path: string): void {
    const done = this.request('DELETE', path, { auth: true }).then(
      (response) => void response.body?.cancel(),
      () => {
        // Best effort: the server bounds the handles a token may hold.
      },
    )
    this.drops.add(done)
    void done.finally(() => this.drops.delete(done))
  }

  private checkWrite(address: string, data: string, options?: StoreWriteOptions): number {
    this.checkOpen()
    return checkWrite(address, data, options)
  }

  private checkOpen(): void {
    if (this.closed) throw new SignalingError('ERR_STORE_CLOSED')
  }
}

/** The structured-data name of an address: sha256 of its UTF-8 bytes, base64, as the Launcher's reference client did. */
export async function nameOf(address: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(address))
  return bytesToBase64(new Uint8Array(digest))
}

function ttlHeader(ttlMs: number): Record<string, string> {
  return { 'x-signalbox-ttl-ms': String(Math.round(ttlMs)) }
}

function normaliseUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError('not http(s)')
    return parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`
  } catch {
    throw new SignalingError('ERR_INVALID_OPTION', `Invalid url ${JSON.stringify(url)}: use the API's http(s) address, such as ${DEFAULT_LAUNCHER_URL}`)
  }
}

async function responseError(method: string, path: string, response: Response): Promise<SignalingError> {
  let body: LauncherErrorBody = {}
  try {
    body = (await response.json()) as LauncherErrorBody
  } catch {
    // A bare status (as for an unknown token) has no body.
  }
  const errorCode = typeof body.errorCode === 'number' ? body.errorCode : undefined
  const description = typeof body.description === 'string' ? body.description : response.statusText
  const detail = `${method} ${path} answered ${response.status}${errorCode === undefined ? '' : ` (errorCode ${errorCode})`}: ${description}`
  const code: SignalingErrorCode =
    response.status >= 500 || response.status === 429 || response.status === 408
      ? 'ERR_STORE_UNAVAILABLE'
      : ((errorCode === undefined ? undefined : LAUNCHER_TO_SIGNALING[errorCode]) ?? 'ERR_STORE_REJECTED')
  return new SignalingError(code, `The SAFE Launcher API refused the request: ${detail}`)
}

/**
 * Whether an error answer to one of our extensions means the server does not
 * offer it: any 4xx but a push-read limit (429) — a Launcher has no such
 * endpoint (404), or its `structured-data/:handleId` route took the name for a handle (-1513).
 */
function isUnofferedExtension(response: Response): boolean {
  return response.status >= 400 && response.status < 500 && response.status !== 429 && response.status !== 401
}

function errorText(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause
  if (typeof cause?.code === 'string') return cause.code
  return error instanceof Error ? error.message : String(error)
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    }, { once: true })
  })
}
