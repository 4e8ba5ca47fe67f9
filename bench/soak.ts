/**
 * `npm run soak [-- --rooms 200]`: the soak against `signalbox serve` in a
 * child process, reporting handshakes and the server's resident memory before,
 * at the peak, and after every call hung up.
 */
import { startServerChild } from './child.js'
import { runSoak } from '../test/helpers/soak.js'

const roomsArg = process.argv.indexOf('--rooms')
const rooms = roomsArg === -1 ? 200 : Number(process.argv[roomsArg + 1])
const server = await startServerChild('server-process.ts', { BENCH_COUNT: '0' })
const rss = async () => (await server.ask<{ rss: number }>({ type: 'rss' })).rss / (1024 * 1024)
// One round to warm the server up, so the figures compare like with like.
await runSoak(server.url, rooms)
const before = await rss()
const result = await runSoak(server.url, rooms)
const after = await rss()
await server.stop()
console.log(`soak: ${result.rooms} rooms, ${result.connected} connected, failures ${JSON.stringify(result.failed)}, all joined to all connected in ${Math.round(result.durationMs)} ms`)
console.log(`server RSS: ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB after every call hung up (${(after - before).toFixed(1)} MB)`)
process.exit(result.connected === rooms ? 0 : 1)
