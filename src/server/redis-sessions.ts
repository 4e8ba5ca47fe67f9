/**
 * Tokens in Redis (`serve --redis`): any instance answers any request, and an
 * instance that restarts loses nobody's session. Loaded only when `redisUrl`
 * is given. Each operation is one Lua script, so one round trip and atomic:
 *
 * - `<prefix>session:<token>`: the session as JSON (app, permissions, owner,
 *   address), expiring after the token's idle time; every use renews it;
 * - `<prefix>tokens`: a sorted set, token → when it expires (the global token cap);
 * - `<prefix>address-tokens:<address>`: the same for one address (its share);
 * - `<prefix>address-new:<address>`: new tokens this minute (expires after it);
 * - the token's handles (redis-handles.ts), renewed and dropped with it.
 *
 * Nothing is cached: a token revoked on one instance is refused by every other
 * on its next request. Times are Redis's own clock (`TIME`), shared by every
 * instance. Keys are built in the scripts: one Redis (or a primary with
 * replicas), not Redis Cluster.
 *
 * @module
 */
import { Redis } from 'ioredis'
import type { LauncherApp } from '../launcher/api.js'
import { tooManyTokens } from '../launcher/errors.js'
import { DEFAULT_REDIS_PREFIX, REDIS_COMMAND_TIMEOUT_MS, redisCommand } from '../stores/redis.js'
import { defineHandleScripts, handleKeys, RedisHandleTable, type RedisHandleLimits } from './redis-handles.js'
import { OPEN_SCRIPT, FIND_SCRIPT, REVOKE_SCRIPT, COUNT_SCRIPT } from './redis-session-scripts.js'
import type { Session, SessionCounts, SessionStore } from './session-store.js'
import { ANONYMOUS_HANDLE_BYTES_FACTOR, MINUTE_MS, newToken, sessionLimits, type SessionLimits } from './sessions.js'

/** The name of the handle table of requests without a token (tokens are base64url, so no token is named so). */
const ANONYMOUS = '~anonymous'
/** Most owner → address pairs this instance remembers for the record budget (a session found here is remembered again). */
const MAX_REMEMBERED_OWNERS = 100_000

interface StoredSession {
  a: LauncherApp
  p: string[]
  o: string
  d: string
}

interface SessionScripts {
  signalboxSessionOpen(...args: [string, string, string, string, string, string, number, number, number, number, number]): Promise<string>
  signalboxSessionFind(...args: [string, string, string, string, string, string, number, string]): Promise<string | null>
  signalboxSessionRevoke(...args: [string, string, string, string, string, string, string]): Promise<number>
  signalboxSessionCount(...args: [string]): Promise<number>
}

/** Options of {@link RedisSessionStore}. */
export interface RedisSessionOptions extends SessionLimits {
  /** Where Redis listens, such as `redis://127.0.0.1:6379`. */
  url: string
  /** Prefix of every key. Default `signalbox:`, as the records'. */
  prefix?: string
}

/** Tokens and handles in Redis: the {@link SessionStore} of `serve --redis`; see the module's description. */
export class RedisSessionStore implements SessionStore {
  /** The connection, shared with the rate limiter (its counters are Redis's too). */
  readonly redis: Redis
  readonly anonymous: RedisHandleTable
  private readonly scripts: SessionScripts
  private readonly limits: Required<SessionLimits>
  private readonly prefix: string
  private readonly handleLimits: RedisHandleLimits
  private readonly owners = new Map<string, string>()

  /** @param options - see {@link RedisSessionOptions} */
  constructor(options: RedisSessionOptions) {
    this.limits = sessionLimits(options)
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX
    // Auto-pipelining: the lookups of concurrent requests share round trips.
    this.redis = new Redis(options.url, { maxRetriesPerRequest: 1, commandTimeout: REDIS_COMMAND_TIMEOUT_MS, enableAutoPipelining: true })
    // ioredis reports connection trouble as events too; commands fail with ERR_STORE_UNAVAILABLE meanwhile.
    this.redis.on('error', () => {})
    this.redis.defineCommand('signalboxSessionOpen', { numberOfKeys: 4, lua: OPEN_SCRIPT })
    this.redis.defineCommand('signalboxSessionFind', { numberOfKeys: 5, lua: FIND_SCRIPT })
    this.redis.defineCommand('signalboxSessionRevoke', { numberOfKeys: 5, lua: REVOKE_SCRIPT })
    this.redis.defineCommand('signalboxSessionCount', { numberOfKeys: 1, lua: COUNT_SCRIPT })
    defineHandleScripts(this.redis)
    this.scripts = this.redis as unknown as SessionScripts
    const { maxHandlesPerToken, handleBytesPerToken, maxAnonymousHandles, tokenIdleMs } = this.limits
    this.handleLimits = { capacity: maxHandlesPerToken, maxBytes: handleBytesPerToken, ttlMs: tokenIdleMs }
    const anonymousLimits = { capacity: maxAnonymousHandles, maxBytes: handleBytesPerToken * ANONYMOUS_HANDLE_BYTES_FACTOR, ttlMs: tokenIdleMs }
    this.anonymous = new RedisHandleTable(this.redis, handleKeys(this.prefix, ANONYMOUS), anonymousLimits, redisCommand)
  }

  async open(app: LauncherApp, permissions: string[], owner: string, address: string): Promise<Session> {
    const token = newToken()
    const stored: StoredSession = { a: app, p: permissions, o: owner, d: address }
    const { maxTokens, maxTokensPerAddress, newTokensPerAddressPerMinute, tokenIdleMs } = this.limits
    const keys = [this.key('session', token), this.key('tokens'), this.key('address-tokens', address), this.key('address-new', address)] as const
    const answer = await redisCommand(() =>
      this.scripts.signalboxSessionOpen(...keys, JSON.stringify(stored), token, tokenIdleMs, maxTokens, maxTokensPerAddress, newTokensPerAddressPerMinute, MINUTE_MS),
    )
    if (answer === 'FULL') throw tooManyTokens(`the server holds its limit of ${maxTokens} tokens`, tokenIdleMs)
    if (answer === 'ADDRESS_FULL') throw tooManyTokens(`your address holds its limit of ${maxTokensPerAddress} tokens`, tokenIdleMs)
    if (answer === 'ADDRESS_RATE') throw tooManyTokens(`your address got its ${newTokensPerAddressPerMinute} new tokens this minute`, MINUTE_MS)
    return this.sessionOf(token, stored)
  }

  async find(token: string): Promise<Session | undefined> {
    const value = await redisCommand(() =>
      this.scripts.signalboxSessionFind(this.key('session', token), this.key('tokens'), ...handleKeys(this.prefix, token), token, this.limits.tokenIdleMs, this.key('address-tokens', '')),
    )
    return value === null ? undefined : this.sessionOf(token, JSON.parse(value) as StoredSession)
  }

  async revoke(token: string): Promise<boolean> {
    const revoked = await redisCommand(() =>
      this.scripts.signalboxSessionRevoke(this.key('session', token), this.key('tokens'), ...handleKeys(this.prefix, token), token, this.key('address-tokens', '')),
    )
    return revoked === 1
  }

  addressOf(owner: string): string | undefined {
    return this.owners.get(owner)
  }

  async counts(): Promise<SessionCounts> {
    return { tokens: await redisCommand(() => this.scripts.signalboxSessionCount(this.key('tokens'))), handles: null, handleBytes: null }
  }

  /** Closes the connection; the sessions stay in Redis for the other instances (and this one, restarted). */
  async close(): Promise<void> {
    await this.redis.quit().catch(() => undefined)
  }

  private sessionOf(token: string, stored: StoredSession): Session {
    if (!this.owners.has(stored.o)) {
      if (this.owners.size >= MAX_REMEMBERED_OWNERS) this.owners.delete(this.owners.keys().next().value!)
      this.owners.set(stored.o, stored.d)
    }
    const handles = new RedisHandleTable(this.redis, handleKeys(this.prefix, token), this.handleLimits, redisCommand)
    return { token, app: stored.a, permissions: stored.p, owner: stored.o, address: stored.d, handles }
  }

  /** `<prefix><kind>`, or `<prefix><kind>:<name>` (with name '', the prefix of such keys, for the scripts). */
  private key(kind: string, name?: string): string {
    return name === undefined ? `${this.prefix}${kind}` : `${this.prefix}${kind}:${name}`
  }
}
