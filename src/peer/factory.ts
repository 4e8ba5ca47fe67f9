/**
 * The default peer factory of `createSignaling` and `joinRoom`: signalbox's
 * own peer (peer/native-peer.ts) on the browser's WebRTC, or in Node on the
 * `wrtc` passed in. `createSimplePeerFactory` (peer/simple-peer.ts) makes
 * simple-peer's instead; the two signal alike and meet each other.
 *
 * @module
 */
import { NativePeer } from './native-peer.js'
import { peerFactoryOf } from './peer-factory.js'
import type { PeerFactory, SimplePeerFactoryOptions } from './types.js'

/**
 * A factory of signalbox's own peers ({@link NativePeer}). Trickle is off
 * unless `trickle: true` (the seed's: one description once gathering is
 * complete); `createSignaling` turns it on.
 *
 * @throws {SignalingError} `ERR_WEBRTC_UNSUPPORTED` from the factory when there is no WebRTC (pass `wrtc` in Node).
 */
export function createPeerFactory(options: SimplePeerFactoryOptions = {}): PeerFactory<NativePeer> {
  return peerFactoryOf(options, (peerOptions) => new NativePeer(peerOptions))
}
