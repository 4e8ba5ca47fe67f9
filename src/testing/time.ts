/**
 * Helpers to drive time in tests: XState's `SimulatedClock` moves the
 * machine's delays and, through {@link schedulerFromClock}, the poll.
 *
 * @module
 */
import type { SimulatedClock } from 'xstate'

/** How many turns of the event loop {@link flushPromises} lets pass. */
const FLUSH_TURNS = 10

/** Runs a callback on a later turn of the event loop (setImmediate in Node, a 0 ms timeout elsewhere). */
export const nextTurn: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0)

/** Lets pending promise callbacks and microtasks run (store calls resolving, fake peers signalling). */
export async function flushPromises(): Promise<void> {
  for (let turn = 0; turn < FLUSH_TURNS; turn++) await new Promise<void>((resolve) => nextTurn(resolve))
}

/**
 * Moves a `SimulatedClock` forward by `ms` in steps of `stepMs`, letting
 * promises settle after each step, so timers that reschedule themselves (the
 * 2-second poll) fire at each of their times, as on a real clock.
 */
export async function advanceClock(clock: SimulatedClock, ms: number, stepMs = 100): Promise<void> {
  await flushPromises()
  let left = ms
  while (left > 0) {
    const step = Math.min(stepMs, left)
    clock.increment(step)
    left -= step
    await flushPromises()
  }
}
