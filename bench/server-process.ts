/**
 * `signalbox serve` in a child process of the bench, so that the server and the
 * load or the participants do not share an event loop. It answers the parent
 * over IPC: its URL once listening, its request count, and its resident memory
 * after a garbage collection. Run with --expose-gc.
 */
import { startServer } from '../src/server/index.js'

let requests = 0
/** BENCH_COUNT=0 leaves out the request counter (a log hook), as for load runs. */
const counting = process.env['BENCH_COUNT'] !== '0'
const server = await startServer({
  port: 0,
  maxHandlesPerToken: 1_000_000,
  maxWatchesPerToken: 10_000,
  maxTokens: 1_000_000,
  // The whole load comes from one address: lift the per-address and global caps that answer attacks.
  maxTokensPerAddress: 1_000_000,
  newTokensPerAddressPerMinute: 1_000_000,
  maxConnections: 1_000_000,
  maxConnectionsPerAddress: 1_000_000,
  maxWatches: 1_000_000,
  recordBytesPerAddress: 2 ** 40,
  memoryBudgetBytes: 2 ** 40,
  // One address makes the whole load here: the per-client rate limit would cap it.
  rateLimitPerSecond: 0,
  ...(counting
    ? {
        log: () => {
          requests++
        },
      }
    : {}),
})

type Command = { type: 'requests' } | { type: 'reset' } | { type: 'rss' } | { type: 'stop' }

process.on('message', (command: Command) => {
  if (command.type === 'requests') process.send!({ requests })
  else if (command.type === 'reset') {
    requests = 0
    process.send!({ requests })
  } else if (command.type === 'rss') {
    for (let round = 0; round < 3; round++) globalThis.gc?.()
    process.send!({ rss: process.memoryUsage().rss })
  } else if (command.type === 'stop') void server.close().then(() => process.exit(0))
})
process.send!({ url: server.url })
