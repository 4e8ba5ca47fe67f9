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
