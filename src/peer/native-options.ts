/**
 * What signalbox's own peer (peer/native-peer.ts) is made with: its options,
 * the WebRTC implementation it runs on (the browser's, or one passed in for
 * Node such as `@roamhq/wrtc`), and its errors, which carry simple-peer's
 * codes (`ERR_ICE_CONNECTION_FAILURE`, `ERR_DATA_CHANNEL`, …) so that
 * `peerError` turns them into signalbox's as it does simple-peer's.
 *
 * @module
 */
import type { SessionSignal } from '../protocol/records.js'
import type { SimplePeerOptions, WrtcImplementation } from './types.js'

/** How long a description without trickle waits for the end of gathering after the first candidate, in ms (simple-peer's default). */
export const ICE_COMPLETE_TIMEOUT_MS = 5_000

/** A line simple-peer drops from descriptions it sends without trickle, as this peer does. */
export const TRICKLE_OPTION = /a=ice-options:trickle\s\n/g

/** Options of a {@link NativePeer}: simple-peer's names for what it supports. */
export interface NativePeerOptions extends Omit<SimplePeerOptions, 'objectMode'> {
  /** True for the side that makes the offer. */
  initiator?: boolean
  /** Signal the description at once and each candidate after it (default true, as simple-peer); false waits for the end of gathering. */
  trickle?: boolean
  /** Local media to send. */
  stream?: MediaStream
  /** The WebRTC implementation; the global one (a browser's) when left out. */
  wrtc?: WrtcImplementation
}

/** The WebRTC classes a peer is made of, and how a message's bytes are handed on (Node's `Buffer` where there is one). */
export interface RtcImplementation {
  RTCPeerConnection: new (config: RTCConfiguration) => RTCPeerConnection
  RTCSessionDescription: new (init: RTCSessionDescriptionInit) => RTCSessionDescriptionInit
  RTCIceCandidate: new (init: RTCIceCandidateInit) => RTCIceCandidateInit
  /** A text message as bytes. */
  encode(text: string): Uint8Array
  /** A binary message as bytes. */
  bytes(data: ArrayBuffer): Uint8Array
}

interface NodeBuffer {
  from(data: string | ArrayBuffer): Uint8Array
}

/** An error with one of simple-peer's codes. */
export function nativeError(error: unknown, code: string): Error & { code: string } {
  const base = error instanceof Error ? error : new Error(String(error))
  try {
    return Object.assign(base, { code })
  } catch {
    // A frozen error (some DOMExceptions): wrap it instead.
    return Object.assign(new Error(base.message, { cause: base }), { code })
  }
}

/**
 * The WebRTC implementation of `wrtc`, else the global one.
 *
 * @throws An error with code `ERR_WEBRTC_SUPPORT` (signalbox's `ERR_WEBRTC_UNSUPPORTED`) when there is none.
 */
export function rtcImplementation(wrtc: WrtcImplementation | undefined): RtcImplementation {
  const source = (wrtc ?? globalThis) as Partial<Record<'RTCPeerConnection' | 'RTCSessionDescription' | 'RTCIceCandidate', unknown>>
  if (typeof source.RTCPeerConnection !== 'function') {
    const where = typeof window === 'undefined' ? 'pass `wrtc` (npm install @roamhq/wrtc) in this environment' : 'this browser has no RTCPeerConnection'
    throw nativeError(new Error(`No WebRTC support: ${where}`), 'ERR_WEBRTC_SUPPORT')
  }
  const buffer = (globalThis as { Buffer?: NodeBuffer }).Buffer
  const encoder = new TextEncoder()
  const plain = <T>(init: T): T => init
  return {
    RTCPeerConnection: source.RTCPeerConnection as RtcImplementation['RTCPeerConnection'],
    RTCSessionDescription: (typeof source.RTCSessionDescription === 'function' ? source.RTCSessionDescription : plain) as RtcImplementation['RTCSessionDescription'],
    RTCIceCandidate: (typeof source.RTCIceCandidate === 'function' ? source.RTCIceCandidate : plain) as RtcImplementation['RTCIceCandidate'],
    encode: buffer === undefined ? (text) => encoder.encode(text) : (text) => buffer.from(text),
    bytes: buffer === undefined ? (data) => new Uint8Array(data) : (data) => buffer.from(data),
  }
}

/** The parts of a signal (given as an object or as JSON text) a peer acts on; `valid` is false when it has none. */
export interface SignalParts {
  description?: SessionSignal
  candidate?: RTCIceCandidateInit
  renegotiate: boolean
  transceiverRequest?: { kind: string; init?: RTCRtpTransceiverInit }
  valid: boolean
}

/** The parts of `data`, a signal in simple-peer's format. */
export function signalParts(data: object | string): SignalParts {
  const signal = (typeof data === 'string' ? parseJson(data) : data) as Partial<Record<string, unknown>>
  const request = signal['transceiverRequest'] as { kind?: unknown; init?: RTCRtpTransceiverInit } | undefined
  const candidate = signal['candidate']
  return {
    ...(typeof signal['sdp'] === 'string' ? { description: { type: signal['type'] as SessionSignal['type'], sdp: signal['sdp'] } } : {}),
    ...(typeof candidate === 'object' && candidate !== null ? { candidate: candidate as RTCIceCandidateInit } : {}),
    renegotiate: signal['renegotiate'] === true,
    ...(request === undefined ? {} : { transceiverRequest: { kind: String(request.kind), init: request.init } }),
    valid: signal['sdp'] !== undefined || candidate !== undefined || signal['renegotiate'] !== undefined || request !== undefined,
  }
}

function parseJson(text: string): object {
  try {
    return JSON.parse(text) as object
  } catch {
    return {}
  }
}

/**
 * Whether a candidate the connection refused is one this side cannot use (an
 * mDNS name it cannot resolve, or no address at all), which is not the call's
 * failure.
 */
export function isUnusableHere(candidate: RTCIceCandidateInit): boolean {
  const address = /^\S+ \S+ \S+ \S+ (\S+)/.exec(candidate.candidate ?? '')?.[1] ?? ''
  return address === '' || address.endsWith('.local')
}

/** Runs `action`, ignoring what it throws (closing what is closing already). */
export function tryTo(action: () => void): void {
  try {
    action()
  } catch {
    // Nothing to do: it is closing or closed.
  }
}
