/**
 * What the peer factories share (`createPeerFactory` makes signalbox's own
 * peers, `createSimplePeerFactory` simple-peer's): the options each peer is
 * made with, and a failure to make one turned into a `SignalingError`.
 *
 * @module
 */
import { peerError } from './errors.js'
import type { PeerFactory, PeerFactoryOptions, PeerLike, SimplePeerFactoryOptions, SimplePeerOptions, WrtcImplementation } from './types.js'

/** The options a factory makes each peer with: the caller's `peerOptions`, then signalbox's own. */
export interface MadePeerOptions extends SimplePeerOptions {
  initiator: boolean
  trickle: boolean
  stream?: MediaStream
  wrtc?: WrtcImplementation
  config: RTCConfiguration
}

/**
 * A factory that makes each peer with `make`, trickle off unless
 * `options.trickle` (the seed's: one description once gathering is complete);
 * its `trickle` says which.
 *
 * @throws {SignalingError} from the factory, what `make` threw as {@link peerError} maps it (`ERR_WEBRTC_UNSUPPORTED`, …).
 */
export function peerFactoryOf<TPeer extends PeerLike>(options: SimplePeerFactoryOptions, make: (peerOptions: MadePeerOptions) => TPeer): PeerFactory<TPeer> {
  const trickle = options.trickle ?? false
  const factory = ({ initiator, stream }: PeerFactoryOptions): TPeer => {
    try {
      return make({
        ...options.peerOptions,
        initiator,
        trickle,
        ...(stream === undefined ? {} : { stream }),
        ...(options.wrtc === undefined ? {} : { wrtc: options.wrtc }),
        config: { ...options.peerOptions?.config, iceServers: options.iceServers ?? [] },
      })
    } catch (error) {
      throw peerError(error)
    }
  }
  return Object.assign(factory, { trickle })
}
