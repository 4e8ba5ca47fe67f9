/**
 * The server's socket-level limits: open connections (everyone together and
 * per address), how long a client may take to send its headers and its whole
 * request (408 past either: a body dripped a byte at a time is cut off), and
 * which proxy's `X-Forwarded-For` is believed for the client's address.
 *
 * @module
 */
import type { ServerOptions as HttpServerOptions } from 'node:http'
import { checkCount, checkMs } from '../validate.js'
import {
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_CONNECTIONS,
  MAX_CONNECTIONS_PER_ADDRESS,
  REQUEST_TIMEOUT_MS,
  TIMEOUT_CHECK_INTERVAL_MS,
} from './limits.js'
import type { ConnectionLimits } from './connections.js'

/** Options of the listening socket. */
export interface ListenerOptions {
  /** Most open connections, everyone together; 503 past it. Default {@link MAX_CONNECTIONS}. */
  maxConnections?: number
  /** Most open connections from one address; 503 past it. Default {@link MAX_CONNECTIONS_PER_ADDRESS}; not applied with `trustProxy`. */
  maxConnectionsPerAddress?: number
  /** How long a client may take to send its headers, in ms; 408 past it. Default {@link HEADERS_TIMEOUT_MS}. */
  headersTimeoutMs?: number
  /** How long a client may take to send its whole request, in ms; 408 past it. Default {@link REQUEST_TIMEOUT_MS}. */
  requestTimeoutMs?: number
  /**
   * Believe `X-Forwarded-For` from this proxy (Fastify's `trustProxy`: `true`,
   * or the proxy's addresses or CIDR ranges), so per-address limits apply to
   * the real clients behind it. Default: not believed (the socket's address).
   */
  trustProxy?: boolean | string | string[]
}

/** The Fastify options of the listener, checked. */
export function listenerOptions(options: ListenerOptions): {
  requestTimeout: number
  keepAliveTimeout: number
  trustProxy?: boolean | string | string[]
  http: HttpServerOptions
} {
  const headersTimeout = checkMs('headersTimeoutMs', options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS, 1, 3_600_000)
  const requestTimeout = checkMs('requestTimeoutMs', options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, 1, 3_600_000)
  return {
    requestTimeout,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    ...(options.trustProxy === undefined || options.trustProxy === false ? {} : { trustProxy: options.trustProxy }),
    http: {
      // Node needs headersTimeout <= requestTimeout; checks them this often.
      headersTimeout: Math.min(headersTimeout, requestTimeout),
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, Math.max(10, Math.floor(Math.min(headersTimeout, requestTimeout) / 4))),
    },
  }
}

/** The connection caps, checked. */
export function connectionLimits(options: ListenerOptions): ConnectionLimits {
  const behindProxy = options.trustProxy !== undefined && options.trustProxy !== false
  return {
    maxConnections: checkCount('maxConnections', options.maxConnections ?? MAX_CONNECTIONS, 1, 1e7),
    maxConnectionsPerAddress: behindProxy ? undefined : checkCount('maxConnectionsPerAddress', options.maxConnectionsPerAddress ?? MAX_CONNECTIONS_PER_ADDRESS, 1, 1e7),
  }
}
