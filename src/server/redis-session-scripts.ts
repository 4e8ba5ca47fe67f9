/**
 * The Lua scripts of the tokens in Redis (redis-sessions.ts), each atomic and
 * one round trip. Times are Redis's clock (`TIME`), the same for every
 * instance. A session is JSON `{ a: app, p: permissions, o: owner, d: address }`.
 *
 * @module
 */

/** Redis's time in ms, for the scripts. */
const NOW = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`

/**
 * Opens a session within the caps. KEYS: session, tokens, address's tokens, address's new tokens.
 * ARGV: session JSON, token, idle ms, max tokens, max per address, new per address per minute, minute ms.
 * `OK`, or `FULL`, `ADDRESS_FULL`, `ADDRESS_RATE`.
 */
export const OPEN_SCRIPT = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return 'FULL' end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[5]) then return 'ADDRESS_FULL' end
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[6]) then return 'ADDRESS_RATE' end
if redis.call('INCR', KEYS[4]) == 1 then redis.call('PEXPIRE', KEYS[4], ARGV[7]) end
local expiry = now + tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], expiry, ARGV[2])
redis.call('ZADD', KEYS[3], expiry, ARGV[2])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return 'OK'`

/**
 * The session of a token, renewing its idle time (and its handles' and its
 * places in the caps). KEYS: session, tokens, the token's three handle keys.
 * ARGV: token, idle ms, prefix of the address-tokens keys. The session JSON, or nil.
 */
export const FIND_SCRIPT = `
local value = redis.call('GET', KEYS[1])
if not value then return false end
${NOW}
local idle = tonumber(ARGV[2])
local expiry = now + idle
redis.call('PEXPIRE', KEYS[1], idle)
redis.call('ZADD', KEYS[2], 'XX', expiry, ARGV[1])
local perAddress = ARGV[3] .. cjson.decode(value).d
redis.call('ZADD', perAddress, 'XX', expiry, ARGV[1])
redis.call('PEXPIRE', perAddress, idle)
for i = 3, 5 do redis.call('PEXPIRE', KEYS[i], idle) end
return value`

/**
 * Revokes a token with its handles. KEYS: session, tokens, the token's three
 * handle keys. ARGV: token, prefix of the address-tokens keys. 1, or 0 when it was not valid.
 */
export const REVOKE_SCRIPT = `
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
redis.call('DEL', KEYS[1], KEYS[3], KEYS[4], KEYS[5])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', ARGV[2] .. cjson.decode(value).d, ARGV[1])
return 1`

/** How many tokens are valid. KEYS: tokens. */
export const COUNT_SCRIPT = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])`
