/**
 * Time as a dependency: one clock drives the machine's delays (XState), the
 * poll and retries (RxJS), and record expiry, so a test that advances
 * XState's `SimulatedClock` moves all of them together.
 *
 * @module
 */
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs'

/**
 * A clock: XState's `Clock` plus `now()`. XState's `SimulatedClock` is one;
 * {@link realClock} is the default.
 */
export interface SignalingClock {
  /** Calls `fn` after `ms` milliseconds; returns a handle for {@link SignalingClock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown
  /** Cancels a pending call. */
  clearTimeout(handle: unknown): void
  /** The current time in ms since the epoch (or since the start of a simulated clock). */
  now(): number
}

/** The wall clock: the global timers and `Date.now()`, looked up at call time so fake timers apply. */
export const realClock: SignalingClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
}

/**
 * An RxJS scheduler that runs its work on `clock`, so `timer()`, `timeout()` and
 * `retry({ delay })` follow the same time as the machine.
 */
export function schedulerFromClock(clock: SignalingClock): SchedulerLike {
  return {
    now: () => clock.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
      return new ClockAction<T>(clock, work).schedule(state, delay)
    },
  }
}

/** One unit of scheduled work; RxJS reschedules periodic work by calling `schedule` on it again. */
class ClockAction<T> extends Subscription implements SchedulerAction<T> {
  private handle: unknown = undefined
  private pending = false

  constructor(
    private readonly clock: SignalingClock,
    private readonly work: (this: SchedulerAction<T>, state?: T) => void,
  ) {
    super()
  }

  override unsubscribe(): void {
    this.cancel()
    super.unsubscribe()
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this
    this.cancel()
    this.pending = true
    this.handle = this.clock.setTimeout(() => {
      this.pending = false
      if (!this.closed) this.work.call(this, state)
    }, Math.max(0, delay))
    return this
  }

  private cancel(): void {
    if (this.pending) this.clock.clearTimeout(this.handle)
    this.pending = false
  }
}
