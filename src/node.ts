/**
 * signalbox for Node (the `node` condition of `signalbox`): everything the
 * browser-safe entry has, plus {@link loadWrtc} to load Node's WebRTC
 * implementation and {@link importOptional} for the other optional packages.
 *
 * @example
 * ```ts
 * import { createSignaling, loadWrtc } from 'signalbox'
 *
 * const call = createSignaling({ wrtc: await loadWrtc() }).join('my-room')
 * const peer = await call.connected
 * ```
 *
 * @module
 */
export * from './index.js'
export { importOptional, loadWrtc, missingPackageOf } from './peer/dependencies.js'
