/**
 * The Redis store, for deployments beyond one machine: several `signalbox
 * serve` instances (or participants directly) share their records in Redis.
 *
 * - create-if-absent, owner-only update and owner-only remove are Lua scripts
 *   (registered once per connection with ioredis `defineCommand`, then sent by
 *   their SHA), so each is atomic and exactly one concurrent creator wins;
 * - every record carries its expiry on the injected clock (and Redis expires the
 *   key a minute after, as storage cleanup);
 * - `watch()` is a push through Redis pub/sub: every write publishes the
 *   address, so a watcher on one server instance hears a write on another;
 * - connection errors are `ERR_STORE_UNAVAILABLE`; ioredis reconnects by itself.
 *
 * @module
 */
import { Redis, type RedisOptions } from 'ioredis'
import { Observable } from 'rxjs'
import { realClock, type SignalingClock } from '../time/clock.js'
import { SignalingError } from '../errors.js'
import { defineTableScripts, type TableScripts } from './redis-scripts.js'
import { TableStore, tableErrors, type SharedTable, type TableEntry } from './table.js'

/** Key prefix of every key signalbox writes. */
export const DEFAULT_REDIS_PREFIX = 'signalbox:'
/** How long Redis keeps a key past the record's own expiry, in ms: storage cleanup, not semantics. */
const REDIS_EXPIRY_GRACE_MS = 60_000
/** How long one Redis command may take before the store counts Redis as unavailable, in ms. */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000

/** Options of {@link RedisTable} and {@link RedisStore}. */
export interface RedisTableOptions {
  /** Where Redis listens, such as `redis://127.0.0.1:6379`. Default `redis://127.0.0.1:6379`. */
  url?: string
  /** Prefix of every key (and the channel). Default {@link DEFAULT_REDIS_PREFIX}. */
  prefix?: string
  /** The clock of record expiry; XState's `SimulatedClock` in tests. Default: the wall clock. */
  clock?: SignalingClock
  /** More ioredis options. */
  redis?: RedisOptions
}

interface StoredEntry {
  d: string
  o: string
  v: number
  r: number
  e: number
}

/**
 * A {@link SharedTable} in Redis, shared by every process that uses the same
 * Redis and prefix.
 */
export class RedisTable implements SharedTable {
  private readonly redis: Redis
  private readonly scripts: TableScripts
  private subscriber: Redis | undefined
  private subscribing: Promise<unknown> | undefined
  private readonly watchers = new Map<string, Set<(entry: TableEntry | null) => void>>()
  private readonly prefix: string
  private readonly clock: SignalingClock

  /** @param options - see {@link RedisTableOptions} */
  constructor(options: RedisTableOptions = {}) {
    this.prefix = options.prefix ?? DEFAULT_REDIS_PREFIX
    this.clock = options.clock ?? realClock
    this.redis = new Redis(options.url ?? 'redis://127.0.0.1:6379', {
      maxRetriesPerRequest: 1,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      ...options.redis,
    })
    // ioredis reports connection trouble as events too; commands fail with ERR_STORE_UNAVAILABLE meanwhile.
    this.redis.on('error', () => {})
    this.scripts = defineTableScripts(this.redis)
  }

  async newOwner(): Promise<string> {
    return `redis-${crypto.randomUUID()}`
  }

  async get(address: string): Promise<TableEntry | null> {
    const value = await redisCommand(() => this.redis.get(this.key(address)))
    return this.entryOf(value)
  }

  async create(address: string, data: string, owner: string, ttlMs: number): Promise<TableEntry> {
    const value = await redisCommand(() =>
      this.scripts.signalboxCreate(...this.keys(address), data, owner, Math.ceil(ttlMs), this.clock.now(), REDIS_EXPIRY_GRACE_MS, address),
    )
    if (value === null) throw tableErrors.exists(address)
    return this.entryOf(value)!
  }

  async update(address: string, data: string, owner: string, ttlMs: number): Promise<TableEntry> {
    const value = await redisCommand(() =>
      this.scripts.signalboxUpdate(...this.keys(address), data, owner, Math.ceil(ttlMs), this.clock.now(), REDIS_EXPIRY_GRACE_MS, address),
    )
    if (value === 'NOT_FOUND') throw tableErrors.notFound(address, 'update')
    if (value === 'NOT_OWNER') throw tableErrors.notOwner(address, 'update')
    return this.entryOf(value)!
  }

  async remove(address: string, owner: string): Promise<void> {
    const result = await redisCommand(() => this.scripts.signalboxRemove(...this.keys(address), owner, this.clock.now(), address))
    if (result === 'NOT_OWNER') throw tableErrors.notOwner(address, 'remove')
  }

  watch(address: string): Observable<TableEntry | null> {
    return new Observable<TableEntry | null>((subscriber) => {
      let expiry: unknown
      let reading = Promise.resolve()
      const emit = (entry: TableEntry | null, expiresAt: number | undefined) => {
        if (subscriber.closed) return
        if (expiry !== undefined) this.clock.clearTimeout(expiry)
        expiry = undefined
        subscriber.next(entry)
        // Nothing is published when a record expires: look again at its expiry.
        if (expiresAt !== undefined) expiry = this.clock.setTimeout(() => refresh(), Math.max(0, expiresAt - this.clock.now()))
      }
      const refresh = () => {
        reading = reading.then(async () => {
          try {
            const value = await redisCommand(() => this.redis.get(this.key(address)))
            const stored = value === null ? undefined : (JSON.parse(value) as StoredEntry)
            emit(this.entryOf(value), stored !== undefined && stored.e > this.clock.now() ? stored.e : undefined)
          } catch (error) {
            subscriber.error(error)
          }
        })
      }
      const listeners = this.watchers.get(address) ?? new Set()
      this.watchers.set(address, listeners)
      const listener = () => refresh()
      listeners.add(listener)
      this.ensureSubscribed().then(refresh, (error: unknown) => subscriber.error(error))
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) this.watchers.delete(address)
        if (expiry !== undefined) this.clock.clearTimeout(expiry)
      }
    })
  }

  /** Closes the connections to Redis. */
  async close(): Promise<void> {
    await Promise.allSettled([this.redis.quit(), this.subscriber?.quit()])
  }

  /** One subscriber connection for the whole table, listening to the change channel. */
  private ensureSubscribed(): Promise<unknown> {
    if (this.subscribing === undefined) {
      const subscriber = this.redis.duplicate()
      subscriber.on('error', () => {})
      subscriber.on('message', (_channel: string, address: string) => {
        for (const listener of this.watchers.get(address) ?? []) listener(null)
      })
      this.subscriber = subscriber
      this.subscribing = redisCommand(() => subscriber.subscribe(this.channel()))
      this.subscribing.catch(() => {
        this.subscribing = undefined
      })
    }
    return this.subscribing
  }

  private entryOf(value: string | null): TableEntry | null {
    if (value === null) return null
    const stored = JSON.parse(value) as StoredEntry
    if (stored.e <= this.clock.now()) return null
    return { data: stored.d, owner: stored.o, version: stored.v, revision: stored.r }
  }

  private key(address: string): string {
    return `${this.prefix}record:${address}`
  }

  private channel(): string {
    return `${this.prefix}changed`
  }

  private keys(address: string): [string, string, string] {
    return [this.key(address), `${this.prefix}revision`, this.channel()]
  }
}

/** Runs a Redis command; any failure of Redis itself becomes `ERR_STORE_UNAVAILABLE` (a 503 from the server). */
export async function redisCommand<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof SignalingError) throw error
    const detail = error instanceof Error ? error.message : String(error)
    throw new SignalingError('ERR_STORE_UNAVAILABLE', `Redis did not answer (${detail}): check that it is running and reachable, then retry.`, { cause: error })
  }
}

/**
 * A {@link SignalStore} in Redis: one participant over a {@link RedisTable}.
 *
 * @example
 * ```ts
 * const alice = new RedisStore({ url: 'redis://127.0.0.1:6379' })
 * const bob = alice.client() // another participant over the same Redis
 * ```
 */
export class RedisStore extends TableStore {
  /** The table this participant works on. */
  override readonly table: RedisTable
  /** The participants sharing the connection this store made: it closes with the last of them. */
  private users: { count: number } | undefined
  private released = false

  /** A participant over `table`, or over a new connection made from `options`. */
  constructor(options: RedisTableOptions & { table?: RedisTable } = {}) {
    const table = options.table ?? new RedisTable(options)
    super(table)
    this.table = table
    this.users = options.table === undefined ? { count: 1 } : undefined
  }

  /** Another participant over the same table (and connection). */
  client(): RedisStore {
    const other = new RedisStore({ table: this.table })
    if (this.users !== undefined) {
      this.users.count++
      other.users = this.users
    }
    return other
  }

  /** Closes this participant; the connection too when it was the last participant on one this store family made. */
  override async close(): Promise<void> {
    await super.close()
    if (this.users === undefined || this.released) return
    this.released = true
    if (--this.users.count === 0) await this.table.close()
  }
}

