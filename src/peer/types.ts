/**
 * The peer types of the public API, written out here so that a consumer's
 * type check needs neither `@types/simple-peer` nor `@types/node`: what the
 * engine needs of a peer ({@link PeerLike}), and the simple-peer instance the
 * default factory makes ({@link SimplePeerInstance}).
 *
 * @module
 */
import type { SessionSignal } from '../protocol/records.js'

/** The part of a simple-peer instance the engine uses; `signalbox/testing`'s `FakePeer` has it too. */
export interface PeerLike {
  /** Hands the remote description to the peer. */
  signal(data: SessionSignal): void
  /** Sends on the data channel once connected. */
  send(data: string | Uint8Array): void
  /** Closes the connection and releases it. */
  destroy(error?: Error): void
  on(event: 'signal', listener: (data: SessionSignal) => void): this
  on(event: 'connect' | 'close', listener: () => void): this
  on(event: 'error', listener: (error: Error & { code?: string }) => void): this
  on(event: 'data', listener: (data: Uint8Array) => void): this
  on(event: 'stream', listener: (stream: MediaStream) => void): this
  removeAllListeners(event?: string): this
}

/** The events of a {@link SimplePeerInstance} and their listeners. */
export interface SimplePeerEvents {
  signal: (data: SessionSignal) => void
  connect: () => void
  close: () => void
  error: (error: Error & { code?: string }) => void
  /** A message on the data channel; text arrives as its UTF-8 bytes. */
  data: (data: Uint8Array) => void
  stream: (stream: MediaStream) => void
  track: (track: MediaStreamTrack, stream: MediaStream) => void
  /** The send buffer emptied after `write` returned false. */
  drain: () => void
}

/** A WebRTC implementation for Node, such as the default export of `@roamhq/wrtc`. */
export interface WrtcImplementation {
  RTCPeerConnection: unknown
  RTCSessionDescription: unknown
  RTCIceCandidate: unknown
}

/** The simple-peer options a caller may set (see simple-peer's README); `initiator`, `trickle`, `stream`, `wrtc` are signalbox's. */
export interface SimplePeerOptions {
  /** The RTCPeerConnection configuration; `iceServers` comes from signalbox's own option. */
  config?: RTCConfiguration
  /** Options of the data channel. */
  channelConfig?: RTCDataChannelInit
  /** The data channel's label. */
  channelName?: string
  /** Options of `createOffer`. */
  offerOptions?: RTCOfferOptions
  /** Options of `createAnswer`. */
  answerOptions?: RTCAnswerOptions
  /** Rewrites each local session description before it is signaled. */
  sdpTransform?: (sdp: string) => string
  /** Several local media streams, instead of one `stream`. */
  streams?: MediaStream[]
  /** How long to wait for ICE gathering to finish, in ms (simple-peer's default 5000). */
  iceCompleteTimeout?: number
  /** Emit `data` as strings instead of bytes. */
  objectMode?: boolean
}

/**
 * A simple-peer instance, the peer type the default factory makes: a
 * {@link PeerLike} plus media, state and stream-style writing.
 */
export interface SimplePeerInstance extends PeerLike {
  /** True once the data channel is open. */
  readonly connected: boolean
  /** True once destroyed. */
  readonly destroyed: boolean
  /** Bytes queued on the data channel, not yet sent. */
  readonly bufferSize: number
  /** The remote media streams received so far. */
  readonly streams: MediaStream[]
  /** Queues data like `send`, buffering before connect; false asks the caller to wait for `drain`. */
  write(data: string | Uint8Array, callback?: (error?: Error | null) => void): boolean
  /** Adds local media (renegotiates). */
  addStream(stream: MediaStream): void
  /** Removes local media (renegotiates). */
  removeStream(stream: MediaStream): void
  /** Adds one local track. */
  addTrack(track: MediaStreamTrack, stream: MediaStream): void
  /** Removes one local track. */
  removeTrack(track: MediaStreamTrack, stream: MediaStream): void
  /** Swaps a local track for another without renegotiating. */
  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack, stream: MediaStream): void
  on(event: 'signal', listener: (data: SessionSignal) => void): this
  on(event: 'connect' | 'close', listener: () => void): this
  on(event: 'error', listener: (error: Error & { code?: string }) => void): this
  on(event: 'data', listener: (data: Uint8Array) => void): this
  on(event: 'stream', listener: (stream: MediaStream) => void): this
  on<TEvent extends keyof SimplePeerEvents>(event: TEvent, listener: SimplePeerEvents[TEvent]): this
  once<TEvent extends keyof SimplePeerEvents>(event: TEvent, listener: SimplePeerEvents[TEvent]): this
  off<TEvent extends keyof SimplePeerEvents>(event: TEvent, listener: SimplePeerEvents[TEvent]): this
  removeListener<TEvent extends keyof SimplePeerEvents>(event: TEvent, listener: SimplePeerEvents[TEvent]): this
}

/** What a {@link PeerFactory} is asked for. */
export interface PeerFactoryOptions {
  /** True for the side that makes the offer. */
  initiator: boolean
  /** Local media to send (camera, microphone); none for data only. */
  stream?: MediaStream | undefined
}

/** Makes one peer per call attempt. */
export type PeerFactory<TPeer extends PeerLike = PeerLike> = ((options: PeerFactoryOptions) => TPeer) & {
  /** Whether its peers trickle (signal each candidate after the description); signalbox's factories say so, and `createSignaling` follows it. */
  readonly trickle?: boolean
}

/** Options of the peer factories (`createPeerFactory`, `createSimplePeerFactory`). */
export interface SimplePeerFactoryOptions {
  /** The WebRTC implementation; required in Node (`import wrtc from '@roamhq/wrtc'`), the browser's own otherwise. */
  wrtc?: WrtcImplementation | undefined
  /** STUN and TURN servers. Default: none (host candidates only, enough on one machine or one LAN). */
  iceServers?: RTCIceServer[]
  /** Trickle ICE: signal the description at once and each candidate after it. Default false (the seed's: one description once gathering is complete). */
  trickle?: boolean
  /** Further peer options (simple-peer's names); `initiator`, `trickle` and `stream` are set by signalbox. */
  peerOptions?: SimplePeerOptions
}

