/**
 * The contract of where tokens live: {@link SessionStore}. The memory server
 * keeps them in this process (`SessionRegistry`, sessions.ts), answering at
 * once; with `redisUrl` they live in Redis (`RedisSessionStore`,
 * redis-sessions.ts, loaded only then), so that any instance answers any
 * request. The routes work with both through this contract.
 *
 * @module
 */
import type { LauncherApp } from '../launcher/api.js'
import type { Handles, MaybePromise } from './handles.js'

/** One authorised app: its token, permissions, owner identity and handles. */
export interface Session {
  token: string
  app: LauncherApp
  permissions: string[]
  /** The owner of the records this session creates. */
  owner: string
  handles: Handles
  /** The address it was granted to (its share of the tokens one address may hold). */
  address: string
}

/** What `/health` reports of the sessions; null where the store cannot count it cheaply (Redis). */
export interface SessionCounts {
  /** Valid tokens. */
  tokens: number
  /** Open handles, everyone together. */
  handles: number | null
  /** Bytes of handles held, everyone together. */
  handleBytes: number | null
}

/** Where the tokens and their handles live: see the module's description. */
export interface SessionStore {
  /** Handles of requests that carry no token (public reads). */
  readonly anonymous: Handles
  /** Starts a session for `app` owned by `owner`, granted to `address`; 429 when the table, or the address's share, is full. */
  open(app: LauncherApp, permissions: string[], owner: string, address: string): MaybePromise<Session>
  /** The session of `token`, marked as just used; undefined when unknown, revoked or idle past its time. */
  find(token: string): MaybePromise<Session | undefined>
  /** Revokes `token`, dropping its handles; whether it was valid. */
  revoke(token: string): MaybePromise<boolean>
  /** The address the token of `owner` was granted to, where this instance knows it; undefined once revoked (or unknown here). */
  addressOf(owner: string): string | undefined
  /** What `/health` reports. */
  counts(): MaybePromise<SessionCounts>
  /** Stops timers and connections. The memory store revokes every token; Redis keeps them for the other instances. */
  close(): MaybePromise<void>
}

/** Whether `value` is a promise (a Redis answer) rather than a value the memory store gave at once. */
export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}
