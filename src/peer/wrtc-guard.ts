/**
 * `@roamhq/wrtc` made to behave as a browser's WebRTC for simple-peer:
 * - Each connection answers reads of its `localDescription` and
 *   `remoteDescription` from the descriptions set on it (the local one with
 *   the candidates gathered so far folded in), never from wrtc's own getters.
 *   wrtc serializes a description on the JavaScript thread while its own
 *   thread adds candidates to it, which crashes the process now and then (a
 *   segmentation fault in `SdpSerialize`); simple-peer reads
 *   `localDescription` right after `setLocalDescription` when it trickles, and
 *   `remoteDescription` for each candidate.
 * - wrtc announces an end of candidates before an answer's candidates come;
 *   simple-peer would send a whole answer (without trickle) then, without its
 *   candidates. An end announced before any candidate since the first
 *   `setLocalDescription` is held for {@link ICE_COMPLETE_TIMEOUT_MS}, and
 *   dropped once candidates come (the real end follows them).
 *
 * signalbox's own peer needs none of this (./native-signaling.ts,
 * ./gathering-end.ts).
 *
 * @module
 */
import { foldCandidate, type IceCandidate } from '../protocol/trickle.js'
import { ICE_COMPLETE_TIMEOUT_MS } from './native-options.js'
import type { WrtcImplementation } from './types.js'

type Description = { type: RTCSdpType; sdp: string }
type Connection = RTCPeerConnection & EventTarget
type ConnectionClass = new (configuration?: RTCConfiguration) => Connection

/** The guarded connections' class of each wrtc, so that every factory of one wrtc shares one. */
const guarded = new WeakMap<object, WrtcImplementation>()

/** `wrtc` with its `RTCPeerConnection` guarded (see the module's description); the same object for the same `wrtc`. */
export function guardedWrtc(wrtc: WrtcImplementation): WrtcImplementation {
  const known = guarded.get(wrtc)
  if (known !== undefined) return known
  const Base = wrtc.RTCPeerConnection as ConnectionClass
  const RTCPeerConnection = function (configuration?: RTCConfiguration): Connection {
    return guardConnection(new Base(configuration))
  } as unknown as ConnectionClass
  RTCPeerConnection.prototype = Base.prototype
  Object.assign(RTCPeerConnection, Base)
  const made = { ...wrtc, RTCPeerConnection }
  guarded.set(wrtc, made)
  return made
}

/** `connection` behind a proxy that answers description reads from what was set on it. */
function guardConnection(connection: Connection): Connection {
  let local: Description | null = null
  let remote: Description | null = null
  const candidates: IceCandidate[] = []
  /** Candidates since the first setLocalDescription; undefined before it. */
  let sinceLocal: number | undefined
  let heldEnd: ReturnType<typeof setTimeout> | undefined
  connection.addEventListener('icecandidate', (event) => {
    const candidate = (event as RTCPeerConnectionIceEvent).candidate
    if (candidate === null || candidate.candidate === '') return
    candidates.push({ candidate: candidate.candidate, sdpMLineIndex: candidate.sdpMLineIndex, sdpMid: candidate.sdpMid })
    if (sinceLocal !== undefined) sinceLocal++
    clearTimeout(heldEnd)
  })
  /** simple-peer's `onicecandidate`, with an early end of candidates held. */
  const holdingEarlyEnd = (handler: (event: RTCPeerConnectionIceEvent) => void) => (event: RTCPeerConnectionIceEvent) => {
    const end = event.candidate === null || event.candidate.candidate === ''
    if (!end || sinceLocal !== 0) return handler.call(connection, event)
    clearTimeout(heldEnd)
    heldEnd = setTimeout(() => handler.call(connection, event), ICE_COMPLETE_TIMEOUT_MS)
    ;(heldEnd as { unref?: () => void }).unref?.()
  }
  const setLocalDescription = async (description?: Description): Promise<void> => {
    sinceLocal ??= 0
    await connection.setLocalDescription(description)
    local = description === undefined ? null : { type: description.type, sdp: description.sdp }
  }
  const setRemoteDescription = async (description: Description): Promise<void> => {
    await connection.setRemoteDescription(description)
    remote = { type: description.type, sdp: description.sdp }
  }
  return new Proxy(connection, {
    get(target, name) {
      // Ours with the candidates gathered so far, as wrtc's own would have them.
      if (name === 'localDescription') return local === null ? null : { type: local.type, sdp: candidates.reduce(foldCandidate, local.sdp) }
      if (name === 'remoteDescription') return remote
      if (name === 'setLocalDescription') return setLocalDescription
      if (name === 'setRemoteDescription') return setRemoteDescription
      const value: unknown = Reflect.get(target, name, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
    set: (target, name, value) => Reflect.set(target, name, name === 'onicecandidate' && typeof value === 'function' ? holdingEarlyEnd(value) : value, target),
  })
}
