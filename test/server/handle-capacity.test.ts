/**
 * A large handle cap costs nothing until handles are held: the per-token
 * table allocates as it fills, not `maxHandlesPerToken` slots at once (with
 * slots allocated up front, a cap of 1,000,000 cost every token tens of MB,
 * and 100 concurrent authorisations never answered).
 */
import { afterEach, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { token } from './attack-client.js'

/** Tokens authorised at once, and the handle cap each gets. */
const TOKENS = 100
const LARGE_HANDLE_CAP = 1_000_000

let server: RunningServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

it(`authorises ${TOKENS} tokens at once with a handle cap of ${LARGE_HANDLE_CAP} each, and the server's memory stays small`, async () => {
  server = await startServer({
    port: 0,
    rateLimitPerSecond: 0,
    maxHandlesPerToken: LARGE_HANDLE_CAP,
    maxTokensPerAddress: TOKENS,
    newTokensPerAddressPerMinute: TOKENS,
  })
  const heapBefore = process.memoryUsage().heapUsed
  const tokens = await Promise.all(Array.from({ length: TOKENS }, () => token(server!.url)))
  expect(tokens.every((value) => typeof value === 'string' && value.length > 0)).toBe(true)
  // Well under what one up-front table of a million slots takes (about 8 MB per typed array).
  expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024)
})
