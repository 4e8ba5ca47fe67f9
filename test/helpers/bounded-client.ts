/**
 * A child process for test/launcher-bounds.test.ts, run with `node --expose-gc`:
 * one SafeLauncherStore read against the (malicious) server at argv[2], with
 * a garbage collection forced every 500 ms. Prints one JSON line: the error's
 * class and code, and how much the process's memory grew.
 */
import { SafeLauncherStore } from '../../src/stores/launcher/store.js'

/** How often a collection is forced while the read runs, in ms. */
const GC_INTERVAL_MS = 500

const [url = '', timeoutText = '2000'] = process.argv.slice(2)
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc')
const collecting = setInterval(gc, GC_INTERVAL_MS)
gc()
const rssBefore = process.memoryUsage().rss
let peakRss = rssBefore
const sampling = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
const store = new SafeLauncherStore({ url, requestTimeoutMs: Number(timeoutText), watch: false })
let outcome: Record<string, unknown>
try {
  const data = await store.read('bounded-client-test')
  outcome = { result: data === null ? null : data.length }
} catch (error) {
  const { name, code } = error as { name?: unknown; code?: unknown }
  outcome = { name, code, signalingError: error?.constructor?.name === 'SignalingError' }
}
peakRss = Math.max(peakRss, process.memoryUsage().rss)
clearInterval(collecting)
clearInterval(sampling)
await store.close()
process.stdout.write(`${JSON.stringify({ ...outcome, rssGrowthBytes: peakRss - rssBefore })}\n`)
process.exit(0)
