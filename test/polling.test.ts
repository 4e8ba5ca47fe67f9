import { catchError, finalize, Observable, of, type ObservableInput } from 'rxjs'
import { TestScheduler } from 'rxjs/testing'
import { beforeEach, describe, expect, it } from 'vitest'
import { POLL_INTERVAL_MS, pollForRecord, SignalingError, type PollOptions } from '../src/index.js'
import { catchCode as codeOf } from './helpers/codes.js'

let scheduler: TestScheduler
beforeEach(() => {
  scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected))
})

/** A cold observable on the current TestScheduler (usable inside `scheduler.run`). */
function cold<T>(marbles: string, values?: Record<string, T>, error?: unknown): Observable<T> {
  return scheduler.createColdObservable<T>(marbles, values, error)
}

/** A read that answers with `answers[n]` on its n-th call (the last one repeats), logging when each read starts. */
function scriptedRead(answers: Array<() => ObservableInput<string | null>>) {
  const starts: number[] = []
  let inFlight = 0
  let maxInFlight = 0
  const read = () => {
    starts.push(scheduler.now())
    const answer = answers[Math.min(starts.length - 1, answers.length - 1)]!
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    return new Observable<string | null>((subscriber) => {
      const inner = (answer() as Observable<string | null>).pipe(finalize(() => inFlight--)).subscribe(subscriber)
      return inner
    })
  }
  return { read, starts, maxInFlight: () => maxInFlight }
}

const nothing = () => of(null)
const record = () => of('answer')

function poll(read: (signal: AbortSignal) => ObservableInput<string | null>, options: PollOptions<string> = {}) {
  return pollForRecord(read, { scheduler, ...options })
}

describe('pollForRecord', () => {
  it('polls every 2 seconds, as the seed did', () => {
    expect(POLL_INTERVAL_MS).toBe(2000)
  })

  it('reads at once, then every 2000 ms, and emits the first record', () => {
    scheduler.run(({ expectObservable }) => {
      const script = scriptedRead([nothing, nothing, record])
      expectObservable(poll(script.read)).toBe('4000ms (r|)', { r: 'answer' })
      scheduler.flush()
      expect(script.starts).toEqual([0, 2000, 4000])
    })
  })

  it('stops reading after the first record', () => {
    scheduler.run(({ expectObservable }) => {
      const script = scriptedRead([nothing, record, nothing])
      expectObservable(poll(script.read)).toBe('2000ms (r|)', { r: 'answer' })
      scheduler.flush()
      scheduler.schedule(() => undefined, 60_000)
      scheduler.flush()
      expect(script.starts).toEqual([0, 2000])
    })
  })

  it('never overlaps reads: one that takes 3000 ms is followed by the next when it ends', () => {
    scheduler.run(({ expectObservable }) => {
      const slowNothing = () => cold<string | null>('3000ms (n|)', { n: null })
      const script = scriptedRead([slowNothing, slowNothing, () => cold('3000ms (r|)', { r: 'answer' })])
      expectObservable(poll(script.read)).toBe('9000ms (r|)', { r: 'answer' })
      scheduler.flush()
      expect(script.starts).toEqual([0, 3000, 6000])
      expect(script.maxInFlight()).toBe(1)
    })
  })

  it('measures the interval from the start of a read: a 500 ms read still polls at 0 and 2000', () => {
    scheduler.run(({ expectObservable }) => {
      const script = scriptedRead([() => cold('500ms (n|)', { n: null }), record])
      expectObservable(poll(script.read)).toBe('2000ms (r|)', { r: 'answer' })
      scheduler.flush()
      expect(script.starts).toEqual([0, 2000])
    })
  })

  it('honours another interval', () => {
    scheduler.run(({ expectObservable }) => {
      const script = scriptedRead([nothing, nothing, record])
      expectObservable(poll(script.read, { intervalMs: 500 })).toBe('1000ms (r|)', { r: 'answer' })
      scheduler.flush()
      expect(script.starts).toEqual([0, 500, 1000])
    })
  })

  it('has no deadline of its own: unsubscribed (the machine’s answerTimeout), it stops reading and aborts the read in flight', () => {
    scheduler.run(({ expectObservable }) => {
      const script = scriptedRead([nothing, nothing, () => cold('3000ms (r|)', { r: 'answer' })])
      const signals: AbortSignal[] = []
      const read = (signal: AbortSignal) => {
        signals.push(signal)
        return script.read()
      }
      expectObservable(poll(read), '5000ms !').toBe('')
      scheduler.schedule(() => expect(signals[2]?.aborted).toBe(false), 4999)
      scheduler.flush()
      scheduler.schedule(() => undefined, 60_000)
      scheduler.flush()
      expect(script.starts).toEqual([0, 2000, 4000])
      expect(signals[2]?.aborted).toBe(true)
    })
  })

  it('retries a failed read with backoff (250, 500, 1000 ms), then fails with ERR_STORE_UNAVAILABLE', () => {
    scheduler.run(({ expectObservable }) => {
      const script = scriptedRead([() => cold('#', undefined, new Error('connection refused'))])
      expectObservable(codeOf(poll(script.read))).toBe('1750ms (c|)', { c: 'ERR_STORE_UNAVAILABLE' })
      scheduler.flush()
      expect(script.starts).toEqual([0, 250, 750, 1750])
    })
  })

  it('keeps the original failure as the cause of ERR_STORE_UNAVAILABLE', () => {
    scheduler.run(({ expectObservable }) => {
      const down = new Error('connection refused')
      const script = scriptedRead([() => cold('#', undefined, down)])
      const causes = poll(script.read, { retries: 0 }).pipe(catchError((error: SignalingError) => of(error.cause)))
      expectObservable(causes).toBe('(c|)', { c: down })
    })
  })

  it('recovers when a retry succeeds, and keeps polling on the 2-second rhythm', () => {
    scheduler.run(({ expectObservable }) => {
      const fail = () => cold<string | null>('#', undefined, new Error('blip'))
      const script = scriptedRead([fail, nothing, record])
      expectObservable(poll(script.read)).toBe('2250ms (r|)', { r: 'answer' })
      scheduler.flush()
      expect(script.starts).toEqual([0, 250, 2250])
    })
  })

  it('fails at once, without retrying, on a definite error such as ERR_BAD_RECORD', () => {
    scheduler.run(({ expectObservable }) => {
      const script = scriptedRead([() => cold('#', undefined, new SignalingError('ERR_BAD_RECORD'))])
      expectObservable(codeOf(poll(script.read))).toBe('(c|)', { c: 'ERR_BAD_RECORD' })
      scheduler.flush()
      expect(script.starts).toEqual([0])
    })
  })

  it('takes a pushed record as soon as the watch delivers it', () => {
    scheduler.run(({ expectObservable }) => {
      const script = scriptedRead([nothing])
      const watch = cold<string | null>('n 1499ms p', { n: null, p: 'pushed' })
      expectObservable(poll(script.read, { watch })).toBe('1500ms (p|)', { p: 'pushed' })
      scheduler.flush()
      expect(script.starts).toEqual([0])
    })
  })

  it('keeps polling when the watch fails', () => {
    scheduler.run(({ expectObservable }) => {
      const script = scriptedRead([nothing, record])
      const watch = cold<string | null>('100ms #', undefined, new Error('stream reset'))
      expectObservable(poll(script.read, { watch })).toBe('2000ms (r|)', { r: 'answer' })
    })
  })

  it('takes whichever comes first: a read can beat the watch', () => {
    scheduler.run(({ expectObservable }) => {
      const script = scriptedRead([nothing, record])
      const watch = cold<string | null>('n 4999ms p', { n: null, p: 'pushed' })
      expectObservable(poll(script.read, { watch })).toBe('2000ms (r|)', { r: 'answer' })
    })
  })

  it('starts reading after firstReadDelayMs, then keeps the interval from there (the watch meanwhile)', () => {
    scheduler.run(({ expectObservable }) => {
      const script = scriptedRead([nothing, nothing, record])
      const watch = cold<string | null>('n', { n: null })
      expectObservable(poll(script.read, { watch, firstReadDelayMs: 2000 })).toBe('6000ms (r|)', { r: 'answer' })
      scheduler.flush()
      expect(script.starts).toEqual([2000, 4000, 6000])
    })
  })

  it('reads nothing at all when the watch delivers before firstReadDelayMs', () => {
    scheduler.run(({ expectObservable }) => {
      const script = scriptedRead([record])
      const watch = cold<string | null>('n 29ms p', { n: null, p: 'pushed' })
      expectObservable(poll(script.read, { watch, firstReadDelayMs: 2000 })).toBe('30ms (p|)', { p: 'pushed' })
      scheduler.flush()
      expect(script.starts).toEqual([])
    })
  })

  it('rejects nonsensical options with ERR_INVALID_OPTION', () => {
    for (const options of [{ intervalMs: 0 }, { intervalMs: Number.NaN }, { retries: 1.5 }, { retryDelayMs: -1 }, { firstReadDelayMs: -1 }]) {
      expect(() => pollForRecord(nothing, options)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }))
    }
  })
})
