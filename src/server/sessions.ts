/**
 * Tokens and handles of the Launcher API. A token (from `POST auth`) is one
 * app session and one owner of records; handles are numbers a session gets for
 * data ids, structured data and cipher options, valid for it until dropped or
 * forgotten as its least recently used. Both are bounded so that no client can exhaust the server's memory.
 *
 * @module
 */
import { LRUCache } from 'lru-cache'
import type { LauncherApp } from '../launcher/api.js'
import { LAUNCHER_CODES, launcherError, type LauncherError } from '../launcher/errors.js'

/** A handle to a data identifier: a name and type tag, whether or not data exists there. */
export interface DataIdHandle {
  kind: 'dataId'
  name: string
  typeTag: number
}

/** A handle to a structured data: a local copy, saved with PUT or POST. */
export interface StructuredDataHandle {
  kind: 'structuredData'
  name: string
  typeTag: number
  /** The data, base64 (the bytes the client sent or the network holds). */
  data: string
  /** The version the network holds (0 until updated). */
  version: number
  /** The owner of the data on the network, if it is there. */
  owner: string | null
}

/** A handle to cipher options; only plain (no encryption) is offered. */
export interface CipherOptsHandle {
  kind: 'cipherOpts'
  encryption: 'PLAIN'
}

/** Anything a handle id can stand for. */
export type Handle = DataIdHandle | StructuredDataHandle | CipherOptsHandle

/** Default number of handles one token holds; past it its least recently used handle is forgotten. */
export const MAX_HANDLES_PER_TOKEN = 1_000
/** Default number of handles shared by requests without a token; the least recently used go first. */
export const MAX_ANONYMOUS_HANDLES = 10_000
/** Default number of tokens held; past it the least recently used token is forgotten (its client authorises again). */
export const MAX_TOKENS = 10_000

/** Bits of a handle id: numbers, as the Launcher's were, random so that nobody guesses another's. */
const HANDLE_ID_BITS_HIGH = 0x1fffff

function randomHandleId(): number {
  const [high, low] = crypto.getRandomValues(new Uint32Array(2)) as unknown as [number, number]
  return (high & HANDLE_ID_BITS_HIGH) * 2 ** 32 + low || 1
}

/**
 * The handles of one session, in a least-recently-used cache: a full table
 * forgets its least recently used handle to make room, never refuses. A client
 * that never drops its handles (the seed app's reads and writes leak one each)
 * keeps working, and memory stays bounded; a forgotten handle answers as an
 * unknown one (-1513, -1514, -1517).
 */
export class HandleTable {
  private readonly handles: LRUCache<number, Handle>

  /** @param capacity - most handles held at once */
  constructor(capacity: number) {
    this.handles = new LRUCache({ max: capacity })
  }

  /** How many handles are open. */
  get size(): number {
    return this.handles.size
  }

  /** Stores `handle` and returns its new id, forgetting the least recently used handle when full. */
  add(handle: Handle): number {
    let id = randomHandleId()
    while (this.handles.has(id)) id = randomHandleId()
    this.handles.set(id, handle)
    return id
  }

  /** The handle with `id` when it is of `kind` (marked as just used); a Launcher error naming the kind otherwise. */
  get<K extends Handle['kind']>(id: number, kind: K): Extract<Handle, { kind: K }> {
    const handle = this.handles.get(id)
    if (handle === undefined || handle.kind !== kind) throw invalidHandle(kind)
    return handle as Extract<Handle, { kind: K }>
  }

  /** Drops the handle `id` of `kind`; a Launcher error when there is none. */
  drop(id: number, kind: Handle['kind']): void {
    this.get(id, kind)
    this.handles.delete(id)
  }
}

function invalidHandle(kind: Handle['kind']): LauncherError {
  if (kind === 'dataId') return launcherError(LAUNCHER_CODES.INVALID_DATA_ID_HANDLE)
  if (kind === 'cipherOpts') return launcherError(LAUNCHER_CODES.INVALID_CIPHER_OPT_HANDLE)
  return launcherError(LAUNCHER_CODES.INVALID_STRUCT_DATA_HANDLE)
}

/** One authorised app: its token, permissions, owner identity and handles. */
export interface Session {
  token: string
  app: LauncherApp
  permissions: string[]
  /** The owner of the records this session creates. */
  owner: string
  handles: HandleTable
}

/** Options of {@link SessionRegistry}. */
export interface SessionLimits {
  /** See {@link MAX_HANDLES_PER_TOKEN}. */
  maxHandlesPerToken?: number
  /** See {@link MAX_ANONYMOUS_HANDLES}. */
  maxAnonymousHandles?: number
  /** See {@link MAX_TOKENS}. */
  maxTokens?: number
}

/** Every session, and the handle table of requests without a token. */
export class SessionRegistry {
  /** Handles of requests that carry no token (public reads). */
  readonly anonymous: HandleTable
  private readonly sessions: LRUCache<string, Session>
  private readonly maxHandlesPerToken: number
  private readonly maxTokens: number

  /** @param limits - see {@link SessionLimits} */
  constructor(limits: SessionLimits = {}) {
    this.maxHandlesPerToken = limits.maxHandlesPerToken ?? MAX_HANDLES_PER_TOKEN
    this.maxTokens = limits.maxTokens ?? MAX_TOKENS
    this.anonymous = new HandleTable(limits.maxAnonymousHandles ?? MAX_ANONYMOUS_HANDLES)
    this.sessions = new LRUCache({ max: this.maxTokens })
  }

  /** The token limit: a size for caches kept per token. */
  get maxTokensHint(): number {
    return this.maxTokens
  }

  /** How many tokens are valid. */
  get size(): number {
    return this.sessions.size
  }

  /** How many handles are open across all sessions. */
  get openHandles(): number {
    let count = this.anonymous.size
    for (const session of this.sessions.values()) count += session.handles.size
    return count
  }

  /** Starts a session for `app` owned by `owner`; forgets the least recently used one when full. */
  open(app: LauncherApp, permissions: string[], owner: string): Session {
    const bytes = crypto.getRandomValues(new Uint8Array(32))
    const token = Buffer.from(bytes).toString('base64url')
    const session: Session = { token, app, permissions, owner, handles: new HandleTable(this.maxHandlesPerToken) }
    this.sessions.set(token, session)
    return session
  }

  /** The session of `token`, marked as just used; undefined when unknown or revoked. */
  find(token: string): Session | undefined {
    return this.sessions.get(token)
  }

  /** Revokes `token`, dropping its handles. */
  revoke(token: string): boolean {
    return this.sessions.delete(token)
  }
}
