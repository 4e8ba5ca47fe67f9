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

/**
 * The wall clock, with a jump forward on demand: timers run at their real time,
 * or at once when {@link AdvanceableClock.advance} passes their due time. The
 * soak's server runs on it, so that what its clients failed to clean up (a
 * revocation that timed out on a loaded machine) can be seen to go away by
 * itself (idle token expiry, record ttl) without waiting minutes.
 */
export class AdvanceableClock {
  private offsetMs = 0
  private readonly timers = new Map<ReturnType<typeof setTimeout>, { dueAt: number; fn: () => void }>()

  now(): number {
    return Date.now() + this.offsetMs
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const handle: ReturnType<typeof setTimeout> = setTimeout(() => {
      this.timers.delete(handle)
      fn()
    }, ms)
    handle.unref()
    this.timers.set(handle, { dueAt: this.now() + ms, fn })
    return handle
  }

  clearTimeout(handle: unknown): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>)
    this.timers.delete(handle as ReturnType<typeof setTimeout>)
  }

  /** Moves time forward by `ms`, running every timer now due (and those they set that are due too). */
  advance(ms: number): void {
    this.offsetMs += ms
    for (let due = this.due(); due.length > 0; due = this.due()) {
      for (const [handle, timer] of due) {
        this.clearTimeout(handle)
        timer.fn()
      }
    }
  }

  private due(): Array<[ReturnType<typeof setTimeout>, { dueAt: number; fn: () => void }]> {
    const now = this.now()
    return [...this.timers].filter(([, timer]) => timer.dueAt <= now)
  }
}
