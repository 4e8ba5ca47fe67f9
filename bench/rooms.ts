/**
 * Time to full mesh: `n` Node participants of a room of many (real WebRTC,
 * @roamhq/wrtc on loopback) join the same fresh room at the same moment,
 * until every one is connected to every other. Over the memory store by
 * default, or over the stores `storesFor(n)` makes (for `signalbox serve`).
 *
 * Hook into bench/index.ts: `const mesh = await measureTimeToFullMesh()` and
 * print its rows (`participants`, `medianMs`, `samples`) beside the pair rows.
 */
import wrtc from '@roamhq/wrtc'
import { joinRoom, MemoryStore, MemoryTable, type Room, type SignalStore } from '../src/index.js'
import { median, round } from './stats.js'

/** Room sizes measured by default. */
export const MESH_SIZES = [2, 4, 8] as const
/** Runs per size by default. */
export const MESH_RUNS = 3
/** Time between reads of the slots, in ms (the default 2 s poll dominates otherwise; the push read makes it moot). */
const MESH_POLL_INTERVAL_MS = 250

let roomCounter = 0

/** Stores of `n` participants sharing one in-memory table. */
export function memoryStores(n: number): SignalStore[] {
  const table = new MemoryTable()
  return Array.from({ length: n }, () => new MemoryStore({ table }))
}

/** One run: `stores.length` participants join one fresh room; ms until the mesh is full. */
export async function timeToFullMeshOnce(stores: SignalStore[]): Promise<number> {
  const name = `mesh-${process.pid}-${roomCounter++}`
  const maxPeers = Math.max(stores.length, 2)
  const start = performance.now()
  // Two participants are the pair call; a room of many needs maxPeers above 2, so a room of 2 is measured as one of 3 half full.
  const rooms: Room[] = stores.map((store) => joinRoom(name, { maxPeers: maxPeers === 2 ? 3 : maxPeers, store, wrtc, pollIntervalMs: MESH_POLL_INTERVAL_MS }))
  await new Promise<void>((resolve) => {
    const check = () => {
      if (rooms.every((room) => room.peers.size === rooms.length - 1)) resolve()
    }
    for (const room of rooms) room.onPeerJoin(check)
  })
  const elapsed = performance.now() - start
  await Promise.all(rooms.map((room) => room.leave()))
  return elapsed
}

/** One row of the report. */
export interface FullMeshRow {
  participants: number
  medianMs: number
  samples: number[]
}

/** Time to full mesh for each size (default 2, 4, 8), `runs` times each. */
export async function measureTimeToFullMesh(
  sizes: readonly number[] = MESH_SIZES,
  runs: number = MESH_RUNS,
  storesFor: (n: number) => SignalStore[] = memoryStores,
): Promise<FullMeshRow[]> {
  const rows: FullMeshRow[] = []
  for (const participants of sizes) {
    const samples: number[] = []
    for (let run = 0; run < runs; run++) samples.push(await timeToFullMeshOnce(storesFor(participants)))
    rows.push({ participants, medianMs: round(median(samples)), samples: samples.map(round) })
  }
  return rows
}
