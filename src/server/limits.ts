/**
 * The default limits of `signalbox serve`, each with the attack it answers
 * (docs/security.md lists them with their options and flags).
 *
 * @module
 */

const MIB = 1024 * 1024

/** Largest request body, in bytes: room for 100 KiB of data as base64 in JSON. */
export const BODY_LIMIT_BYTES = 256 * 1024
/** Default requests per second per token (or per address without one): a handshake makes about 20. */
export const RATE_LIMIT_PER_SECOND = 200
/** Default limit of push reads one token may hold open at once. */
export const MAX_WATCHES_PER_TOKEN = 32
/** Push reads held open at once by requests without a token. */
export const MAX_ANONYMOUS_WATCHES = 1_000
/** Push reads held open at once by everyone together: past it a push read answers 503 (each holds a socket and a subscription). */
export const MAX_WATCHES = 4_000

/**
 * Bytes of records and unsaved handles the server holds at once, all tokens
 * together: far below Node's default heap (about 2 GiB on 64-bit), so that no
 * client can take the server down by memory. Past it writes get NetworkFull (-27).
 */
export const MEMORY_BUDGET_BYTES = 256 * MIB
/** Bytes of records one token holds at once (a call needs three records of at most 136 KB). */
export const RECORD_BYTES_PER_TOKEN = MIB
/**
 * Bytes of records the tokens of one address hold at once, the records of its
 * revoked tokens included (they keep their ttl): revoking and authorising again
 * in a loop does not let one address fill the budget (32 MiB, an eighth of it).
 */
export const RECORD_BYTES_PER_ADDRESS = 32 * MIB
/** Bytes of handles one token holds at once; past it its least recently used handles are forgotten. */
export const HANDLE_BYTES_PER_TOKEN = MIB

/** Default number of handles one token holds; past it its least recently used handle is forgotten. */
export const MAX_HANDLES_PER_TOKEN = 1_000
/** Default number of handles shared by requests without a token; the least recently used go first. */
export const MAX_ANONYMOUS_HANDLES = 10_000
/** Default number of tokens held; a full table refuses new ones (429), and never evicts a live one. */
export const MAX_TOKENS = 10_000
/** Tokens one address may hold at once: one address cannot fill the token table (nor, 32 × 2 MiB, a quarter of the memory budget). */
export const MAX_TOKENS_PER_ADDRESS = 32
/** New tokens one address may get a minute. */
export const MAX_NEW_TOKENS_PER_ADDRESS_PER_MINUTE = 60
/** A token unused this long (in ms) is revoked with its handles, as PeerServer's `alive_timeout`: 10 minutes. */
export const TOKEN_IDLE_MS = 10 * 60_000

/** Open connections at once, everyone together: past it new connections get 503 and are closed. */
export const MAX_CONNECTIONS = 8_000
/** How long a client may take to send a request's headers, in ms; 408 past it. */
export const HEADERS_TIMEOUT_MS = 10_000
/** How long a client may take to send a whole request (headers and body), in ms; 408 past it. */
export const REQUEST_TIMEOUT_MS = 30_000
/** How long a connection may stay idle, in ms, between requests (the push read's own wait is longer, so it is counted apart). */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000
/** Open connections one address may hold at once (not applied behind a trusted proxy, where every connection comes from the proxy). */
export const MAX_CONNECTIONS_PER_ADDRESS = 256
/** How often Node checks requests against their header and request timeouts, in ms. */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000
