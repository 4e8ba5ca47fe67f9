/**
 * The Launcher's handle protocol as `SafeLauncherStore` uses it: names are
 * sha256 of the address; a data-id handle names a record, a structured-data
 * handle holds its data; every handle taken is dropped, off the caller's
 * critical path.
 *
 * @module
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { SignalingError } from '../../errors.js'
import { LAUNCHER_ROUTES, launcherPath } from '../../launcher/api.js'
import { bytesToBase64 } from '../../protocol/base64.js'
import type { LauncherClient } from './client.js'

const encoder = new TextEncoder()

/** Names kept by {@link nameOf}, at most; the cache starts afresh past it. */
const MAX_CACHED_NAMES = 1024
const names = new Map<string, string>()

/**
 * The structured-data name of an address: sha256 of its UTF-8 bytes, base64, as
 * the Launcher's reference client did. Synchronous, in plain JavaScript: no
 * WebCrypto, which a browser offers only in secure contexts (a page opened at
 * `http://192.168.1.20:8100` from another machine has none), and no round to
 * WebCrypto's thread before each request. Kept per address: a call asks for the
 * same few addresses many times, and a page hashes too rarely for the
 * JavaScript engine to compile the hash (a fraction of a millisecond each time).
 */
export function nameOf(address: string): string {
  let name = names.get(address)
  if (name === undefined) {
    if (names.size >= MAX_CACHED_NAMES) names.clear()
    name = bytesToBase64(sha256(encoder.encode(address)))
    names.set(address, name)
  }
  return name
}

/** Which kind of handle to drop. */
export type HandleKind = 'dataId' | 'structuredData'

/**
 * The handles of one participant over one client: taking them, and dropping
 * them without holding up the caller (a request less on every call's critical
 * path); a failed drop only leaves the handle for the server to forget.
 */
export class LauncherHandles {
  /** Drops under way: nobody waits for them, but {@link LauncherHandles.settle} does. */
  private readonly drops = new Set<Promise<void>>()

  /**
   * @param client - the participant's client
   * @param typeTag - the type tag of every record
   */
  constructor(
    private readonly client: LauncherClient,
    private readonly typeTag: number,
  ) {}

  /** A data-id handle naming the record at `address`, whether or not it exists. */
  private async dataId(address: string, signal?: AbortSignal): Promise<number> {
    const { handleId } = await this.client.json<{ handleId: number }>('POST', LAUNCHER_ROUTES.dataId, {
      auth: true,
      body: { name: nameOf(address), typeTag: this.typeTag },
      signal,
    })
    return handleId
  }

  /** A structured-data handle for the record at `address`, or null when there is none. Drops the data-id handle. */
  async structuredData(address: string, signal?: AbortSignal): Promise<number | null> {
    const dataId = await this.dataId(address, signal)
    try {
      const path = launcherPath(LAUNCHER_ROUTES.structuredDataFromDataId, { dataIdHandle: dataId })
      const { handleId } = await this.client.json<{ handleId: number }>('GET', path, { auth: true, signal })
      return handleId
    } catch (error) {
      if (error instanceof SignalingError && error.code === 'ERR_NOT_FOUND') return null
      throw error
    } finally {
      this.drop('dataId', dataId)
    }
  }

  /** A new, not yet saved structured-data handle holding `data` at `address`. */
  async create(address: string, data: string, signal?: AbortSignal): Promise<number> {
    const { handleId } = await this.client.json<{ handleId: number }>('POST', LAUNCHER_ROUTES.structuredData, {
      auth: true,
      body: { name: nameOf(address), typeTag: this.typeTag, cipherOpts: null, data },
      signal,
    })
    return handleId
  }

  /** Drops a handle in the background. */
  drop(kind: HandleKind, handleId: number): void {
    const route = kind === 'dataId' ? LAUNCHER_ROUTES.dataIdHandle : LAUNCHER_ROUTES.dropStructuredData
    const done = this.client.request('DELETE', launcherPath(route, { handleId }), { auth: true }).then(
      (response) => void response.body?.cancel(),
      () => {
        // Best effort: the server bounds the handles a token may hold.
      },
    )
    this.drops.add(done)
    void done.finally(() => this.drops.delete(done))
  }

  /** Waits for the drops under way. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.drops])
  }
}
