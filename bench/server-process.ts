/**
 * `signalbox serve` in a child process of the bench, so that the server and the
 * load or the participants do not share an event loop. It answers the parent
 * over IPC: its URL once listening, its request count, its resident memory
 * after a garbage collection, and the highest resident memory it has seen.
 * Run with --expose-gc.
 */
import { startServer } from '../src/server/index.js'
import { LOAD_LIMITS } from './load-limits.js'

let requests = 0
/** BENCH_COUNT=0 leaves out the request counter (a log hook), as for load runs. */
const counting = process.env['BENCH_COUNT'] !== '0'
/** BENCH_LIMITS=default runs the server at its default limits (the memory attack); otherwise they are lifted for load. */
const defaults = process.env['BENCH_LIMITS'] === 'default'
const server = await startServer({
  port: 0,
  ...(defaults ? {} : LOAD_LIMITS),
  ...(counting
    ? {
        log: () => {
          requests++
        },
      }
    : {}),
})
/** The highest resident memory seen, sampled every 20 ms (the memory attack's peak). */
let peakRss = process.memoryUsage().rss
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20).unref()

type Command = { type: 'requests' } | { type: 'reset' } | { type: 'rss' } | { type: 'peak' } | { type: 'stop' }

process.on('message', (command: Command) => {
  if (command.type === 'requests') process.send!({ requests })
  else if (command.type === 'reset') {
    requests = 0
    process.send!({ requests })
  } else if (command.type === 'rss') {
    for (let round = 0; round < 3; round++) globalThis.gc?.()
    process.send!({ rss: process.memoryUsage().rss })
  } else if (command.type === 'peak') process.send!({ rss: peakRss })
  else if (command.type === 'stop') void server.close().then(() => process.exit(0))
})
process.send!({ url: server.url })
