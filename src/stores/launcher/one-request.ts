/**
 * `SafeLauncherStore`'s use of `signalbox serve`'s one-request extensions
 * (docs/server.md): the read, the writes (`create-and-save`,
 * `update-and-save`) and the removal (`remove-by-name`), each one request
 * instead of the Launcher's handle flow. Each answers undefined where the
 * server does not offer it (a Launcher), which is then remembered, and the
 * store takes the Launcher's flow.
 *
 * @module
 */
import { LAUNCHER_ROUTES, launcherPath, TTL_HEADER } from '../../launcher/api.js'
import { bytesToBase64 } from '../../protocol/base64.js'
import { responseError, type LauncherClient } from './client.js'
import { nameOf } from './handles.js'
import { isUnofferedExtension } from './watch.js'

/** The header that gives a written record its lifetime, in ms. */
export function ttlHeader(ttlMs: number): Record<string, string> {
  return { [TTL_HEADER]: String(Math.round(ttlMs)) }
}

/** What a one-request write answers. */
export interface DirectWriteAnswer {
  created?: boolean
  updated?: boolean
  removed?: boolean
  data?: unknown
}

/** The one-request extensions of one server: offered or not, learnt from the first answer of each. */
export class OneRequestCalls {
  /** Whether the server offers the one-request read: unknown until first tried. */
  private readOffered: boolean | undefined = undefined
  /** Whether it offers the one-request writes and removal: unknown until first tried. */
  private writeOffered: boolean | undefined = undefined

  /**
   * @param client - the store's client
   * @param typeTag - the records' structured-data type tag
   */
  constructor(
    private readonly client: LauncherClient,
    private readonly typeTag: number,
  ) {}

  /** The data at `address`, null when absent, or undefined when the server has no one-request read. */
  async readData(address: string, signal: AbortSignal | undefined): Promise<string | null | undefined> {
    if (this.readOffered === false) return undefined
    const query = new URLSearchParams({ name: nameOf(address), typeTag: String(this.typeTag) })
    const path = launcherPath(LAUNCHER_ROUTES.read, {}, query)
    // A public read: it goes at once, with the token only if it is already here (a join's first read never waits for auth).
    const response = await this.client.request('GET', path, { auth: 'ifReady', answerErrors: true, signal })
    if (response.ok) {
      this.readOffered = true
      return bytesToBase64(new Uint8Array(await response.arrayBuffer()))
    }
    const error = await responseError('GET', path, response)
    if (error.code === 'ERR_NOT_FOUND') {
      this.readOffered = true
      return null
    }
    if (this.readOffered !== true && isUnofferedExtension(response)) {
      // A Launcher: no such endpoint (or its structured-data/:handleId route took "read" for a handle).
      this.readOffered = false
      return undefined
    }
    throw error
  }

  /**
   * A one-request write (or removal, without `data`): the server's answer, or
   * undefined when it does not offer them. Refusals (`ERR_NOT_FOUND`,
   * `ERR_NOT_OWNER`, …) reject as the Launcher flow's do.
   */
  async write(
    route: 'createAndSave' | 'updateAndSave' | 'removeByName',
    address: string,
    data: { data: string; ttlMs: number } | null,
    signal: AbortSignal | undefined,
  ): Promise<DirectWriteAnswer | undefined> {
    if (this.writeOffered === false) return undefined
    const path = LAUNCHER_ROUTES[route]
    const name = nameOf(address)
    const body = data === null ? { name, typeTag: this.typeTag } : { name, typeTag: this.typeTag, cipherOpts: null, data: data.data }
    const headers = data === null ? {} : ttlHeader(data.ttlMs)
    const response = await this.client.request('POST', path, { auth: true, body, headers, answerErrors: true, signal })
    if (response.ok) {
      this.writeOffered = true
      return (await response.json()) as DirectWriteAnswer
    }
    const error = await responseError('POST', path, response)
    // A definite answer of our route (the record is missing, or not ours): the extension is there.
    if (error.code === 'ERR_NOT_FOUND' || error.code === 'ERR_NOT_OWNER') this.writeOffered = true
    else if (this.writeOffered !== true && isUnofferedExtension(response)) {
      // A Launcher: no such route (its structured-data/:handleId route took the name for a handle).
      this.writeOffered = false
      return undefined
    }
    throw error
  }
}
