/**
 * The server's resident memory with many open rooms, as waiting initiators
 * leave it: each room an offer record created over HTTP by its own token, the
 * tokens still valid while memory is measured. The server first serves the
 * same workload once (rooms created, then removed and their tokens revoked),
 * so that what is measured is what the rooms hold, not the heap's first growth.
 */
import { roomAddress, SafeLauncherStore } from '../src/index.js'
import { startServerChild, type ServerChild } from './child.js'

/** How many rooms are created at once. */
const CONCURRENCY = 100

/** Runs `work` on every item, at most {@link CONCURRENCY} at once. */
async function eachBounded<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++]!)
    }),
  )
}

async function openRooms(server: ServerChild, record: string, rooms: number, prefix: string): Promise<Array<[SafeLauncherStore, string]>> {
  const opened: Array<[SafeLauncherStore, string]> = []
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let room = worker; room < rooms; room += CONCURRENCY) {
        const store = new SafeLauncherStore({ url: server.url, watch: false })
        const address = roomAddress(`${prefix}-${room}`)
        await store.create(address, record, { ttlMs: 3_600_000 })
        opened.push([store, address])
      }
    }),
  )
  return opened
}

/** MB of resident memory the server grows by to hold `rooms` rooms of `record` each. */
export async function measureRoomMemory(record: string, rooms: number): Promise<number> {
  const server = await startServerChild('server-process.ts', { BENCH_COUNT: '0' })
  const warmUp = await openRooms(server, record, rooms, 'warm-up')
  await eachBounded(warmUp, async ([store, address]) => {
    await store.remove(address)
    await store.close()
  })
  const before = (await server.ask<{ rss: number }>({ type: 'rss' })).rss
  const opened = await openRooms(server, record, rooms, 'room')
  const after = (await server.ask<{ rss: number }>({ type: 'rss' })).rss
  await eachBounded(opened, ([store]) => store.close())
  await server.stop()
  return (after - before) / (1024 * 1024)
}

/** What the memory attack did to the server at its default limits. */
export interface MemoryAttackResult {
  /** Resident memory after start-up (after a collection), MB. */
  baselineMB: number
  /** The highest resident memory seen during the attack, MB. */
  peakMB: number
  /** Requests sent, and how they were answered (by status and Launcher errorCode). */
  requests: number
  answers: Record<string, number>
  /** Whether /health answered 200 after every round. */
  healthy: boolean
}

/** Rounds of the attack: each a new token that fills its handles and records with max-size data. */
const ATTACK_TOKENS = 60
const ATTACK_ITEMS_PER_TOKEN = 20
/** The largest data a structured data holds (100 KiB with its overhead), base64. */
const ATTACK_DATA = Buffer.alloc(100 * 1024 - 80, 7).toString('base64')

/**
 * The memory attack of issue 15 at the server's default limits, from one
 * address: many tokens, each creating max-size unsaved handles and saving
 * max-size records until refused. Reports the server's peak resident memory
 * and how it answered; the default budget (256 MiB) and per-address caps
 * should keep the peak far below Node's heap limit.
 */
export async function measureMemoryAttack(): Promise<MemoryAttackResult> {
  const server = await startServerChild('server-process.ts', { BENCH_COUNT: '0', BENCH_LIMITS: 'default' })
  const baseline = (await server.ask<{ rss: number }>({ type: 'rss' })).rss
  const answers: Record<string, number> = {}
  let requests = 0
  let healthy = true
  const send = async (path: string, init: RequestInit): Promise<Response> => {
    requests++
    const response = await fetch(server.url + path, init)
    const body = (await response.json().catch(() => ({}))) as { errorCode?: number }
    const key = response.status === 200 ? '200' : `${response.status}/${body.errorCode ?? '-'}`
    answers[key] = (answers[key] ?? 0) + 1
    return new Response(JSON.stringify(body), { status: response.status })
  }
  for (let round = 0; round < ATTACK_TOKENS; round++) {
    const auth = await send('auth', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app: { name: 'attack', id: 'attack', version: '1', vendor: 'bench' }, permissions: ['LOW_LEVEL_API'] }),
    })
    if (auth.status !== 200) continue
    const headers = { authorization: `Bearer ${((await auth.json()) as { token: string }).token}`, 'content-type': 'application/json' }
    for (let item = 0; item < ATTACK_ITEMS_PER_TOKEN; item++) {
      const name = Buffer.alloc(32)
      name.write(`attack-${round}-${item}`)
      const created = await send('structured-data', { method: 'POST', headers, body: JSON.stringify({ name: name.toString('base64'), typeTag: 500, data: ATTACK_DATA }) })
      if (created.status !== 200) continue
      const { handleId } = (await created.json()) as { handleId: number }
      await send(`structured-data/${handleId}`, { method: 'PUT', headers: { authorization: headers.authorization } })
    }
    healthy &&= (await fetch(server.url.replace(/0\.5\/$/, 'health'))).status === 200
  }
  const peak = (await server.ask<{ rss: number }>({ type: 'peak' })).rss
  await server.stop()
  return { baselineMB: baseline / (1024 * 1024), peakMB: peak / (1024 * 1024), requests, answers, healthy }
}
