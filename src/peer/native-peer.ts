/**
 * signalbox's own WebRTC peer: {@link NativeConnection} (the connection, its
 * data channel and simple-peer's signals) plus local and remote media and
 * stream-style writing, with simple-peer's method names. It is what
 * `createSignaling` and `joinRoom` make by default, in browsers and in Node
 * (with `wrtc`); `createSimplePeerFactory` still makes simple-peer's.
 *
 * @module
 */
import { MAX_BUFFERED_BYTES, NativeConnection } from './native-connection.js'
import { nativeError, type NativePeerOptions } from './native-options.js'

export { MAX_BUFFERED_BYTES } from './native-connection.js'
export type { NativePeerOptions } from './native-options.js'

/**
 * How often writes waiting for the channel's buffer look at it themselves, in ms: not every
 * implementation says when it ran low (`@roamhq/wrtc` never fires `bufferedamountlow`).
 */
export const BUFFER_POLL_MS = 50

/** A write waiting for the channel: its data and who to tell once it went. */
interface PendingWrite {
  data: string | Uint8Array
  callback: ((error?: Error | null) => void) | undefined
}

/**
 * A WebRTC peer on the platform's `RTCPeerConnection`, signaling as simple-peer
 * does (`signal` events out, `signal()` in), so it meets simple-peer peers.
 *
 * @example
 * ```ts
 * const peer = new NativePeer({ initiator: true })
 * peer.on('signal', (data) => sendToTheOtherSide(data))
 * peer.on('connect', () => peer.send('hello'))
 * ```
 */
export class NativePeer extends NativeConnection {
  /** The local media streams sent (simple-peer's `streams`). */
  readonly streams: MediaStream[]
  readonly #senders = new Map<MediaStreamTrack, Map<MediaStream, RTCRtpSender & { removed?: boolean }>>()
  readonly #remoteStreams = new Set<string>()
  #pendingWrites: PendingWrite[] = []
  /** Writes sent while the channel held more than {@link MAX_BUFFERED_BYTES}: called back once it runs low. */
  #waitingWrites: PendingWrite[] = []
  #bufferPoll: ReturnType<typeof setInterval> | undefined

  constructor(options: NativePeerOptions = {}) {
    super(options)
    this.streams = options.streams ?? (options.stream === undefined ? [] : [options.stream])
    for (const stream of this.streams) this.addStream(stream)
    this._pc!.ontrack = (event) => this.#onTrack(event)
    this.needsNegotiation()
  }

  /**
   * Queues `data` like `send`, holding it until the channel opens; false asks
   * the caller to wait for `drain` (the channel holds more than
   * {@link MAX_BUFFERED_BYTES}). `callback` is called once the data went, or
   * with the error that kept it from going.
   */
  write(data: string | Uint8Array, callback?: (error?: Error | null) => void): boolean {
    if (this.destroyed) {
      callback?.(nativeError(new Error('cannot write after peer is destroyed'), 'ERR_DATA_CHANNEL'))
      return false
    }
    const write = { data, callback }
    if (!this.connected) {
      // Held until the channel opens, as a stream holds writes before it can send them.
      this.#pendingWrites.push(write)
      return true
    }
    return this.#sendNow(write)
  }

  /** Adds every track of `stream`. */
  addStream(stream: MediaStream): void {
    for (const track of stream.getTracks()) this.addTrack(track, stream)
  }

  /** Adds one local track (renegotiates). */
  addTrack(track: MediaStreamTrack, stream: MediaStream): void {
    if (!this.usable('addTrack')) return
    const byStream = this.#senders.get(track) ?? new Map<MediaStream, RTCRtpSender & { removed?: boolean }>()
    const sender = byStream.get(stream)
    if (sender?.removed === true) throw nativeError(new Error('Track has been removed. You should enable/disable tracks that you want to re-add.'), 'ERR_SENDER_REMOVED')
    if (sender !== undefined) throw nativeError(new Error('Track has already been added to that stream.'), 'ERR_SENDER_ALREADY_ADDED')
    byStream.set(stream, this._pc!.addTrack(track, stream))
    this.#senders.set(track, byStream)
    this.needsNegotiation()
  }

  /** Swaps a local track for another without renegotiating. */
  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack | null, stream: MediaStream): void {
    if (!this.usable('replaceTrack')) return
    const byStream = this.#senders.get(oldTrack)
    const sender = byStream?.get(stream)
    if (byStream === undefined || sender === undefined) throw nativeError(new Error('Cannot replace track that was never added.'), 'ERR_TRACK_NOT_ADDED')
    if (newTrack !== null) this.#senders.set(newTrack, byStream)
    void sender.replaceTrack(newTrack).catch((error: unknown) => this.destroy(nativeError(error, 'ERR_UNSUPPORTED_REPLACETRACK')))
  }

  /** Removes one local track (renegotiates). */
  removeTrack(track: MediaStreamTrack, stream: MediaStream): void {
    if (!this.usable('removeTrack')) return
    const sender = this.#senders.get(track)?.get(stream)
    if (sender === undefined) throw nativeError(new Error('Cannot remove track that was never added.'), 'ERR_TRACK_NOT_ADDED')
    try {
      sender.removed = true
      this._pc!.removeTrack(sender)
    } catch (error) {
      this.destroy(nativeError(error, 'ERR_REMOVE_TRACK'))
    }
    this.needsNegotiation()
  }

  /** Removes every track of `stream`. */
  removeStream(stream: MediaStream): void {
    for (const track of stream.getTracks()) this.removeTrack(track, stream)
  }

  protected override opened(): void {
    for (const write of this.#pendingWrites.splice(0)) this.#sendNow(write)
  }

  protected override bufferLow(): void {
    clearInterval(this.#bufferPoll)
    this.#bufferPoll = undefined
    if (this.#waitingWrites.length === 0) return
    for (const write of this.#waitingWrites.splice(0)) write.callback?.(null)
    this.emit('drain')
  }

  protected override closed(): void {
    clearInterval(this.#bufferPoll)
    super.closed()
    const error = nativeError(new Error('The peer closed before this was sent.'), 'ERR_DATA_CHANNEL')
    for (const write of [...this.#pendingWrites.splice(0), ...this.#waitingWrites.splice(0)]) write.callback?.(error)
  }

  protected override requestMissingTransceivers(): void {
    for (const transceiver of this._pc?.getTransceivers() ?? []) {
      const requested = transceiver as RTCRtpTransceiver & { requested?: boolean }
      if (transceiver.mid !== null || transceiver.sender.track === null || requested.requested === true) continue
      requested.requested = true
      this.addTransceiver(transceiver.sender.track.kind)
    }
  }

  #sendNow(write: PendingWrite): boolean {
    try {
      this.send(write.data)
    } catch (error) {
      const failure = nativeError(error, 'ERR_DATA_CHANNEL')
      write.callback?.(failure)
      this.destroy(failure)
      return false
    }
    if (this.bufferSize <= MAX_BUFFERED_BYTES) {
      write.callback?.(null)
      return true
    }
    this.#waitingWrites.push(write)
    this.#bufferPoll ??= setInterval(() => this.bufferSize <= MAX_BUFFERED_BYTES && this.bufferLow(), BUFFER_POLL_MS)
    return false
  }

  #onTrack(event: RTCTrackEvent): void {
    if (this.destroyed) return
    for (const stream of event.streams) {
      this.emit('track', event.track, stream)
      if (this.#remoteStreams.has(stream.id)) continue
      this.#remoteStreams.add(stream.id)
      // Once every track of the stream has arrived (they come in the same task).
      queueMicrotask(() => this.destroyed || this.emit('stream', stream))
    }
  }
}
