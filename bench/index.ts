/**
 * `npm run bench`: signalbox against baselines measured in the same run.
 *
 *   npm run bench                 full run (9 handshakes per figure, 10 s load)
 *   npm run bench -- --quick      quick run for CI (3 handshakes, 2 s load, fewer rooms)
 *   npm run bench -- --runs 15    handshakes per figure
 *   npm run bench -- --json       also print one JSON object as the last line
 *   npm run bench -- --browser-runs 5   iterations per browser row (default 15, 3 with --quick)
 *
 * docs/performance.md explains the method and the figures.
 */
import wrtc from '@roamhq/wrtc'
import SimplePeer from 'simple-peer'
import { createRecord, encodeRecord, POLL_INTERVAL_MS, type SessionSignal } from '../src/index.js'
import { startServerChild } from './child.js'
import { directOnce, launcherPair, memoryPair, signalboxOnce } from './connect.js'
import { measureMemoryAttack, measureRoomMemory } from './memory.js'
import { median, round } from './stats.js'
import { measureThroughput } from './throughput.js'
import { formatBundleSizes, measureBundleSize } from './bundle-size.js'
import { measureTimeToFullMesh } from './rooms.js'
import { browserRunsFrom, runBrowserSection } from './browser/index.js'
import { formatSessions, measureSessions } from './sessions.js'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const json = args.includes('--json')
const runsArg = args.indexOf('--runs')
const runs = runsArg === -1 ? (quick ? 3 : 9) : Number(args[runsArg + 1])
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs takes a whole number above 0')
  process.exit(2)
}
const LOAD_CONNECTIONS = 100
const loadSeconds = quick ? 2 : 10
const rooms = quick ? 2_000 : 10_000

/** A real offer as the records carry it, for realistic sizes. */
async function realOfferRecord(): Promise<string> {
  const peer = new SimplePeer({ initiator: true, trickle: false, wrtc })
  const signal = await new Promise<SessionSignal>((resolve) => peer.once('signal', resolve))
  peer.destroy()
  return encodeRecord(createRecord(signal, { targetId: 'bench-room-00112233445566778899aabbccddeeff', now: Date.now(), ttlMs: 150_000 }))
}

async function requestsPerHandshake(url: string, ask: (command: { type: string }) => Promise<{ requests: number }>, watch: boolean) {
  await ask({ type: 'reset' })
  const stores = launcherPair(url, watch)
  await signalboxOnce(stores)
  await Promise.all(stores.map((store) => store.close()))
  return (await ask({ type: 'requests' })).requests
}

const progress = (text: string) => process.stderr.write(`bench: ${text}\n`)

progress(`time to connected, ${runs} handshakes each`)
const server = await startServerChild()
const samples = { direct: [] as number[], memory: [] as number[], push: [] as number[], poll: [] as number[], directTrickle: [] as number[], trickle: [] as number[] }
for (let run = 0; run < runs; run++) {
  // Like for like: the trickle: false rows against direct trickle: false, the trickle row against direct trickle.
  samples.direct.push(await directOnce())
  samples.memory.push(await signalboxOnce(memoryPair(), { trickle: false }))
  samples.push.push(await signalboxOnce(launcherPair(server.url, true), { trickle: false }))
  samples.poll.push(await signalboxOnce(launcherPair(server.url, false), { trickle: false }))
  samples.directTrickle.push(await directOnce(true))
  samples.trickle.push(await signalboxOnce(launcherPair(server.url, true)))
}
progress('requests per handshake')
const ask = <T,>(command: { type: string }) => server.ask<T>(command)
const requestsPerHandshakePush = await requestsPerHandshake(server.url, ask, true)
const requestsPerHandshakePoll = await requestsPerHandshake(server.url, ask, false)
await server.stop()

const record = await realOfferRecord()
progress(`server throughput, ${LOAD_CONNECTIONS} connections, ${loadSeconds} s each`)
const throughput = await measureThroughput(record, LOAD_CONNECTIONS, loadSeconds)
progress(`memory with ${rooms} rooms`)
const roomMemoryMB = await measureRoomMemory(record, rooms)
progress('the memory attack at the default limits')
const attack = await measureMemoryAttack()

const directMs = median(samples.direct)
const memoryMs = median(samples.memory)
const pushMs = median(samples.push)
const pollMs = median(samples.poll)
const figures = {
  runs,
  quick,
  directMs: round(directMs),
  memoryMs: round(memoryMs),
  pushMs: round(pushMs),
  pollMs: round(pollMs),
  memoryRatio: round(memoryMs / directMs, 2),
  directTrickleMs: round(median(samples.directTrickle)),
  trickleMs: round(median(samples.trickle)),
  trickleRatio: round(median(samples.trickle) / median(samples.directTrickle), 2),
  pushRatio: round(pushMs / directMs, 2),
  serverReadsPerSec: Math.round(throughput.server.readsPerSec),
  bareReadsPerSec: Math.round(throughput.bare.readsPerSec),
  serverRatio: round(throughput.server.readsPerSec / throughput.bare.readsPerSec, 2),
  serverP99Ms: throughput.server.p99Ms,
  serverLoadErrors: throughput.server.errors,
  rssPer10kRoomsMB: round((roomMemoryMB * 10_000) / rooms),
  serverKBPerRoom: round((roomMemoryMB * 1024) / rooms, 2),
  attackPeakRssMB: round(attack.peakMB),
  attackBaselineRssMB: round(attack.baselineMB),
  attackRequests: attack.requests,
  attackAnswers: attack.answers,
  attackHealthy: attack.healthy,
  requestsPerHandshakePush,
  requestsPerHandshakePoll,
  recordBytes: record.length,
}

const targets: Array<[string, string, boolean]> = [
  ['pushRatio', '≤ 1.2', figures.pushRatio <= 1.2],
  ['memoryRatio', '≤ 1.1', figures.memoryRatio <= 1.1],
  ['trickleRatio', '≤ 1.5', figures.trickleRatio <= 1.5],
  ['pollMs', `≤ directMs + ${POLL_INTERVAL_MS}`, pollMs <= directMs + POLL_INTERVAL_MS],
  ['serverRatio', '≥ 0.6', figures.serverRatio >= 0.6],
  ['serverP99Ms', `< 10 at ${LOAD_CONNECTIONS} connections`, figures.serverP99Ms < 10],
  ['rssPer10kRoomsMB', '< 50', figures.rssPer10kRoomsMB < 50],
  ['attackPeakRssMB', '< 768 (budget 256 MiB)', figures.attackPeakRssMB < 768 && attack.healthy],
]
const verdict = new Map(targets.map(([name, target, pass]) => [name, `${pass ? 'pass' : 'MISS'} (${target})`]))

const rows: Array<[string, string | number, string]> = [
  ['directMs', figures.directMs, 'two simple-peer instances signalled directly (baseline)'],
  ['memoryMs', figures.memoryMs, 'through the memory store'],
  ['pushMs', figures.pushMs, 'through signalbox serve, push read'],
  ['pollMs', figures.pollMs, 'through signalbox serve, polling only'],
  ['memoryRatio', figures.memoryRatio, ''],
  ['directTrickleMs', figures.directTrickleMs, 'two simple-peer instances signalled directly, trickle (baseline)'],
  ['trickleMs', figures.trickleMs, 'through signalbox serve, push read, trickle (the default)'],
  ['trickleRatio', figures.trickleRatio, ''],
  ['pushRatio', figures.pushRatio, ''],
  ['serverReadsPerSec', figures.serverReadsPerSec, `reads of one record, ${LOAD_CONNECTIONS} connections`],
  ['bareReadsPerSec', figures.bareReadsPerSec, 'bare node:http, same bytes (baseline)'],
  ['serverRatio', figures.serverRatio, ''],
  ['serverP99Ms', figures.serverP99Ms, `p99 latency at ${LOAD_CONNECTIONS} connections`],
  ['rssPer10kRoomsMB', figures.rssPer10kRoomsMB, `server RSS growth per 10,000 rooms (measured with ${rooms})`],
  ['serverKBPerRoom', figures.serverKBPerRoom, 'server RSS growth per open room'],
  ['attackPeakRssMB', figures.attackPeakRssMB, `peak server RSS under the memory attack (from ${figures.attackBaselineRssMB} MB; ${attack.requests} requests: ${JSON.stringify(attack.answers)}; /health ${attack.healthy ? 'always 200' : 'FAILED'})`],
  ['requestsPerHandshakePush', figures.requestsPerHandshakePush, 'both participants, join to hang-up'],
  ['requestsPerHandshakePoll', figures.requestsPerHandshakePoll, 'both participants, join to hang-up'],
]
console.log(`signalbox bench${quick ? ' (quick)' : ''}: medians of ${runs} handshakes\n`)
for (const [name, value, note] of rows) {
  console.log(`${name.padEnd(26)}${String(value).padStart(10)}  ${(verdict.get(name) ?? '').padEnd(34)}${note}`)
}

// Rooms of many: time until every participant is connected to every other (memory store, real WebRTC).
console.log('')
progress('time to full mesh')
const mesh = await measureTimeToFullMesh(undefined, quick ? 1 : undefined)
for (const row of mesh) console.log(`${`timeToFullMesh${row.participants}`.padEnd(26)}${String(row.medianMs).padStart(10)}  ${row.participants} participants, full mesh (samples ${row.samples.join(', ')} ms)`)

// Sessions in Redis (bench/sessions.ts): reads against the memory server, handshakes through two instances against one.
console.log('')
const sessions = await measureSessions(record, quick, progress)
if (sessions !== null) console.log(formatSessions(sessions))

// The browser bundle of a minimal app, beside PeerJS's prebuilt peerjs.min.js.
console.log('')
progress('browser bundle size')
const bundle = await measureBundleSize()
console.log(formatBundleSizes(bundle))

// The browser section (bench/browser/): signalbox against PeerJS in headless Chromium; skipped without Chromium.
console.log('')
const browserSection = await runBrowserSection(browserRunsFrom(args))
const browserFigures = browserSection ?? { browser: null, peerjs: null }

if (json) console.log(JSON.stringify({ ...figures, timeToFullMesh: Object.fromEntries(mesh.map((row) => [row.participants, row.medianMs])), bundle, ...browserFigures, sessions, targets: Object.fromEntries(targets.map(([name, , pass]) => [name, pass])) }))
process.exit(0)
