/**
 * The Lua scripts of the Redis table: create-if-absent, owner-only update and
 * owner-only remove, each atomic in Redis. They are registered once per
 * connection with ioredis `defineCommand` (then sent by SHA, falling back to
 * the source when Redis does not know it).
 *
 * Entries are JSON `{ d: data, o: owner, v: version, r: revision, e: expiry }`.
 *
 * @module
 */
import type { Redis } from 'ioredis'

/** Creates the entry unless a live one is there. KEYS: entry, revision counter, channel. */
export const CREATE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current and cjson.decode(current).e > tonumber(ARGV[4]) then return false end
local revision = redis.call('INCR', KEYS[2])
local value = cjson.encode({ d = ARGV[1], o = ARGV[2], v = 0, r = revision, e = tonumber(ARGV[4]) + tonumber(ARGV[3]) })
redis.call('SET', KEYS[1], value, 'PX', tonumber(ARGV[3]) + tonumber(ARGV[5]))
redis.call('PUBLISH', KEYS[3], ARGV[6])
return value`

/** Replaces the owner's live entry. KEYS as create. */
export const UPDATE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if not current then return 'NOT_FOUND' end
local record = cjson.decode(current)
if record.e <= tonumber(ARGV[4]) then return 'NOT_FOUND' end
if record.o ~= ARGV[2] then return 'NOT_OWNER' end
local revision = redis.call('INCR', KEYS[2])
local value = cjson.encode({ d = ARGV[1], o = ARGV[2], v = record.v + 1, r = revision, e = tonumber(ARGV[4]) + tonumber(ARGV[3]) })
redis.call('SET', KEYS[1], value, 'PX', tonumber(ARGV[3]) + tonumber(ARGV[5]))
redis.call('PUBLISH', KEYS[3], ARGV[6])
return value`

/** Removes the owner's entry; an absent or expired one is fine. KEYS as create. */
export const REMOVE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if not current then return 'ABSENT' end
local record = cjson.decode(current)
if record.e <= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  return 'ABSENT'
end
if record.o ~= ARGV[1] then return 'NOT_OWNER' end
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', KEYS[3], ARGV[3])
return 'OK'`

/** The Lua scripts as commands of the connection (ioredis `defineCommand`): KEYS are the entry, the revision counter and the channel. */
export interface TableScripts {
  /** ARGV: data, owner, ttl ms, now, expiry grace ms, address. The new entry as JSON, or null when the address is taken. */
  signalboxCreate(...args: [string, string, string, string, string, number, number, number, string]): Promise<string | null>
  /** ARGV as create. The new entry as JSON, or `NOT_FOUND` / `NOT_OWNER`. */
  signalboxUpdate(...args: [string, string, string, string, string, number, number, number, string]): Promise<string>
  /** ARGV: owner, now, address. `OK`, `ABSENT` or `NOT_OWNER`. */
  signalboxRemove(...args: [string, string, string, string, number, string]): Promise<string>
}

/** How many keys every script takes. */
const SCRIPT_KEYS = 3

/** Registers the scripts as commands of `redis` and returns it typed with them. */
export function defineTableScripts(redis: Redis): TableScripts {
  redis.defineCommand('signalboxCreate', { numberOfKeys: SCRIPT_KEYS, lua: CREATE_SCRIPT })
  redis.defineCommand('signalboxUpdate', { numberOfKeys: SCRIPT_KEYS, lua: UPDATE_SCRIPT })
  redis.defineCommand('signalboxRemove', { numberOfKeys: SCRIPT_KEYS, lua: REMOVE_SCRIPT })
  return redis as unknown as TableScripts
}
