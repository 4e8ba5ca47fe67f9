/**
 * The handles of one token (or of the requests without one) in Redis, so that
 * a handle from one instance works on the next request to another. Each table
 * is three keys, kept atomic by Lua scripts and expiring with the token's idle
 * time:
 *
 * - `<prefix>handles:<token>`: a hash, handle id → `<cost>:<handle as JSON>`;
 * - `<prefix>handles-lru:<token>`: a sorted set, handle id → when last used (a counter);
 * - `<prefix>handles-meta:<token>`: a hash with the table's `bytes` and its use `clock`.
 *
 * As in this process ({@link HandleTable}), a full table forgets its least
 * recently used handles to make room (count and bytes), and never refuses.
 *
 * @module
 */
import type { Redis } from 'ioredis'
import { handleCost, handleTooLarge, invalidHandle, randomHandleId, type Handle, type Handles, type StructuredDataHandle } from './handles.js'

/** Stores a handle: KEYS hash, lru, meta; ARGV id, entry, cost, capacity, max bytes, ttl ms, mode (`new` or `replace`). */
const PUT_SCRIPT = `
local function costOf(entry) return tonumber(string.match(entry, '^(%d+):')) end
local id = ARGV[1]
local old = redis.call('HGET', KEYS[1], id)
if ARGV[7] == 'new' and old then return 'TAKEN' end
if ARGV[7] == 'replace' and not old then return 'MISSING' end
local bytes = tonumber(redis.call('HGET', KEYS[3], 'bytes') or '0')
if old then
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  bytes = bytes - costOf(old)
end
local cost = tonumber(ARGV[3])
local capacity = tonumber(ARGV[4])
local maxBytes = tonumber(ARGV[5])
while redis.call('ZCARD', KEYS[2]) > 0 and (redis.call('ZCARD', KEYS[2]) >= capacity or bytes + cost > maxBytes) do
  local oldest = redis.call('ZPOPMIN', KEYS[2])[1]
  local entry = redis.call('HGET', KEYS[1], oldest)
  redis.call('HDEL', KEYS[1], oldest)
  if entry then bytes = bytes - costOf(entry) end
end
redis.call('HSET', KEYS[1], id, ARGV[2])
redis.call('ZADD', KEYS[2], redis.call('HINCRBY', KEYS[3], 'clock', 1), id)
redis.call('HSET', KEYS[3], 'bytes', bytes + cost)
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[6]) end
return 'OK'`

/** Reads a handle, marking it as just used: KEYS hash, lru, meta; ARGV id, ttl ms. The entry, or nil. */
const GET_SCRIPT = `
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then return false end
redis.call('ZADD', KEYS[2], redis.call('HINCRBY', KEYS[3], 'clock', 1), ARGV[1])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return entry`

/** Drops a handle of a kind: KEYS hash, lru, meta; ARGV id, kind. 1, or 0 when there is none of that kind. */
const DROP_SCRIPT = `
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then return 0 end
local cost, json = string.match(entry, '^(%d+):(.*)$')
if cjson.decode(json).kind ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HINCRBY', KEYS[3], 'bytes', -tonumber(cost))
return 1`

/** The scripts as commands of the connection. */
interface HandleScripts {
  signalboxHandlePut(...args: [string, string, string, string, string, number, number, number, number, string]): Promise<string>
  signalboxHandleGet(...args: [string, string, string, string, number]): Promise<string | null>
  signalboxHandleDrop(...args: [string, string, string, string, string]): Promise<number>
}

/** Registers the handle scripts on `redis` (once per connection). */
export function defineHandleScripts(redis: Redis): void {
  redis.defineCommand('signalboxHandlePut', { numberOfKeys: 3, lua: PUT_SCRIPT })
  redis.defineCommand('signalboxHandleGet', { numberOfKeys: 3, lua: GET_SCRIPT })
  redis.defineCommand('signalboxHandleDrop', { numberOfKeys: 3, lua: DROP_SCRIPT })
}

/** The keys of the handle table of `owner` (a token, or the name of the table of requests without one). */
export function handleKeys(prefix: string, owner: string): [string, string, string] {
  return [`${prefix}handles:${owner}`, `${prefix}handles-lru:${owner}`, `${prefix}handles-meta:${owner}`]
}

/** The limits of one table in Redis. */
export interface RedisHandleLimits {
  /** Most handles held; the least recently used go first. */
  capacity: number
  /** Most bytes held; the least recently used go first. */
  maxBytes: number
  /** How long the table lives unused, in ms (the token's idle time). */
  ttlMs: number
}

/** Tries for a free random id before giving up (a collision of 53-bit ids is already improbable). */
const MAX_ID_ATTEMPTS = 8

/** The handles of one token in Redis; see the module's description. */
export class RedisHandleTable implements Handles {
  private readonly scripts: HandleScripts
  private readonly keys: [string, string, string]

  /**
   * @param redis - a connection with {@link defineHandleScripts} registered
   * @param keys - the table's keys ({@link handleKeys})
   * @param limits - see {@link RedisHandleLimits}
   * @param command - runs a Redis command, turning Redis's own failures into `ERR_STORE_UNAVAILABLE`
   */
  constructor(
    redis: Redis,
    keys: [string, string, string],
    private readonly limits: RedisHandleLimits,
    private readonly command: <T>(run: () => Promise<T>) => Promise<T>,
  ) {
    this.scripts = redis as unknown as HandleScripts
    this.keys = keys
  }

  async add(handle: Handle): Promise<number> {
    for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
      const id = randomHandleId()
      if ((await this.put(id, handle, 'new')) === 'OK') return id
    }
    throw invalidHandle(handle.kind)
  }

  async get<K extends Handle['kind']>(id: number, kind: K): Promise<Extract<Handle, { kind: K }>> {
    const entry = await this.command(() => this.scripts.signalboxHandleGet(...this.keys, String(id), this.limits.ttlMs))
    const handle = entry === null ? undefined : (JSON.parse(entry.slice(entry.indexOf(':') + 1)) as Handle)
    if (handle === undefined || handle.kind !== kind) throw invalidHandle(kind)
    return handle as Extract<Handle, { kind: K }>
  }

  async replace(id: number, handle: StructuredDataHandle): Promise<void> {
    if ((await this.put(id, handle, 'replace')) !== 'OK') throw invalidHandle('structuredData')
  }

  async drop(id: number, kind: Handle['kind']): Promise<void> {
    const dropped = await this.command(() => this.scripts.signalboxHandleDrop(...this.keys, String(id), kind))
    if (dropped !== 1) throw invalidHandle(kind)
  }

  private put(id: number, handle: Handle, mode: 'new' | 'replace'): Promise<string> {
    const cost = handleCost(handle)
    if (cost > this.limits.maxBytes) throw handleTooLarge(cost, this.limits.maxBytes)
    const { capacity, maxBytes, ttlMs } = this.limits
    return this.command(() => this.scripts.signalboxHandlePut(...this.keys, String(id), `${cost}:${JSON.stringify(handle)}`, cost, capacity, maxBytes, ttlMs, mode))
  }
}
