/**
 * The client side of our socket extension (launcher/socket.ts): a `fetch`
 * that carries the store's requests over one WebSocket where the server
 * offers it, and over HTTP where it does not. `LauncherClient` uses it as it
 * uses any fetch, so timeouts, body limits, retries and errors stay as they
 * are. The socket opens when the transport is made (a page opens it at load);
 * requests made while it opens go over HTTP rather than wait for it (at 50 ms
 * to the server, a first read then costs one round trip, not two). A socket
 * that closes fails the requests in flight (as a dropped connection would),
 * and the next request opens another.
 *
 * @module
 */
import * as v from 'valibot'
import { SOCKET_REQUEST_HEADERS, SOCKET_ROUTE, socketAnswerSchema, type SocketRequest } from '../../launcher/socket.js'

/** How long opening the socket may take before requests go over HTTP instead, in ms. */
export const SOCKET_OPEN_TIMEOUT_MS = 3_000
/** After a socket that had opened once fails to open again, requests go over HTTP for this long before another try, in ms. */
export const SOCKET_RETRY_MS = 5_000

/** The part of the standard WebSocket the transport uses: the browser's, Node 22's, or the `ws` package's. */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: object) => void): void
}

/** A WebSocket constructor (`globalThis.WebSocket`, or `WebSocket` from the `ws` package in Node 20). */
export type WebSocketConstructor = new (url: string) => WebSocketLike

/** The standard `WebSocket.OPEN` ready state. */
const OPEN = 1
/** Statuses whose answer has no body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304])
const FORWARDED = new Set<string>(SOCKET_REQUEST_HEADERS)

interface Pending {
  resolve(response: Response): void
  reject(error: unknown): void
}

/** What {@link SocketTransport} needs. */
export interface SocketTransportOptions {
  /** The API's base URL, ending in `/`. */
  base: string
  WebSocket: WebSocketConstructor
  /** For requests that do not go over the socket. */
  fetch: typeof fetch
  /** Default {@link SOCKET_OPEN_TIMEOUT_MS}. */
  openTimeoutMs?: number
}

/** One participant's socket to `signalbox serve`, behind a fetch (see the module's description). */
export class SocketTransport {
  private socket: Promise<OpenSocket | null> | null = null
  /** The socket once open, until it closes. */
  private current: OpenSocket | null = null
  private everOpened = false
  /** No socket until this time (Date.now(), ms): after a failed reopening; for ever once the server refused the first, or once closed. */
  private noSocketUntil = 0
  /** Counts sockets opened: a late event of an older one changes nothing. */
  private generation = 0

  /** @param options - see {@link SocketTransportOptions} */
  constructor(private readonly options: SocketTransportOptions) {
    void this.connect()
  }

  /** A fetch: over the socket when it is open, over HTTP otherwise (opening one for the next requests). */
  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = String(input)
    const headers = init.headers as Record<string, string> | undefined
    const carried = url.startsWith(this.options.base) && (init.body === undefined || typeof init.body === 'string')
    if (!carried || Object.keys(headers ?? {}).some((name) => !FORWARDED.has(name.toLowerCase()))) return this.options.fetch(input, init)
    const socket = this.current
    // Opening, or closing (its close event not yet handled): over HTTP, rather than wait or fail.
    if (socket === null || !socket.isOpen) {
      void this.connect()
      return this.options.fetch(input, init)
    }
    const frame: SocketRequest = { id: 0, method: (init.method ?? 'GET').toUpperCase() as SocketRequest['method'], path: url.slice(this.options.base.length) }
    if (headers !== undefined) frame.headers = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])) as SocketRequest['headers']
    if (init.body !== undefined && init.body !== null) frame.body = init.body as string
    return socket.request(frame, init.signal ?? undefined)
  }

  /** Resolves true once a socket is open (opening one if none is), false when requests go over HTTP instead. */
  async opened(): Promise<boolean> {
    return (await this.connect()) !== null
  }

  /** Closes the socket (requests in flight fail); later requests go over HTTP. */
  close(): void {
    this.noSocketUntil = Number.POSITIVE_INFINITY
    this.generation++
    const socket = this.socket
    this.socket = null
    this.current = null
    void socket?.then((open) => open?.close())
  }

  /** The open socket, opening one when there is none; null while requests go over HTTP. */
  private connect(): Promise<OpenSocket | null> {
    if (Date.now() < this.noSocketUntil) return Promise.resolve(null)
    this.socket ??= this.open(++this.generation)
    return this.socket
  }

  private open(generation: number): Promise<OpenSocket | null> {
    const current = (): boolean => this.generation === generation
    return new Promise((resolve) => {
      let socket: WebSocketLike
      try {
        socket = new this.options.WebSocket(socketUrl(this.options.base))
      } catch {
        this.noSocketUntil = Number.POSITIVE_INFINITY
        resolve(null)
        return
      }
      let settled = false
      const failed = (): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (current()) this.socket = null
        // A server that never took a socket has no such extension (a Launcher): HTTP from now on.
        this.noSocketUntil = this.everOpened ? Date.now() + SOCKET_RETRY_MS : Number.POSITIVE_INFINITY
        socket.close()
        resolve(null)
      }
      const timer = setTimeout(failed, this.options.openTimeoutMs ?? SOCKET_OPEN_TIMEOUT_MS)
      socket.addEventListener('error', failed)
      socket.addEventListener('close', failed)
      socket.addEventListener('open', () => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (!current()) {
          // Closed while it opened.
          socket.close()
          resolve(null)
          return
        }
        this.everOpened = true
        const open = new OpenSocket(socket, () => {
          if (!current()) return
          this.socket = null
          this.current = null
        })
        this.current = open
        resolve(open)
      })
    })
  }
}

/** An open socket: requests by id, their answers, and their failure when it closes. */
class OpenSocket {
  private readonly pending = new Map<number, Pending>()
  private nextId = 1

  constructor(
    private readonly socket: WebSocketLike,
    onClosed: () => void,
  ) {
    socket.addEventListener('message', (event) => this.answer((event as { data?: unknown }).data))
    socket.addEventListener('close', () => {
      onClosed()
      this.failAll(new TypeError('The socket to the server closed'))
    })
  }

  /** Whether requests can be sent (its close not begun). */
  get isOpen(): boolean {
    return this.socket.readyState === OPEN
  }

  request(frame: SocketRequest, signal: AbortSignal | undefined): Promise<Response> {
    const id = this.nextId++
    return new Promise<Response>((resolve, reject) => {
      // As fetch: an aborted signal rejects with its reason, sending nothing.
      if (signal?.aborted) return reject(signal.reason)
      if (!this.isOpen) return reject(new TypeError('The socket to the server is closed'))
      const onAbort = (): void => {
        if (!this.pending.delete(id)) return
        if (this.isOpen) this.socket.send(JSON.stringify({ id, cancel: true }))
        reject(signal!.reason)
      }
      const done = (): void => signal?.removeEventListener('abort', onAbort)
      this.pending.set(id, {
        resolve: (response) => (done(), resolve(response)),
        reject: (error) => (done(), reject(error)),
      })
      signal?.addEventListener('abort', onAbort, { once: true })
      this.socket.send(JSON.stringify({ ...frame, id }))
    })
  }

  close(): void {
    this.failAll(new TypeError('The socket to the server was closed'))
    this.socket.close()
  }

  private answer(data: unknown): void {
    let parsed: v.SafeParseResult<typeof socketAnswerSchema> | undefined
    try {
      parsed = typeof data === 'string' ? v.safeParse(socketAnswerSchema, JSON.parse(data)) : undefined
    } catch {
      parsed = undefined
    }
    if (parsed?.success !== true) {
      // Not our server's answer: nothing on this socket can be trusted.
      this.close()
      return
    }
    const { id, status, contentType, body } = parsed.output
    const pending = this.pending.get(id)
    if (pending === undefined) return
    this.pending.delete(id)
    pending.resolve(new Response(NULL_BODY_STATUSES.has(status) ? null : body, { status, headers: contentType === undefined ? {} : { 'content-type': contentType } }))
  }

  private failAll(error: Error): void {
    const pending = [...this.pending.values()]
    this.pending.clear()
    for (const request of pending) request.reject(error)
  }
}

/** The socket's URL: the API's base with ws(s) for http(s), and the socket route. */
export function socketUrl(base: string): string {
  const url = new URL(SOCKET_ROUTE, base)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.href
}

/**
 * The fetch a store's client uses: over a {@link SocketTransport} when a
 * WebSocket constructor is given (or, when `webSocket` is undefined, when the
 * platform has a global one), plain `fetch` otherwise.
 */
export function storeTransport(base: string, webSocket: WebSocketConstructor | false | undefined, fetch: typeof globalThis.fetch): { fetch: typeof globalThis.fetch; socket?: SocketTransport } {
  const WebSocket = webSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
  if (WebSocket === undefined || WebSocket === false) return { fetch }
  const socket = new SocketTransport({ base, WebSocket, fetch })
  return { fetch: socket.fetch, socket }
}
