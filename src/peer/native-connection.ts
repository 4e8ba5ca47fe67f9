/**
 * The data channel layer of signalbox's own WebRTC peer (./native-peer.ts
 * adds media and writing): the channel simple-peer's peers open (the
 * initiator makes it, the other side takes it), `send`, `data` and `connect`.
 * Unlike simple-peer it says `connect` as the channel opens, where
 * simple-peer first reads the connection's statistics, and it needs no Node
 * polyfills in a browser.
 *
 * @module
 */
import { nativeError, type NativePeerOptions, tryTo } from './native-options.js'
import { NativeSignaling } from './native-signaling.js'

/** Bytes queued on the data channel above which `write` asks its caller to wait (simple-peer's figure). */
export const MAX_BUFFERED_BYTES = 64 * 1024
/** Random bytes in the data channel's label when none is given (simple-peer's: 40 hex digits). */
const CHANNEL_LABEL_BYTES = 20

/** The connection with its data channel, under a {@link NativePeer}. */
export class NativeConnection extends NativeSignaling {
  /** The data channel once there is one (simple-peer's name, which signalbox's control channel reaches for). */
  _channel: RTCDataChannel | null = null
  #connected = false
  /** Messages that arrived before anyone listened for `data` (a stream holds them until it flows, as simple-peer's did). */
  #heldData: Uint8Array[] | null = []

  constructor(options: NativePeerOptions) {
    super(options)
    const pc = this._pc!
    if (this.initiator || options.channelConfig?.negotiated === true) {
      this.#setUpChannel(pc.createDataChannel(options.channelName ?? randomLabel(), options.channelConfig ?? {}))
    } else {
      // The first channel the other side opens is the call's (signalbox's control channel is negotiated and never shows here).
      pc.ondatachannel = (event) => this._channel === null && this.#setUpChannel(event.channel)
    }
  }

  /** True once the data channel is open, until the peer closes. */
  get connected(): boolean {
    return this.#connected && this._channel?.readyState === 'open'
  }

  /** Bytes queued on the data channel, not yet sent. */
  get bufferSize(): number {
    return this._channel?.bufferedAmount ?? 0
  }

  /** Sends on the data channel; throws `ERR_DATA_CHANNEL` before it is open (`write` holds data until then). */
  send(data: string | Uint8Array | ArrayBuffer | Blob): void {
    if (!this.usable('send')) return
    const channel = this._channel
    if (channel === null || channel.readyState !== 'open') {
      throw nativeError(new Error('The data channel is not open yet: send once the peer emits connect, or use write(), which holds data until then.'), 'ERR_DATA_CHANNEL')
    }
    channel.send(data as string)
  }

  /** Called when the data channel opens, before `connect` (a subclass sends what was written before). */
  protected opened(): void {}

  /** Called as the channel's buffer runs low. */
  protected bufferLow(): void {}

  protected override closed(): void {
    this.#connected = false
    const channel = this._channel
    this._channel = null
    if (channel === null) return
    channel.onmessage = channel.onopen = channel.onclose = channel.onerror = channel.onbufferedamountlow = null
    tryTo(() => channel.close())
  }

  protected override listenerAdded(event: string): void {
    if (event !== 'data' || this.#heldData === null) return
    const held = this.#heldData
    this.#heldData = null
    // On a later turn, as a stream starts flowing: the caller finishes adding its listeners first.
    if (held.length > 0) queueMicrotask(() => held.forEach((data) => this.destroyed || this.emit('data', data)))
  }

  #setUpChannel(channel: RTCDataChannel): void {
    this._channel = channel
    channel.binaryType = 'arraybuffer'
    channel.bufferedAmountLowThreshold = MAX_BUFFERED_BYTES
    channel.onmessage = (event: MessageEvent) => this.#onMessage(event.data)
    channel.onbufferedamountlow = () => this.bufferLow()
    channel.onopen = () => {
      if (this.#connected || this.destroyed) return
      this.#connected = true
      this.opened()
      this.emit('connect')
    }
    channel.onclose = () => this.destroyed || this.destroy()
    channel.onerror = (event: Event) => {
      const cause = (event as Event & { error?: unknown }).error
      this.destroy(nativeError(cause instanceof Error ? cause : new Error('The data channel failed.'), 'ERR_DATA_CHANNEL'))
    }
  }

  #onMessage(data: unknown): void {
    if (this.destroyed) return
    const bytes = typeof data === 'string' ? this.rtc.encode(data) : this.rtc.bytes(data as ArrayBuffer)
    if (this.#heldData !== null) this.#heldData.push(bytes)
    else this.emit('data', bytes)
  }
}

function randomLabel(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(CHANNEL_LABEL_BYTES))
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}
