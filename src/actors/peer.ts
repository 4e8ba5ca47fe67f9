/**
 * The `peer` actor: makes the WebRTC peer of one attempt, reports its
 * `signal`, `connect`, `error` and `close` to the machine as `PEER.*` events,
 * hands it the remote description on `SIGNAL`, and emits `connected` with the
 * peer itself, which the engine listens for (the machine's context stays plain
 * data). Stopping the actor destroys the peer.
 *
 * Trickle ICE (protocol/trickle.ts): every local candidate is folded into the
 * local description, and each `PEER.SIGNAL` carries the description with every
 * candidate so far; with `trickle` the first waits for a candidate (or the end
 * of gathering), so even the earliest record holds the host candidates. A
 * `SIGNAL` after the first hands the peer only the candidates it has not had.
 *
 * @module
 */
import { fromCallback } from 'xstate'
import type { PeerActorInput, PeerCommand } from '../machines/signaling.types.js'
import { peerError, type PeerLike } from '../peer/simple-peer.js'
import type { SessionSignal } from '../protocol/records.js'
import { candidateKey, candidatesOf, foldCandidate, isCandidateSignal } from '../protocol/trickle.js'
import type { SignalingDeps } from './participant.js'

/** What the `peer` actor emits (`peerActorRef.on('connected', …)`) when its peer connects: the peer itself, kept out of the machine's context. */
export interface PeerConnectedEvent<TPeer extends PeerLike = PeerLike> {
  type: 'connected'
  peer: TPeer
}

/** What the `peer` actor needs: the factory, the local media, and who to tell of each peer made. */
export type PeerDeps<TPeer extends PeerLike> = Pick<SignalingDeps<TPeer>, 'createPeer' | 'stream' | 'onPeer' | 'trickle'>

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
    let local: SessionSignal | null = null
    let reported = false
    let gathered = false
    const report = (): void => {
      reported = true
      sendBack({ type: 'PEER.SIGNAL', signal: local! })
    }
    peer.on('signal', (data: unknown) => {
      if (isCandidateSignal(data)) {
        if (local === null) return
        const sdp = foldCandidate(local.sdp, data.candidate)
        if (sdp === local.sdp && reported) return
        local = { type: local.type, sdp }
        report()
      } else if (isDescription(data)) {
        local = { type: data.type, sdp: data.sdp }
        if (deps.trickle !== true || gathered || candidatesOf(local.sdp).length > 0) report()
      }
      // Renegotiation requests are not part of a store-signaled call.
    })
    // simple-peer's end of gathering: a description without any candidate goes out as it is.
    ;(peer as unknown as { on(event: string, listener: () => void): void }).on('_iceComplete', () => {
      gathered = true
      if (local !== null && !reported) report()
    })
    peer.on('connect', () => {
      const connected: PeerConnectedEvent<TPeer> = { type: 'connected', peer }
      emit(connected)
      sendBack({ type: 'PEER.CONNECT' })
    })
    peer.on('error', (error) => sendBack({ type: 'PEER.ERROR', error: peerError(error) }))
    peer.on('close', () => sendBack({ type: 'PEER.CLOSE' }))
    let applied: Set<string> | null = null
    receive((command) => {
      try {
        if (applied === null) {
          applied = new Set(candidatesOf(command.signal.sdp).map(candidateKey))
          peer.signal(command.signal)
          return
        }
        for (const candidate of candidatesOf(command.signal.sdp)) {
          const key = candidateKey(candidate)
          if (applied.has(key)) continue
          applied.add(key)
          peer.signal({ type: 'candidate', candidate } as unknown as SessionSignal)
        }
      } catch (error) {
        sendBack({ type: 'PEER.ERROR', error: peerError(error) })
      }
    })
    return () => peer.destroy()
  })
}

function isDescription(data: unknown): data is SessionSignal {
  const signal = data as Partial<SessionSignal> | null
  return (signal?.type === 'offer' || signal?.type === 'answer') && typeof signal.sdp === 'string'
}
