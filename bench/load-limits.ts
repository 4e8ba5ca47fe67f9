/**
 * The server limits lifted for the bench's load: every request of a bench
 * comes from one address, so the per-address and global caps that answer one
 * hostile client (docs/security.md) would cap the load itself.
 */
import type { ServerOptions } from '../src/server/index.js'

/** Limits for a load server: caps far above what the bench makes, the per-client rate limit off. */
export const LOAD_LIMITS = {
  maxHandlesPerToken: 1_000_000,
  maxWatchesPerToken: 10_000,
  maxTokens: 1_000_000,
  maxTokensPerAddress: 1_000_000,
  newTokensPerAddressPerMinute: 1_000_000,
  maxConnections: 1_000_000,
  maxConnectionsPerAddress: 1_000_000,
  maxWatches: 1_000_000,
  recordBytesPerAddress: 2 ** 40,
  memoryBudgetBytes: 2 ** 40,
  rateLimitPerSecond: 0,
} as const satisfies ServerOptions
