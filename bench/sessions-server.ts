/**
 * A `signalbox serve` child process for bench/sessions.ts: at the bench's
 * lifted limits, with records, tokens, handles and limits in Redis when
 * BENCH_REDIS_URL is set (in memory otherwise). It tells the parent its URL
 * over IPC and closes on `{ type: 'stop' }`.
 */
import { startServer } from '../src/server/index.js'
import { LOAD_LIMITS } from './load-limits.js'

const redisUrl = process.env['BENCH_REDIS_URL']
const server = await startServer({ port: 0, ...LOAD_LIMITS, ...(redisUrl === undefined || redisUrl === '' ? {} : { redisUrl }) })
process.on('message', (command: { type: string }) => {
  if (command.type === 'stop') void server.close().then(() => process.exit(0))
})
process.send!({ url: server.url, port: server.port })
