/**
 * Time to connected: two Node participants with real WebRTC (@roamhq/wrtc,
 * loopback; trickle: false, and with trickle for the trickle row) that start at the same moment, until both are
 * connected. The baseline is two simple-peer instances signalled directly in
 * this process; then through the memory store, and through `signalbox serve`
 * with the push read and with polling only.
 */
import wrtc from '@roamhq/wrtc'
import SimplePeer from 'simple-peer'
import { createSignaling, MemoryStore, SafeLauncherStore, type SignalStore } from '../src/index.js'

/** Two simple-peer instances signalled directly: the floor any signaling sits on. */
export async function directOnce(trickle = false): Promise<number> {
  const start = performance.now()
  const a = new SimplePeer({ initiator: true, trickle, wrtc })
  const b = new SimplePeer({ trickle, wrtc })
  a.on('signal', (data) => b.signal(data))
  b.on('signal', (data) => a.signal(data))
  await Promise.all([new Promise((resolve) => a.once('connect', resolve)), new Promise((resolve) => b.once('connect', resolve))])
  const elapsed = performance.now() - start
  a.destroy()
  b.destroy()
  return elapsed
}

let roomCounter = 0

/** Two participants through `stores`, joining the same fresh room at the same moment. */
export async function signalboxOnce(stores: [SignalStore, SignalStore], options: { pollIntervalMs?: number; trickle?: boolean } = {}): Promise<number> {
  const room = `bench-${process.pid}-${roomCounter++}`
  const start = performance.now()
  const calls = stores.map((store) => createSignaling({ store, wrtc, ...options }).join(room))
  await Promise.all(calls.map((call) => call.connected))
  const elapsed = performance.now() - start
  await Promise.all(calls.map((call) => call.hangup()))
  return elapsed
}

/** Two participants over one set of memory records. */
export function memoryPair(): [SignalStore, SignalStore] {
  const store = new MemoryStore()
  return [store, store.client()]
}

/** Two participants, each with its own SafeLauncherStore on `url`. */
export function launcherPair(url: string, watch: boolean): [SafeLauncherStore, SafeLauncherStore] {
  return [new SafeLauncherStore({ url, watch }), new SafeLauncherStore({ url, watch })]
}
