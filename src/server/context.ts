/**
 * What the routes of `signalbox serve` share (the {@link ServerContext}), the
 * options it is made from, and the record backend: memory by default, Redis
 * only when a `redisUrl` is given — then, and only then, is the Redis client
 * loaded, so `signalbox/server` alone never loads ioredis.
 *
 * @module
 */
import type { Subject } from 'rxjs'
import { MAX_MEMORY_RECORDS, MemoryTable } from '../stores/memory.js'
import type { SharedTable } from '../stores/table.js'
import { DEFAULT_RECORD_TTL_MS, MAX_RECORD_TTL_MS } from '../stores/store.js'
import { realClock, type SignalingClock } from '../time/clock.js'
import { checkCount, checkMs } from '../validate.js'
import { MAX_WATCHES_PER_TOKEN } from './limits.js'
import { SessionRegistry, type SessionLimits } from './sessions.js'

/** Options of `createServerApp`; all optional. */
export interface ServerOptions extends SessionLimits {
  /** Where records live. Default: Redis at `redisUrl` if given, else a new {@link MemoryTable} on `clock`. */
  backend?: SharedTable
  /** Keep records in Redis (`redis://host:port`), shared with other instances using the same Redis. */
  redisUrl?: string
  /** Times record expiry (with the default backend). Default: the wall clock. */
  clock?: SignalingClock
  /** Lifetime of a record nobody removed, in ms, when the client names none. Default 10 minutes. */
  recordTtlMs?: number
  /** Longest lifetime a client may ask for with `X-Signalbox-Ttl-Ms`. Default one day. */
  maxRecordTtlMs?: number
  /** Most push reads one token may hold open. Default {@link MAX_WATCHES_PER_TOKEN}. */
  maxWatchesPerToken?: number
  /** Largest request body in bytes. Default `BODY_LIMIT_BYTES`. */
  bodyLimit?: number
  /** Serve the browser page from this directory at `/` (see `findWebRoot`); no page by default. */
  webRoot?: string
  /** Receives one line per request; none by default (quiet). */
  log?: (line: string) => void
  /** Offer our extensions (push read, one-request read); false answers like a plain Launcher. Default true. */
  extensions?: boolean
  /** Most records held (with the default backend). Default {@link MAX_MEMORY_RECORDS}. */
  maxRecords?: number
  /** Requests one token (or, without one, one address) may make per second; `429` beyond. 0 turns the limit off. Default `RATE_LIMIT_PER_SECOND`. */
  rateLimitPerSecond?: number
}

/** What the routes share. */
export interface ServerContext {
  backend: SharedTable
  sessions: SessionRegistry
  recordTtlMs: number
  maxRecordTtlMs: number
  maxWatchesPerToken: number
  /** Fires when the server starts closing: open push reads answer at once. */
  closing: Subject<void>
}

/** The sessions of a new server, within the limits the options set. */
export function createSessions(options: ServerOptions): SessionRegistry {
  return new SessionRegistry({
    ...(options.maxHandlesPerToken === undefined ? {} : { maxHandlesPerToken: checkCount('maxHandlesPerToken', options.maxHandlesPerToken, 1, 1e6) }),
    ...(options.maxAnonymousHandles === undefined ? {} : { maxAnonymousHandles: checkCount('maxAnonymousHandles', options.maxAnonymousHandles, 1, 1e7) }),
    ...(options.maxTokens === undefined ? {} : { maxTokens: checkCount('maxTokens', options.maxTokens, 1, 1e7) }),
  })
}

/** The limits of the context, checked: a bad option fails where the server is made. */
export type ContextLimits = Pick<ServerContext, 'recordTtlMs' | 'maxRecordTtlMs' | 'maxWatchesPerToken'>

/** Checks the options of the context's limits and returns them. */
export function contextLimits(options: ServerOptions): ContextLimits {
  return {
    recordTtlMs: checkMs('recordTtlMs', options.recordTtlMs ?? DEFAULT_RECORD_TTL_MS, 1, MAX_RECORD_TTL_MS),
    maxRecordTtlMs: checkMs('maxRecordTtlMs', options.maxRecordTtlMs ?? MAX_RECORD_TTL_MS, 1, MAX_RECORD_TTL_MS),
    maxWatchesPerToken: checkCount('maxWatchesPerToken', options.maxWatchesPerToken ?? MAX_WATCHES_PER_TOKEN, 1, 10_000),
  }
}

/** Checks the backend options at once (so a bad one fails where the server is made). */
export function checkBackendOptions(options: ServerOptions): void {
  if (options.backend === undefined && options.redisUrl === undefined) checkCount('maxRecords', options.maxRecords ?? MAX_MEMORY_RECORDS, 1, 1e8)
}

/** The backend the options ask for: the one given, Redis (loaded now, on demand) at `redisUrl`, or memory. */
export async function openBackend(options: ServerOptions): Promise<SharedTable> {
  if (options.backend !== undefined) return options.backend
  if (options.redisUrl !== undefined) {
    const { RedisTable } = await import('../stores/redis.js')
    return new RedisTable({ url: options.redisUrl, ...(options.clock === undefined ? {} : { clock: options.clock }) })
  }
  return new MemoryTable(options.clock ?? realClock, checkCount('maxRecords', options.maxRecords ?? MAX_MEMORY_RECORDS, 1, 1e8))
}
