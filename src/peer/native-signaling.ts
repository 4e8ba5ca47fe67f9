/**
 * The signaling layer of signalbox's own WebRTC peer (./native-connection.ts
 * adds the data channel, ./native-peer.ts media and writing): one
 * `RTCPeerConnection`, negotiated in simple-peer's format, so a signalbox peer
 * and a simple-peer peer (the seed app's) meet either way round.
 *
 * Signals, as simple-peer's: `{ type: 'offer' | 'answer', sdp }`; with trickle,
 * `{ type: 'candidate', candidate: { candidate, sdpMLineIndex, sdpMid } }`
 * after the description; without, one description once gathering is complete
 * (or after `iceCompleteTimeout`); and for renegotiation,
 * `{ type: 'renegotiate' }` and `{ type: 'transceiverRequest' }` from the side
 * that did not make the first offer.
 *
 * It never reads the connection's `localDescription` or `remoteDescription`:
 * `@roamhq/wrtc` serializes them on the JavaScript thread while its own thread
 * adds candidates to them, a segmentation fault now and then. It sends the
 * description it set, with the candidates gathered folded in without trickle.
 *
 * @module
 */
import type { SessionSignal } from '../protocol/records.js'
import { foldCandidate, type IceCandidate } from '../protocol/trickle.js'
import { Emitter } from './emitter.js'
import { GatheringEnd, gatheredCandidate } from './gathering-end.js'
import {
  ICE_COMPLETE_TIMEOUT_MS,
  isUnusableHere,
  nativeError,
  type NativePeerOptions,
  type RtcImplementation,
  rtcImplementation,
  signalParts,
  TRICKLE_OPTION,
  tryTo,
} from './native-options.js'

type Signal = SessionSignal | { type: 'candidate'; candidate: RTCIceCandidateInit } | { type: 'renegotiate'; renegotiate: true } | { type: 'transceiverRequest'; transceiverRequest: { kind: string; init?: RTCRtpTransceiverInit } }

/** The connection and its negotiation, under a {@link NativePeer}. */
export class NativeSignaling extends Emitter {
  /** True for the side that makes the offer. */
  readonly initiator: boolean
  /** The connection (named as simple-peer's, which signalbox's control channel and callers reach for). */
  _pc: RTCPeerConnection | null
  protected readonly options: NativePeerOptions
  protected readonly rtc: RtcImplementation
  #destroying = false
  #destroyed = false
  /** The end of gathering: `_iceComplete`, as simple-peer names it (signalbox's peer actor listens). */
  readonly #gathering: GatheringEnd
  #pendingCandidates: RTCIceCandidateInit[] = []
  /** Without trickle: the candidates gathered, for the description. */
  readonly #candidates: IceCandidate[] = []
  /** The type of the last remote description set. */
  #remoteType: RTCSdpType | undefined
  #negotiating = false
  #queuedNegotiation = false
  #firstNegotiation = true
  #batchedNegotiation = false

  constructor(options: NativePeerOptions) {
    super()
    this.options = options
    this.initiator = options.initiator === true
    this.rtc = rtcImplementation(options.wrtc)
    this.#gathering = new GatheringEnd(options.iceCompleteTimeout ?? ICE_COMPLETE_TIMEOUT_MS, () => this.#destroyed || this.emit('_iceComplete'))
    try {
      this._pc = new this.rtc.RTCPeerConnection(options.config ?? {})
    } catch (error) {
      throw nativeError(error, 'ERR_PC_CONSTRUCTOR')
    }
    const pc = this._pc
    pc.oniceconnectionstatechange = () => this.#onIceState()
    pc.onconnectionstatechange = () => pc.connectionState === 'failed' && this.destroy(nativeError(new Error('Connection failed.'), 'ERR_CONNECTION_FAILURE'))
    pc.onsignalingstatechange = () => this.#onSignalingState()
    pc.onicecandidate = (event) => this.#onIceCandidate(event.candidate)
  }

  /** True once destroyed. */
  get destroyed(): boolean {
    return this.#destroyed
  }

  /** Hands the other side's signal (a description, a candidate or a renegotiation request) to the connection. */
  signal(data: Signal | string): void {
    if (!this.usable('signal')) return
    const { description, candidate, renegotiate, transceiverRequest, valid } = signalParts(data)
    if (!valid) return this.destroy(nativeError(new Error('signal() called with invalid signal data'), 'ERR_SIGNALING'))
    if (renegotiate && this.initiator) this.needsNegotiation()
    if (transceiverRequest !== undefined && this.initiator) this.addTransceiver(transceiverRequest.kind, transceiverRequest.init)
    if (candidate !== undefined && this.#remoteType !== undefined) this.#addCandidate(candidate)
    else if (candidate !== undefined) this.#pendingCandidates.push(candidate)
    if (description !== undefined) void this.#setRemote(description)
  }

  /** Adds a transceiver (the initiator renegotiates; the other side asks the initiator to). */
  addTransceiver(kind: string, init?: RTCRtpTransceiverInit): void {
    if (!this.usable('addTransceiver')) return
    if (!this.initiator) {
      this.emit('signal', { type: 'transceiverRequest', transceiverRequest: { kind, init } })
      return
    }
    try {
      this._pc!.addTransceiver(kind, init)
      this.needsNegotiation()
    } catch (error) {
      this.destroy(nativeError(error, 'ERR_ADD_TRANSCEIVER'))
    }
  }

  /** Closes the channel and the connection; emits `error` (when given one), then `close`. */
  destroy(error?: Error): void {
    if (this.#destroyed || this.#destroying) return
    this.#destroying = true
    // As simple-peer: events that came with the call to destroy are handled first.
    queueMicrotask(() => {
      this.#destroyed = true
      this.#destroying = false
      this.#gathering.stop()
      this.closed()
      const pc = this._pc
      this._pc = null
      if (pc !== null) {
        pc.oniceconnectionstatechange = pc.onconnectionstatechange = pc.onsignalingstatechange = pc.onicecandidate = pc.ontrack = pc.ondatachannel = null
        tryTo(() => pc.close())
      }
      if (error !== undefined) this.emit('error', error)
      this.emit('close')
    })
  }

  /** Negotiates once the current task's changes are made (several tracks added at once: one offer). */
  protected needsNegotiation(): void {
    if (this.#batchedNegotiation) return
    this.#batchedNegotiation = true
    queueMicrotask(() => {
      this.#batchedNegotiation = false
      if (this.initiator || !this.#firstNegotiation) this.#negotiate()
      this.#firstNegotiation = false
    })
  }

  /**
   * Whether `what` may go ahead: false (do nothing, as simple-peer) from
   * `destroy()` until the peer has closed; throws `ERR_DESTROYED` once it has.
   */
  protected usable(what: string): boolean {
    if (this.#destroyed) throw nativeError(new Error(`cannot ${what} after peer is destroyed`), 'ERR_DESTROYED')
    return !this.#destroying
  }

  /** Called once as the peer closes, before its connection closes and `close` is emitted (a subclass lets go of what it holds). */
  protected closed(): void {}

  #onIceState(): void {
    const state = this._pc?.iceConnectionState
    if (state === 'failed') this.destroy(nativeError(new Error('Ice connection failed.'), 'ERR_ICE_CONNECTION_FAILURE'))
    if (state === 'closed') this.destroy(nativeError(new Error('Ice connection closed.'), 'ERR_ICE_CONNECTION_CLOSED'))
  }

  #onSignalingState(): void {
    if (this.#destroyed || this._pc?.signalingState !== 'stable') return
    this.#negotiating = false
    if (this.#queuedNegotiation) {
      this.#queuedNegotiation = false
      this.needsNegotiation()
    } else {
      this.emit('negotiated')
    }
  }

  #onIceCandidate(candidate: RTCIceCandidate | null): void {
    if (this.#destroyed) return
    const gathered = gatheredCandidate(candidate)
    if (gathered !== null) {
      if (this.options.trickle !== false) this.emit('signal', { type: 'candidate', candidate: gathered })
      else this.#candidates.push(gathered)
      this.#gathering.candidate()
    } else {
      this.#gathering.announced()
    }
  }

  #negotiate(): void {
    if (this.#destroying || this.#destroyed) return
    if (this.#negotiating) this.#queuedNegotiation = true
    else if (this.initiator) void this.#describe('offer')
    else this.emit('signal', { type: 'renegotiate', renegotiate: true })
    this.#negotiating = true
  }

  async #setRemote(description: SessionSignal): Promise<void> {
    try {
      await this._pc!.setRemoteDescription(new this.rtc.RTCSessionDescription({ type: description.type, sdp: description.sdp }))
    } catch (error) {
      this.destroy(nativeError(error, 'ERR_SET_REMOTE_DESCRIPTION'))
      return
    }
    if (this.#destroyed || this._pc === null) return
    this.#remoteType = description.type
    for (const candidate of this.#pendingCandidates.splice(0)) this.#addCandidate(candidate)
    if (description.type === 'offer') void this.#describe('answer')
  }

  async #describe(type: 'offer' | 'answer'): Promise<void> {
    const pc = this._pc!
    let description: RTCSessionDescriptionInit
    try {
      description = type === 'offer' ? await pc.createOffer(this.options.offerOptions) : await pc.createAnswer(this.options.answerOptions)
    } catch (error) {
      this.destroy(nativeError(error, type === 'offer' ? 'ERR_CREATE_OFFER' : 'ERR_CREATE_ANSWER'))
      return
    }
    if (this.#destroyed) return
    let sdp = description.sdp ?? ''
    if (this.options.trickle === false) sdp = sdp.replace(TRICKLE_OPTION, '')
    sdp = this.options.sdpTransform?.(sdp) ?? sdp
    try {
      this.#gathering.started()
      await pc.setLocalDescription({ type, sdp })
    } catch (error) {
      this.destroy(nativeError(error, 'ERR_SET_LOCAL_DESCRIPTION'))
      return
    }
    const send = (): void => {
      if (this.#destroyed) return
      // Without trickle, the description carries every candidate gathered.
      this.emit('signal', { type, sdp: this.#candidates.reduce(foldCandidate, sdp) })
      if (!this.initiator) this.requestMissingTransceivers()
    }
    if (this.options.trickle !== false || this.#gathering.ended) send()
    else this.once('_iceComplete', send)
  }

  /** The other side asks the initiator for a transceiver of each kind it sends but has not negotiated. */
  protected requestMissingTransceivers(): void {}

  #addCandidate(candidate: RTCIceCandidateInit): void {
    this._pc!.addIceCandidate(new this.rtc.RTCIceCandidate(candidate)).catch((error: unknown) => {
      if (!isUnusableHere(candidate) && !this.#destroyed) this.destroy(nativeError(error, 'ERR_ADD_ICE_CANDIDATE'))
    })
  }
}
