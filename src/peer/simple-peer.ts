/**
 * The WebRTC seam: the factory that makes simple-peer instances
 * (`trickle: false`, `wrtc` injected in Node), and the mapping of
 * simple-peer's errors to signalbox codes. The peer types are in ./types.ts.
 *
 * @module
 */
// '#simple-peer' is simple-peer's Node build in Node and its self-contained browser build
// in bundlers for the browser (package.json "imports"), so no bundler needs an alias.
import SimplePeer from '#simple-peer'
import { SignalingError, type SignalingErrorCode } from '../errors.js'
import type { PeerLike, SimplePeerInstance, SimplePeerOptions, WrtcImplementation } from './types.js'

export type { PeerLike, SimplePeerEvents, SimplePeerInstance, SimplePeerOptions, WrtcImplementation } from './types.js'

/** What a {@link PeerFactory} is asked for. */
export interface PeerFactoryOptions {
  /** True for the side that makes the offer. */
  initiator: boolean
  /** Local media to send (camera, microphone); none for data only. */
  stream?: MediaStream | undefined
}

/** Makes one peer per call attempt. */
export type PeerFactory<TPeer extends PeerLike = PeerLike> = (options: PeerFactoryOptions) => TPeer

/** Options of {@link createSimplePeerFactory}. */
export interface SimplePeerFactoryOptions {
  /** The WebRTC implementation; required in Node (`import wrtc from '@roamhq/wrtc'`), the browser's own otherwise. */
  wrtc?: WrtcImplementation
  /** STUN and TURN servers. Default: none (host candidates only, enough on one machine or one LAN). */
  iceServers?: RTCIceServer[]
  /** Trickle ICE: signal the description at once and each candidate after it. Default false (the seed's: one description once gathering is complete). */
  trickle?: boolean
  /** Further simple-peer options; `initiator`, `trickle` and `stream` are set by signalbox. */
  peerOptions?: SimplePeerOptions
}

/**
 * A factory of simple-peer instances with `trickle: false` by default, as the
 * seed app made them: the whole session description travels in one record;
 * with `trickle: true` candidates follow the description (the engine folds
 * them into the same record, see protocol/trickle.ts).
 */
export function createSimplePeerFactory(options: SimplePeerFactoryOptions = {}): PeerFactory<SimplePeerInstance> {
  return ({ initiator, stream }) => {
    try {
      const peer = new SimplePeer({
        ...(options.peerOptions as SimplePeer.Options | undefined),
        initiator,
        trickle: options.trickle ?? false,
        ...(stream === undefined ? {} : { stream }),
        ...(options.wrtc === undefined ? {} : { wrtc: options.wrtc as NonNullable<SimplePeer.Options['wrtc']> }),
        config: { ...options.peerOptions?.config, iceServers: options.iceServers ?? [] },
      })
      return peer as unknown as SimplePeerInstance
    } catch (error) {
      throw peerError(error)
    }
  }
}

const PEER_ERROR_CODES: Record<string, SignalingErrorCode> = {
  ERR_WEBRTC_SUPPORT: 'ERR_WEBRTC_UNSUPPORTED',
  ERR_ICE_CONNECTION_FAILURE: 'ERR_ICE_FAILURE',
  ERR_CONNECTION_FAILURE: 'ERR_ICE_FAILURE',
  // The data channel closing under us: in a browser, the other side hanging up shows as this before `close`.
  ERR_DATA_CHANNEL: 'ERR_PEER_CLOSED',
}

/**
 * Turns an error of simple-peer (or of any peer) into a {@link SignalingError}:
 * `ERR_WEBRTC_UNSUPPORTED`, `ERR_ICE_FAILURE`, or `ERR_PEER` naming the original code.
 */
export function peerError(error: unknown): SignalingError {
  if (error instanceof SignalingError) return error
  const original = error as { code?: unknown; message?: unknown } | null
  const originalCode = typeof original?.code === 'string' ? original.code : undefined
  const code = (originalCode !== undefined ? PEER_ERROR_CODES[originalCode] : undefined) ?? 'ERR_PEER'
  if (code !== 'ERR_PEER') {
    const detail = typeof original?.message === 'string' ? ` (${original.message})` : ''
    return new SignalingError(code, code === 'ERR_PEER_CLOSED' ? `The WebRTC data channel closed${detail}.` : undefined, { cause: error })
  }
  const detail = typeof original?.message === 'string' ? original.message : String(error)
  return new SignalingError(
    'ERR_PEER',
    `The WebRTC peer failed${originalCode === undefined ? '' : ` (${originalCode})`}: ${detail}`,
    { cause: error },
  )
}
