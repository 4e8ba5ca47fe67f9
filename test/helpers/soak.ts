/**
 * The soak: many rooms handshaking at once against one `signalbox serve`, with
 * fake peers (the load is the signaling, not WebRTC). Shared by
 * test/soak.test.ts and `npm run soak` (bench/soak.ts).
 */
import { createSignaling, SafeLauncherStore, SignalingError } from '../../src/index.js'
import { FakePeerNetwork } from '../../src/testing/index.js'

/** What a soak round saw. */
export interface SoakResult {
  rooms: number
  connected: number
  failed: Record<string, number>
  durationMs: number
}

/** Two participants a room, all rooms joining at once; every call is hung up and every store closed at the end. */
export async function runSoak(url: string, rooms: number): Promise<SoakResult> {
  const network = new FakePeerNetwork()
  const stores = Array.from({ length: rooms * 2 }, () => new SafeLauncherStore({ url }))
  const started = performance.now()
  const calls = stores.map((store, index) =>
    createSignaling({ store, createPeer: network.createPeer, answerTimeoutMs: 60_000, connectTimeoutMs: 30_000 }).join(`soak-${Math.floor(index / 2)}`),
  )
  const outcomes = await Promise.allSettled(calls.map((call) => call.connected))
  const durationMs = performance.now() - started
  const failed: Record<string, number> = {}
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') {
      const code = outcome.reason instanceof SignalingError ? outcome.reason.code : String(outcome.reason)
      failed[code] = (failed[code] ?? 0) + 1
    }
  }
  await Promise.all(calls.map((call) => call.hangup()))
  await Promise.all(stores.map((store) => store.close()))
  return { rooms, connected: outcomes.filter((outcome) => outcome.status === 'fulfilled').length / 2, failed, durationMs }
}
