/**
 * simple-peer for the prebuilt browser module (dist/browser/signalbox.min.js):
 * the `SimplePeer` global that simple-peer's own `simplepeer.min.js` defines,
 * instead of that build bundled into the module. The module is then some
 * 95 KB smaller and a page does not evaluate simple-peer's browserify bundle
 * (about 20 ms of a cold page's main thread) unless it asks for simple-peer.
 * `scripts/build-module.ts` puts this in place of `#simple-peer`; bundlers and
 * Node take simple-peer itself.
 *
 * @module
 */
import { SignalingError } from '../errors.js'

/** Where a page without a bundler gets simple-peer's browser build. */
export const SIMPLE_PEER_SCRIPT = 'simple-peer/simplepeer.min.js'

/**
 * Makes a peer with the page's `SimplePeer` global (used with `new`, as
 * simple-peer's constructor is).
 *
 * @throws {SignalingError} `ERR_WEBRTC_UNSUPPORTED` when the page has not loaded simple-peer.
 */
export default function SimplePeerFromGlobal(options: object): object {
  const SimplePeer = (globalThis as { SimplePeer?: unknown }).SimplePeer
  if (typeof SimplePeer !== 'function') {
    const message = `createSimplePeerFactory() in the prebuilt module uses simple-peer's own browser build: load ${SIMPLE_PEER_SCRIPT} with a <script> before making peers, or bundle signalbox (npm install signalbox simple-peer)`
    throw new SignalingError('ERR_WEBRTC_UNSUPPORTED', message)
  }
  return new (SimplePeer as new (options: object) => object)(options)
}
