/**
 * The bench's sessions section (issue 18): what keeping tokens, handles and
 * limits in Redis costs and what it buys, measured in the same run.
 *
 * - Reads of one record with a token (so every request looks its session up),
 *   through one instance with Redis-held sessions against the memory server:
 *   throughput and p99 (target ≥ 0.5× the memory server's throughput).
 * - Handshakes per second (the six store calls of one: offer, read, answer,
 *   read, two removes; the offer's real size) through two Redis instances
 *   behind the round-robin proxy against one instance behind the same proxy
 *   (target ≥ 1.6×).
 *
 * Servers run in child processes; Redis is a real redis-server on a free
 * loopback port; everything is bounded in time and count. Alone:
 * `npx tsx bench/sessions.ts [--quick] [--json]`.
 */
import { availableParallelism, loadavg } from 'node:os'
import { pathToFileURL } from 'node:url'
import autocannon from 'autocannon'
import { createRecord, encodeRecord, nameOf, SafeLauncherStore } from '../src/index.js'
import { redisAvailable, startRedis } from '../test/helpers/redis.js'
import { startRoundRobinProxy } from '../test/server/round-robin-proxy.js'
import { startServerChild, type ServerChild } from './child.js'
import { round } from './stats.js'

/** Concurrent connections of the read load (as the main throughput row). */
const READ_CONNECTIONS = 100
/** Handshakes in flight at once. */
const HANDSHAKE_PAIRS = 16
/** Most handshakes one figure makes, whatever its duration. */
const MAX_HANDSHAKES = 20_000
/** Targets of the section. */
export const SESSIONS_TARGETS = { readRatio: 0.5, handshakeRatio: 1.6 } as const

/** What the section measured. */
export interface SessionsFigures {
  memoryReadsPerSec: number
  redisReadsPerSec: number
  readRatio: number
  memoryReadP99Ms: number
  redisReadP99Ms: number
  readErrors: number
  handshakesPerSecOne: number
  handshakesPerSecTwo: number
  handshakeRatio: number
  cores: number
  /** The machine's one-minute load average when the handshakes were measured (other work shares the cores). */
  loadAverage: number
  targets: { readRatio: boolean; handshakeRatio: boolean }
}

const APP = { name: 'signalbox bench', id: 'example.signaling.v1', version: '1', vendor: 'signalbox' }

async function startServer(redisUrl: string | undefined): Promise<ServerChild> {
  return startServerChild('sessions-server.ts', { BENCH_REDIS_URL: redisUrl ?? '' })
}

/** Reads of one record with a token through the server at `url`: throughput, p99 and errors. */
async function readLoad(url: string, record: string, seconds: number) {
  const auth = await fetch(`${url}auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ app: APP, permissions: ['LOW_LEVEL_API'] }) })
  const { token } = (await auth.json()) as { token: string }
  const store = new SafeLauncherStore({ url })
  await store.create('bench-sessions-room', record)
  await store.close()
  const query = new URLSearchParams({ name: await nameOf('bench-sessions-room'), typeTag: '500' })
  const result = await autocannon({ url: `${url}structured-data/read?${query}`, connections: READ_CONNECTIONS, duration: seconds, headers: { authorization: `Bearer ${token}` } })
  return { readsPerSec: result.requests.average, p99Ms: result.latency.p99, errors: result.errors + result.non2xx }
}

/** Handshakes per second through `url`: {@link HANDSHAKE_PAIRS} pairs, each making one handshake after another for `seconds`. */
async function handshakeRate(url: string, record: string, seconds: number): Promise<number> {
  const pairs = Array.from({ length: HANDSHAKE_PAIRS }, () => [new SafeLauncherStore({ url, watch: false }), new SafeLauncherStore({ url, watch: false })] as const)
  let made = 0
  const handshake = async ([a, b]: readonly [SafeLauncherStore, SafeLauncherStore], room: string) => {
    await a.create(room, record)
    if ((await b.read(room)) === null) throw new Error(`bench: the offer at ${room} was not read back`)
    await b.create(`${room}-answer`, record)
    if ((await a.read(`${room}-answer`)) === null) throw new Error(`bench: the answer at ${room} was not read back`)
    await Promise.all([a.remove(room), b.remove(`${room}-answer`)])
  }
  // One handshake each first, not counted: the tokens are taken then.
  await Promise.all(pairs.map((pair, index) => handshake(pair, `warm-${process.pid}-${Date.now()}-${index}`)))
  const started = performance.now()
  const deadline = started + seconds * 1000
  await Promise.all(
    pairs.map(async (pair, index) => {
      for (let n = 0; performance.now() < deadline && made < MAX_HANDSHAKES; n++) {
        await handshake(pair, `hs-${process.pid}-${started}-${index}-${n}`)
        made++
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  await Promise.all(pairs.flat().map((store) => store.close()))
  return made / elapsed
}

/** Runs the section; null (and one line saying why) without redis-server. */
export async function measureSessions(record: string, quick: boolean, progress: (text: string) => void): Promise<SessionsFigures | null> {
  if (!redisAvailable) {
    progress('sessions in Redis: skipped, redis-server is not installed (apt-get install -y redis-server)')
    return null
  }
  const seconds = quick ? 2 : 5
  const redis = await startRedis()
  // Every child started, stopped whatever happens (a failed run leaves no server behind).
  const children = new Set<ServerChild>()
  const start = async (redisUrl: string | undefined) => {
    const child = await startServer(redisUrl)
    children.add(child)
    return child
  }
  const stop = async (child: ServerChild) => {
    children.delete(child)
    await child.stop()
  }
  try {
    progress(`sessions: reads with a token, ${READ_CONNECTIONS} connections, ${seconds} s each (memory, then Redis)`)
    const memoryServer = await start(undefined)
    const memory = await readLoad(memoryServer.url, record, seconds)
    await stop(memoryServer)
    const redisServer = await start(redis.url)
    const held = await readLoad(redisServer.url, record, seconds)

    progress(`sessions: handshakes per second, ${HANDSHAKE_PAIRS} at once, ${seconds} s each (one instance, then two, behind round robin)`)
    const port = (url: string) => Number(new URL(url).port)
    const one = await startRoundRobinProxy([port(redisServer.url)])
    const oneRate = await handshakeRate(one.url, record, seconds).finally(() => one.close())
    const second = await start(redis.url)
    const two = await startRoundRobinProxy([port(redisServer.url), port(second.url)])
    const twoRate = await handshakeRate(two.url, record, seconds).finally(() => two.close())
    const loadAverage = round(loadavg()[0]!, 2)

    const readRatio = round(held.readsPerSec / memory.readsPerSec, 2)
    const handshakeRatio = round(twoRate / oneRate, 2)
    return {
      memoryReadsPerSec: Math.round(memory.readsPerSec),
      redisReadsPerSec: Math.round(held.readsPerSec),
      readRatio,
      memoryReadP99Ms: memory.p99Ms,
      redisReadP99Ms: held.p99Ms,
      readErrors: memory.errors + held.errors,
      handshakesPerSecOne: round(oneRate),
      handshakesPerSecTwo: round(twoRate),
      handshakeRatio,
      cores: availableParallelism(),
      loadAverage,
      targets: { readRatio: readRatio >= SESSIONS_TARGETS.readRatio, handshakeRatio: handshakeRatio >= SESSIONS_TARGETS.handshakeRatio },
    }
  } finally {
    await Promise.all([...children].map((child) => stop(child)))
    await redis.stop()
  }
}

/** The section's rows, as the bench prints its others. */
export function formatSessions(figures: SessionsFigures): string {
  const verdict = (pass: boolean, target: string) => `${pass ? 'pass' : 'MISS'} (${target})`
  const handshakeVerdict = figures.targets.handshakeRatio
    ? verdict(true, `≥ ${SESSIONS_TARGETS.handshakeRatio}`)
    : `${verdict(false, `≥ ${SESSIONS_TARGETS.handshakeRatio}`)}: ${figures.cores} cores (load average ${figures.loadAverage}) shared by two servers, Redis, the proxy and the load generator`
  const rows: Array<[string, string | number, string, string]> = [
    ['sessionsMemoryReadsPerSec', figures.memoryReadsPerSec, '', `reads with a token, memory server, ${READ_CONNECTIONS} connections (baseline)`],
    ['sessionsRedisReadsPerSec', figures.redisReadsPerSec, '', 'the same, one instance with sessions and records in Redis'],
    ['sessionsReadRatio', figures.readRatio, verdict(figures.targets.readRatio, `≥ ${SESSIONS_TARGETS.readRatio}`), ''],
    ['sessionsMemoryReadP99Ms', figures.memoryReadP99Ms, '', 'p99 latency, memory server'],
    ['sessionsRedisReadP99Ms', figures.redisReadP99Ms, '', `p99 latency, Redis-held sessions (errors in both runs: ${figures.readErrors})`],
    ['handshakesPerSecOne', figures.handshakesPerSecOne, '', `store handshakes, one Redis instance behind the proxy, ${HANDSHAKE_PAIRS} at once`],
    ['handshakesPerSecTwo', figures.handshakesPerSecTwo, '', 'the same, two instances behind round robin'],
    ['handshakeRatio', figures.handshakeRatio, handshakeVerdict, ''],
  ]
  return rows.map(([name, value, mark, note]) => `${name.padEnd(26)}${String(value).padStart(10)}  ${mark.padEnd(34)}${note}`).join('\n')
}

// Alone: npx tsx bench/sessions.ts [--quick] [--json]
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2)
  // An offer of a real offer's size (about 4 KB of SDP); the full bench passes a real one.
  const record = encodeRecord(createRecord({ type: 'offer', sdp: `v=0 ${'a'.repeat(4_000)}` }, { targetId: 'bench-sessions', now: Date.now(), ttlMs: 150_000 }))
  const figures = await measureSessions(record, args.includes('--quick'), (text) => process.stderr.write(`bench: ${text}\n`))
  if (figures !== null) console.log(formatSessions(figures))
  if (args.includes('--json')) console.log(JSON.stringify({ sessions: figures }))
  process.exit(0)
}
