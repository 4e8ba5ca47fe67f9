/**
 * The default limits of `signalbox serve` that are not the sessions' own
 * (those are in sessions.ts): request bodies, request rate, push reads.
 *
 * @module
 */

/** Largest request body, in bytes: room for 100 KiB of data as base64 in JSON. */
export const BODY_LIMIT_BYTES = 256 * 1024
/** Default requests per second per token (or per address without one): a handshake makes about 20. */
export const RATE_LIMIT_PER_SECOND = 200
/** Default limit of push reads one token may hold open at once. */
export const MAX_WATCHES_PER_TOKEN = 32
/** Push reads held open at once by requests without a token. */
export const MAX_ANONYMOUS_WATCHES = 1_000
