/**
 * `SafeLauncherStore`: the store contract over the SAFE Launcher REST API 0.5,
 * as the seed app used it (and as `signalbox serve` answers it).
 *
 * - authorises when made (off the first call's critical path), reuses the token, and authorises again on a `401` (client.ts),
 *   its requests over one WebSocket where the server offers it (socket-fetch.ts);
 * - create = `POST structured-data` + `PUT`; read = data id + handle + `GET`;
 *   update = data id + handle + `PATCH` + `POST`; each one request where the
 *   server offers our extensions (`structured-data/read`, `create-and-save`,
 *   `update-and-save`), and a lost create then answers the record that won; remove = `DELETE`; every handle taken is dropped,
 *   off the caller's critical path (handles.ts);
 * - uses the server's push read (our extension) where offered, and the poll otherwise (watch.ts);
 * - every call honours its `signal`, together with the request timeout.
 *
 * @module
 */
import type { Observable } from 'rxjs'
import { SignalingError } from '../../errors.js'
import { DEFAULT_LAUNCHER_URL, LAUNCHER_ROUTES, launcherPath, UNVERSIONED_TYPE_TAG, WATCH_WAIT_MS, type LauncherApp } from '../../launcher/api.js'
import { bytesToBase64 } from '../../protocol/base64.js'
import { DEFAULT_APP_ID } from '../../protocol/addresses.js'
import { checkMs } from '../../validate.js'
import { checkAddress, checkCallOptions, checkWrite, type SignalStore, type StoreCallOptions, type StoreWatchOptions, type StoreWriteOptions } from '../store.js'
import { LauncherClient, normaliseUrl, REQUEST_TIMEOUT_MS } from './client.js'
import { LauncherHandles } from './handles.js'
import { storeTransport, type SocketTransport, type WebSocketConstructor } from './socket-fetch.js'
import { OneRequestCalls, ttlHeader } from './one-request.js'
import { watchRecord } from './watch.js'

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
  /** Ask for the token when the store is made (default), not at its first call. */
  authoriseNow?: boolean
  /** The fetch to use; the global one by default. */
  fetch?: typeof fetch
  /** Requests over one WebSocket where the server offers it (docs/server.md): the platform's `WebSocket` by default (browsers, Node 22), one such as `ws`'s, or `false` for HTTP only. */
  webSocket?: WebSocketConstructor | false
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
  readonly watch?: (address: string, options?: StoreWatchOptions) => Observable<string | null>
  private readonly client: LauncherClient
  private readonly socket: SocketTransport | undefined
  private readonly handles: LauncherHandles
  private readonly typeTag: number
  private closed = false
  private readonly direct: OneRequestCalls

  /** @param options - see {@link SafeLauncherStoreOptions} */
  constructor(options: SafeLauncherStoreOptions = {}) {
    const requestTimeoutMs = checkMs('requestTimeoutMs', options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS)
    const waitMs = checkMs('watchWaitMs', options.watchWaitMs ?? WATCH_WAIT_MS)
    const base = normaliseUrl(options.url ?? DEFAULT_LAUNCHER_URL)
    const transport = storeTransport(base, options.webSocket, options.fetch ?? ((input, init) => globalThis.fetch(input, init)))
    this.socket = transport.socket
    const app = { name: 'signalbox', id: DEFAULT_APP_ID, version: '1.0', vendor: 'signalbox', ...options.app }
    this.client = new LauncherClient({ base, app, requestTimeoutMs, fetch: transport.fetch })
    // The token is asked for now, off the critical path of the first read (a page gets it at load).
    if (options.authoriseNow !== false) this.client.prepare()
    this.typeTag = options.typeTag ?? UNVERSIONED_TYPE_TAG
    this.handles = new LauncherHandles(this.client, this.typeTag)
    this.direct = new OneRequestCalls(this.client, this.typeTag)
    if (options.watch !== false) {
      const watchOptions = { client: this.client, typeTag: this.typeTag, waitMs, requestTimeoutMs, offered: { value: undefined as boolean | undefined } }
      this.watch = (address, options) => watchRecord(address, { ...watchOptions, waitForRecord: options?.waitForRecord === true })
    }
  }

  async create(address: string, data: string, options?: StoreWriteOptions): Promise<void> {
    const existing = await this.createOrRead(address, data, options)
    if (existing !== null) throw new SignalingError('ERR_EXISTS', `A record already exists at ${address}: read it, or wait for it to be removed or to expire.`)
  }

  /** {@link SignalStore.createOrRead}: one request where the server offers our extension (the winner's data in a lost create's answer); else `POST` + `PUT`, and `ERR_EXISTS` when lost. */
  async createOrRead(address: string, data: string, options?: StoreWriteOptions): Promise<string | null> {
    this.checkOpen()
    const ttlMs = checkWrite(address, data, options)
    const signal = options?.signal
    const answer = await this.direct.write('createAndSave', address, { data, ttlMs }, signal)
    if (answer !== undefined) {
      if (answer.created !== false) return null
      if (typeof answer.data === 'string') return answer.data
      throw new SignalingError('ERR_EXISTS', `A record already exists at ${address}: read it, or wait for it to be removed or to expire.`)
    }
    await this.createInTwoSteps(address, data, ttlMs, signal)
    return null
  }

  /** The Launcher's create: a handle holding the data (`POST structured-data`), then its save (`PUT`). */
  private async createInTwoSteps(address: string, data: string, ttlMs: number, signal: AbortSignal | undefined): Promise<void> {
    const handleId = await this.handles.create(address, data, signal)
    try {
      await this.client.request('PUT', launcherPath(LAUNCHER_ROUTES.structuredDataItem, { handleId }), { auth: true, headers: ttlHeader(ttlMs), signal })
    } finally {
      this.handles.drop('structuredData', handleId)
    }
  }

  async update(address: string, data: string, options?: StoreWriteOptions): Promise<void> {
    this.checkOpen()
    const ttlMs = checkWrite(address, data, options)
    const signal = options?.signal
    if ((await this.direct.write('updateAndSave', address, { data, ttlMs }, signal)) !== undefined) return
    const handleId = await this.handles.structuredData(address, signal)
    if (handleId === null) throw new SignalingError('ERR_NOT_FOUND', `No record exists at ${address} to update: create it first.`)
    const path = launcherPath(LAUNCHER_ROUTES.structuredDataItem, { handleId })
    try {
      await this.client.request('PATCH', path, { auth: true, body: { data, cipherOpts: null }, signal })
      await this.client.request('POST', path, { auth: true, headers: ttlHeader(ttlMs), signal })
    } finally {
      this.handles.drop('structuredData', handleId)
    }
  }

  async read(address: string, options?: StoreCallOptions): Promise<string | null> {
    this.checkOpen(address, options)
    const signal = options?.signal
    const data = await this.direct.readData(address, signal)
    if (data !== undefined) return data
    const handleId = await this.handles.structuredData(address, signal)
    if (handleId === null) return null
    try {
      const response = await this.client.request('GET', launcherPath(LAUNCHER_ROUTES.structuredDataRead, { handleId }), { auth: true, signal })
      return bytesToBase64(new Uint8Array(await response.arrayBuffer()))
    } finally {
      this.handles.drop('structuredData', handleId)
    }
  }

  async remove(address: string, options?: StoreCallOptions): Promise<void> {
    this.checkOpen(address, options)
    const signal = options?.signal
    // Ours in one request (absent is fine), the Launcher's handle flow elsewhere.
    if ((await this.direct.write('removeByName', address, null, signal)) !== undefined) return
    const handleId = await this.handles.structuredData(address, signal)
    if (handleId === null) return
    try {
      await this.client.request('DELETE', launcherPath(LAUNCHER_ROUTES.structuredDataItem, { handleId }), { auth: true, signal })
    } catch (error) {
      // Removed by its expiry or a retried call in the meantime: removing nothing is fine.
      if (!(error instanceof SignalingError && error.code === 'ERR_NOT_FOUND')) throw error
    } finally {
      this.handles.drop('structuredData', handleId)
    }
  }

  /** Lets handle drops finish, revokes the token, and stops every request and push read; later calls fail with `ERR_STORE_CLOSED`. */
  async close(): Promise<void> {
    if (this.closed) return
    await this.handles.settle()
    this.closed = true
    await this.client.close()
    this.socket?.close()
  }

  /** Throws `ERR_STORE_CLOSED` once closed, then checks `address` and the call's options (store.ts). */
  private checkOpen(address?: string, options?: StoreCallOptions): void {
    if (this.closed) throw new SignalingError('ERR_STORE_CLOSED')
    if (address !== undefined) checkAddress(address)
    checkCallOptions(options)
  }
}

