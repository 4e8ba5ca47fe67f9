/**
 * The `peer` actor: makes the WebRTC peer of one attempt, reports its
 * `signal`, `connect`, `error` and `close` to the machine as `PEER.*` events,
 * hands it the remote description on `SIGNAL`, and emits `connected` with the
 * peer itself, which the engine listens for (the machine's context stays plain
 * data). Stopping the actor destroys the peer.
 *
 * @module
 */
import { fromCallback } from 'xstate'
import type { PeerActorInput, PeerCommand } from '../machines/signaling.types.js'
import { peerError, type PeerLike } from '../peer/simple-peer.js'
import type { SignalingDeps } from './participant.js'

/** What the `peer` actor emits (`peerActorRef.on('connected', …)`) when its peer connects: the peer itself, kept out of the machine's context. */
export interface PeerConnectedEvent<TPeer extends PeerLike = PeerLike> {
  type: 'connected'
  peer: TPeer
}

/** What the `peer` actor needs: the factory, the local media, and who to tell of each peer made. */
export type PeerDeps<TPeer extends PeerLike> = Pick<SignalingDeps<TPeer>, 'createPeer' | 'stream' | 'onPeer'>

/** The `peer` actor over `deps`. */
export function peerActor<TPeer extends PeerLike>(deps: PeerDeps<TPeer>) {
  return fromCallback<PeerCommand, PeerActorInput>(({ input, sendBack, receive, emit }) => {
    let peer: TPeer
    try {
      peer = deps.createPeer({ initiator: input.initiator, stream: deps.stream })
    } catch (error) {
      sendBack({ type: 'PEER.ERROR', error: peerError(error) })
      return undefined
    }
    deps.onPeer?.(peer)
    // XState drops what a stopped callback actor sends back, so a destroyed peer's last events go nowhere.
    peer.on('signal', (signal) => sendBack({ type: 'PEER.SIGNAL', signal }))
    peer.on('connect', () => {
      const connected: PeerConnectedEvent<TPeer> = { type: 'connected', peer }
      emit(connected)
      sendBack({ type: 'PEER.CONNECT' })
    })
    peer.on('error', (error) => sendBack({ type: 'PEER.ERROR', error: peerError(error) }))
    peer.on('close', () => sendBack({ type: 'PEER.CLOSE' }))
    receive((command) => {
      try {
        peer.signal(command.signal)
      } catch (error) {
        sendBack({ type: 'PEER.ERROR', error: peerError(error) })
      }
    })
    return () => peer.destroy()
  })
}
