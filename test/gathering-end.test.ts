/**
 * When a description sent whole waits for the end of gathering
 * (src/peer/gathering-end.ts), on fake timers: the connection's end of
 * candidates, or a timeout after the first candidate; an end announced before
 * any candidate since our description was set waits for them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { GatheringEnd } from '../src/peer/gathering-end.js'

const TIMEOUT_MS = 5_000

describe('GatheringEnd', () => {
  let ends = 0
  let gathering: GatheringEnd
  beforeEach(() => {
    vi.useFakeTimers()
    ends = 0
    gathering = new GatheringEnd(TIMEOUT_MS, () => ends++)
  })
  afterEach(() => vi.useRealTimers())

  it('ends at the end of candidates announced after some came', () => {
    gathering.started()
    gathering.candidate()
    expect(gathering.ended).toBe(false)
    gathering.announced()
    expect([gathering.ended, ends]).toEqual([true, 1])
    gathering.announced()
    vi.advanceTimersByTime(TIMEOUT_MS)
    expect(ends).toBe(1)
  })

  it('waits past an end announced before any candidate, for the candidates and the end after them', () => {
    gathering.started()
    gathering.announced()
    expect(gathering.ended).toBe(false)
    gathering.candidate()
    gathering.announced()
    expect([gathering.ended, ends]).toEqual([true, 1])
  })

  it('ends at the timeout when an early end is all that comes, or when candidates come without an end', () => {
    gathering.started()
    gathering.announced()
    vi.advanceTimersByTime(TIMEOUT_MS - 1)
    expect(gathering.ended).toBe(false)
    vi.advanceTimersByTime(1)
    expect([gathering.ended, ends]).toEqual([true, 1])

    const other = new GatheringEnd(TIMEOUT_MS, () => ends++)
    other.started()
    other.candidate()
    vi.advanceTimersByTime(TIMEOUT_MS)
    expect([other.ended, ends]).toEqual([true, 2])
  })

  it('ignores an end announced before our description is set, and stops its timeout when told', () => {
    gathering.announced()
    expect(gathering.ended).toBe(false)
    gathering.started()
    gathering.candidate()
    gathering.stop()
    vi.advanceTimersByTime(TIMEOUT_MS * 2)
    expect([gathering.ended, ends]).toEqual([false, 0])
  })
})
