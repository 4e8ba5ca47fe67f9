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
 *   candidates. The end simple-peer hears is the one {@link GatheringEnd}
 *   decides (as for signalbox's own peer): after the candidates, or at
 *   {@link ICE_COMPLETE_TIMEOUT_MS}.
 *
 * signalbox's own peer needs none of this (./native-signaling.ts,
 * ./gathering-end.ts).
 *
 * @module
 */
import { foldCandidate, type IceCandidate } from '../protocol/trickle.js'
import { GatheringEnd, gatheredCandidate } from './gathering-end.js'
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
  /** An end of candidates held for simple-peer until the gathering really ends. */
  let heldEnd: RTCPeerConnectionIceEvent | undefined
  let handler: ((event: RTCPeerConnectionIceEvent) => void) | undefined
  const gathering = new GatheringEnd(ICE_COMPLETE_TIMEOUT_MS, () => {
    const end = heldEnd
    heldEnd = undefined
    if (end !== undefined) handler?.call(connection, end)
  })
  // Listeners run before the `onicecandidate` handler: the candidate is counted before simple-peer has it.
  connection.addEventListener('icecandidate', (event) => {
    const gathered = gatheredCandidate((event as RTCPeerConnectionIceEvent).candidate)
    if (gathered === null) return
    candidates.push(gathered)
    gathering.candidate()
  })
  /** simple-peer's `onicecandidate`, with an early end of candidates held (see {@link GatheringEnd}). */
  const holdingEarlyEnd = (event: RTCPeerConnectionIceEvent): void => {
    if (gatheredCandidate(event.candidate) !== null || gathering.ended) return handler?.call(connection, event)
    heldEnd = event
    gathering.announced()
  }
  const setLocalDescription = async (description?: Description): Promise<void> => {
    gathering.started()
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
      if (name === 'close') return () => (gathering.stop(), target.close())
      const value: unknown = Reflect.get(target, name, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
    set: (target, name, value) => {
      if (name !== 'onicecandidate') return Reflect.set(target, name, value, target)
      handler = typeof value === 'function' ? (value as (event: RTCPeerConnectionIceEvent) => void) : undefined
      return Reflect.set(target, name, handler === undefined ? value : holdingEarlyEnd, target)
    },
  })
}
