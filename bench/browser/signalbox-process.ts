/**
 * `signalbox serve` for the browser bench, in a child process on 127.0.0.1: the
 * API and the page (web/dist, which the parent builds first), with the limits
 * meant for many clients off (every page of the bench comes from one address),
 * plus the bench's own one-page harness at /__bench/ (bench/browser/page-entry.ts,
 * bundled here). Serving the harness from the server's own origin keeps its
 * requests same-origin, as the real page's are (no CORS preflights), and lets
 * Chromium treat the page as local. Answers the parent over IPC as
 * bench/child.ts expects: its URL, then `stop`.
 */
import { WEB_DIST } from '../../scripts/build-web.js'
import { API_PREFIX, createServerApp } from '../../src/server/index.js'
import { BENCH_HTML, BENCH_PATH, bundleBenchPage } from './one-page.js'
import { LOAD_LIMITS } from '../load-limits.js'

const script = await bundleBenchPage()
const app = createServerApp({
  webRoot: WEB_DIST,
  // The whole load comes from one address: lift the per-address and global caps that answer attacks.
  ...LOAD_LIMITS,
})
app.get(`${BENCH_PATH}index.html`, (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(BENCH_HTML))
app.get(`${BENCH_PATH}bench.js`, (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(script))
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
const port = typeof address === 'object' && address !== null ? address.port : 0

process.on('message', (command: { type: string }) => {
  if (command.type === 'stop') void app.close().then(() => process.exit(0))
})
// Gone with the parent: a bench that crashed leaves no server behind.
process.on('disconnect', () => process.exit(0))
process.send!({ url: `http://127.0.0.1:${port}${API_PREFIX}/` })
