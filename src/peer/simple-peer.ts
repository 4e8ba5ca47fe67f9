/**
 * The factory that makes simple-peer instances (`trickle: false`, `wrtc`
 * injected in Node), for those who want simple-peer itself; signalbox's
 * default is its own peer (./factory.ts), which signals alike. The peer types
 * are in ./types.ts, the mapping of a peer's errors in ./errors.ts.
 *
 * @module
 */
// '#simple-peer' is simple-peer's Node build in Node and its self-contained browser build
// in bundlers for the browser (package.json "imports"), so no bundler needs an alias.
import SimplePeer from '#simple-peer'
import { peerFactoryOf } from './peer-factory.js'
import { guardedWrtc } from './wrtc-guard.js'
import type { PeerFactory, SimplePeerFactoryOptions, SimplePeerInstance } from './types.js'

export { peerError } from './errors.js'
export type {
  PeerFactory,
  PeerFactoryOptions,
  PeerLike,
  SimplePeerEvents,
  SimplePeerFactoryOptions,
  SimplePeerInstance,
  SimplePeerOptions,
  WrtcImplementation,
} from './types.js'

/**
 * A factory of simple-peer instances with `trickle: false` by default, as the
 * seed app made them: the whole session description travels in one record;
 * with `trickle: true` candidates follow the description (the engine folds
 * them into the same record, see protocol/trickle.ts).
 */
export function createSimplePeerFactory(options: SimplePeerFactoryOptions = {}): PeerFactory<SimplePeerInstance> {
  // In Node, wrtc made safe for simple-peer's reads of its descriptions (./wrtc-guard.ts).
  const guarded = options.wrtc === undefined ? options : { ...options, wrtc: guardedWrtc(options.wrtc) }
  return peerFactoryOf(guarded, (peerOptions) => new SimplePeer(peerOptions as SimplePeer.Options) as unknown as SimplePeerInstance)
}
