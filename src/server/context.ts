/**
 * What the routes of `signalbox serve` share (the {@link ServerContext}), the
 * options it is made from, and the record backend: memory by default, Redis
 * only when a `redisUrl` is given — then, and only then, is the Redis client
 * loaded, so `signalbox/server` alone never loads ioredis. Whatever the
 * backend, the records this server writes are charged to its memory budget.
 *
 * @module
 */
import type { Subject } from 'rxjs'
import { SignalingError } from '../errors.js'
import { MAX_MEMORY_RECORDS, MemoryTable } from '../stores/memory.js'
import type { SharedTable } from '../stores/table.js'
import { DEFAULT_RECORD_TTL_MS, MAX_RECORD_TTL_MS } from '../stores/store.js'
import { realClock, type SignalingClock } from '../time/clock.js'
import { checkCount, checkMs } from '../validate.js'
import { MemoryBudget, type BudgetShare } from './budget.js'
import { BudgetedTable } from './budgeted-table.js'
import type { ListenerOptions } from './listener.js'
import { MAX_WATCHES, MAX_WATCHES_PER_TOKEN, MEMORY_BUDGET_BYTES, RECORD_BYTES_PER_ADDRESS, RECORD_BYTES_PER_TOKEN } from './limits.js'
import type { RedisSessionStore } from './redis-sessions.js'
import type { SessionStore } from './session-store.js'
import { SessionRegistry, type SessionLimits } from './sessions.js'

/** Options of `createServerApp`; all optional. */
export interface ServerOptions extends SessionLimits, ListenerOptions {
  /** Where records live. Default: Redis at `redisUrl` if given, else a new {@link MemoryTable} on `clock`. */
  backend?: SharedTable
  /**
   * Keep records, tokens, handles and rate limits in Redis (`redis://host:port` or `rediss://`),
   * shared with other instances using the same Redis: any instance answers any request (docs/deploy.md).
   */
  redisUrl?: string
  /** Times record expiry (with the default backend), the release of their bytes and idle tokens (in memory; Redis times its own). Default: the wall clock. */
  clock?: SignalingClock
  /** Lifetime of a record nobody removed, in ms, when the client names none. Default 10 minutes. */
  recordTtlMs?: number
  /** Longest lifetime a client may ask for with `X-Signalbox-Ttl-Ms`. Default one day. */
  maxRecordTtlMs?: number
  /** Most push reads one token may hold open. Default {@link MAX_WATCHES_PER_TOKEN}. */
  maxWatchesPerToken?: number
  /** Most push reads open at once, everyone together; 503 past it. Default {@link MAX_WATCHES}. */
  maxWatches?: number
  /** Bytes of records and unsaved handles held at once, everyone together. Default {@link MEMORY_BUDGET_BYTES}. */
  memoryBudgetBytes?: number
  /** Bytes of records one token holds at once. Default {@link RECORD_BYTES_PER_TOKEN}. */
  recordBytesPerToken?: number
  /** Largest request body in bytes. Default `BODY_LIMIT_BYTES`. */
  bodyLimit?: number
  /** Bytes of records the tokens of one address hold at once, revoked tokens' records included. Default {@link RECORD_BYTES_PER_ADDRESS}. */
  recordBytesPerAddress?: number
  /** Serve the browser page from this directory at `/` (see `findWebRoot`); no page by default. */
  webRoot?: string
  /** Receives one line per request (without its query string); none by default (quiet). */
  log?: (line: string) => void
  /** Offer our extensions (push read, one-request read and writes, the socket); false answers like a plain Launcher. Default true. */
  extensions?: boolean
  /** A socket (our extension) with nothing sent and nothing in flight this long, in ms, is closed. Default `SOCKET_IDLE_MS` (2 minutes). */
  socketIdleMs?: number
  /** Most records held (with the default backend). Default {@link MAX_MEMORY_RECORDS}. */
  maxRecords?: number
  /** Requests one token (or, without one, one address) may make per second; `429` beyond. 0 turns the limit off. Default `RATE_LIMIT_PER_SECOND`. */
  rateLimitPerSecond?: number
  /** Hand out tokens only to apps that send this key (header `X-Signalbox-Auth-Key`); anyone by default. */
  authKey?: string
}

/** What the routes share. */
export interface ServerContext {
  backend: SharedTable
  sessions: SessionStore
  budget: MemoryBudget
  recordTtlMs: number
  maxRecordTtlMs: number
  maxWatchesPerToken: number
  maxWatches: number
  authKey: string | undefined
  /** Fires when the server starts closing: open push reads answer at once. */
  closing: Subject<void>
}

/** The memory budget of a new server and the limits of its sessions, checked: a bad option fails where the server is made. */
export function sessionOptions(options: ServerOptions): { budget: MemoryBudget; limits: SessionLimits } {
  const budget = new MemoryBudget(checkCount('memoryBudgetBytes', options.memoryBudgetBytes ?? MEMORY_BUDGET_BYTES, 64 * 1024, 2 ** 40))
  const counts: [keyof SessionLimits, number, number][] = [
    ['maxHandlesPerToken', 1, 1e6],
    ['handleBytesPerToken', 1024, 2 ** 40],
    ['maxAnonymousHandles', 1, 1e7],
    ['maxTokens', 1, 1e7],
    ['maxTokensPerAddress', 1, 1e7],
    ['newTokensPerAddressPerMinute', 1, 1e7],
  ]
  const limits: SessionLimits = {}
  for (const [name, min, max] of counts) if (options[name] !== undefined) limits[name] = checkCount(name, options[name], min, max)
  if (options.tokenIdleMs !== undefined) limits.tokenIdleMs = checkMs('tokenIdleMs', options.tokenIdleMs, 1)
  return { budget, limits }
}

/** The memory budget and the in-process sessions of a new server (the memory server's), within the limits the options set. */
export function createSessions(options: ServerOptions): { budget: MemoryBudget; sessions: SessionRegistry } {
  const { budget, limits } = sessionOptions(options)
  return { budget, sessions: new SessionRegistry(budget, options.clock ?? realClock, limits) }
}

/** Sessions in Redis at `url`: the Redis client is loaded now, on demand, as the Redis record backend is. */
export async function openRedisSessions(url: string, limits: SessionLimits): Promise<RedisSessionStore> {
  const { RedisSessionStore } = await import('./redis-sessions.js')
  return new RedisSessionStore({ url, ...limits })
}

/** The limits of the context, checked: a bad option fails where the server is made. */
export type ContextLimits = Pick<ServerContext, 'recordTtlMs' | 'maxRecordTtlMs' | 'maxWatchesPerToken' | 'maxWatches' | 'authKey'>

/** Checks the options of the context's limits and returns them. */
export function contextLimits(options: ServerOptions): ContextLimits {
  if (options.authKey !== undefined && (typeof options.authKey !== 'string' || options.authKey.length < 16)) {
    throw new SignalingError('ERR_INVALID_OPTION', 'authKey must be a string of at least 16 characters: use a long random one (openssl rand -hex 32).')
  }
  return {
    recordTtlMs: checkMs('recordTtlMs', options.recordTtlMs ?? DEFAULT_RECORD_TTL_MS, 1, MAX_RECORD_TTL_MS),
    maxRecordTtlMs: checkMs('maxRecordTtlMs', options.maxRecordTtlMs ?? MAX_RECORD_TTL_MS, 1, MAX_RECORD_TTL_MS),
    maxWatchesPerToken: checkCount('maxWatchesPerToken', options.maxWatchesPerToken ?? MAX_WATCHES_PER_TOKEN, 1, 10_000),
    maxWatches: checkCount('maxWatches', options.maxWatches ?? MAX_WATCHES, 1, 1e7),
    authKey: options.authKey,
  }
}

/** Checks the backend options at once (so a bad one fails where the server is made, not at the first request). */
export function checkBackendOptions(options: ServerOptions): void {
  if (options.backend === undefined && options.redisUrl === undefined) checkCount('maxRecords', options.maxRecords ?? MAX_MEMORY_RECORDS, 1, 1e8)
  checkCount('recordBytesPerToken', options.recordBytesPerToken ?? RECORD_BYTES_PER_TOKEN, 1024, 2 ** 40)
  checkCount('recordBytesPerAddress', options.recordBytesPerAddress ?? RECORD_BYTES_PER_ADDRESS, 1024, 2 ** 40)
  if (options.redisUrl !== undefined) checkRedisUrl(options.redisUrl)
}

/** `ERR_INVALID_OPTION` unless `url` is a `redis://` or `rediss://` URL. */
function checkRedisUrl(url: unknown): void {
  let parsed: URL | undefined
  try {
    parsed = new URL(String(url))
  } catch {
    parsed = undefined
  }
  if (typeof url !== 'string' || parsed === undefined || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    throw new SignalingError('ERR_INVALID_OPTION', `Invalid Redis URL ${JSON.stringify(String(url)).slice(0, 80)}: use redis://host:port (or rediss:// for TLS), such as redis://127.0.0.1:6379.`)
  }
}

/** The backend the options ask for (the one given, Redis loaded now on demand at `redisUrl`, or memory), charged to `budget`. */
export async function openBackend(options: ServerOptions, budget: MemoryBudget, sessions: Pick<SessionStore, 'addressOf'>): Promise<BudgetedTable> {
  const clock = options.clock ?? realClock
  const perToken = options.recordBytesPerToken ?? RECORD_BYTES_PER_TOKEN
  const perAddress = options.recordBytesPerAddress ?? RECORD_BYTES_PER_ADDRESS
  const sharesOf = (owner: string): BudgetShare[] => {
    const address = sessions.addressOf(owner)
    const token = { key: `token:${owner}`, limitBytes: perToken, who: 'this token' }
    return address === undefined ? [token] : [token, { key: `address:${address}`, limitBytes: perAddress, who: 'your address' }]
  }
  return new BudgetedTable(await innerBackend(options, clock), budget, sharesOf, clock)
}

async function innerBackend(options: ServerOptions, clock: SignalingClock): Promise<SharedTable> {
  if (options.backend !== undefined) return options.backend
  if (options.redisUrl !== undefined) {
    const { RedisTable } = await import('../stores/redis.js')
    return new RedisTable({ url: options.redisUrl, clock })
  }
  return new MemoryTable(clock, checkCount('maxRecords', options.maxRecords ?? MAX_MEMORY_RECORDS, 1, 1e8))
}
