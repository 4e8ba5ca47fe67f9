/**
 * When a connection's gathering of ICE candidates ends, for a description sent
 * whole (without trickle): at the connection's end of candidates, or a
 * timeout after the first candidate (simple-peer's `iceCompleteTimeout`).
 * wrtc announces an end of candidates before an answer's candidates come; an
 * end announced before any candidate since our first description was set
 * therefore waits for them (or the timeout).
 *
 * @module
 */
import type { IceCandidate } from '../protocol/trickle.js'

/** The candidate an `icecandidate` event carries, as simple-peer signals it; null for the end of candidates. */
export function gatheredCandidate(candidate: RTCIceCandidate | null): IceCandidate | null {
  if (candidate === null || candidate.candidate === '') return null
  return { candidate: candidate.candidate, sdpMLineIndex: candidate.sdpMLineIndex, sdpMid: candidate.sdpMid }
}

/** Watches one connection's gathering; calls `onEnd` once when it ends. */
export class GatheringEnd {
  /** Candidates gathered since our first description was set; undefined before it is. */
  #count: number | undefined
  #timer: ReturnType<typeof setTimeout> | undefined
  #ended = false

  /**
   * @param timeoutMs - how long gathering may go on after the first candidate (or after an end announced before any), in ms
   * @param onEnd - called once, when gathering ends
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly onEnd: () => void,
  ) {}

  /** True once gathering has ended. */
  get ended(): boolean {
    return this.#ended
  }

  /** Our first description is being set: candidates count from now. */
  started(): void {
    this.#count ??= 0
  }

  /** The connection gathered a candidate. */
  candidate(): void {
    if (this.#count !== undefined) this.#count++
    this.#waitAtMostTimeout()
  }

  /** The connection announced the end of its candidates. */
  announced(): void {
    if (this.#count === 0) this.#waitAtMostTimeout()
    else if (this.#count !== undefined) this.#end()
  }

  /** Stops the timeout (the connection is closing). */
  stop(): void {
    clearTimeout(this.#timer)
  }

  #waitAtMostTimeout(): void {
    this.#timer ??= setTimeout(() => this.#end(), this.timeoutMs)
  }

  #end(): void {
    if (this.#ended) return
    this.#ended = true
    clearTimeout(this.#timer)
    this.onEnd()
  }
}
