/**
 * The `peer` actor: makes the WebRTC peer of one attempt, reports its
 * `signal`, `connect`, `negotiated`, `error` and `close` to the machine as
 * `PEER.*` events, hands it the remote description on `SIGNAL`, and emits
 * `connected` with the peer itself, which the engine listens for (the
 * machine's context stays plain data). Stopping the actor destroys the peer.
 *
 * Beside simple-peer's data channel it opens the control channel
 * (peer/control.ts): frames from the other side become `PEER.HANGUP` and
 * `PEER.REMOTE_SIGNAL`; `RELAY` sends a renegotiation description there and
 * `APPLY` hands one to the peer; `HANGUP` waits until the data channel has
 * sent what it holds and tells the other side how many messages it sent
 * (`PEER.HUNG_UP` at once for a peer without a control channel). On the
 * other side's word, `PEER.HANGUP` follows once that many have arrived.
 *
 * Trickle ICE (protocol/trickle.ts): every local candidate is folded into the
 * local description, and each `PEER.SIGNAL` carries the description with every
 * candidate so far; with `trickle` the first waits for a candidate (or the end
 * of gathering), so even the earliest record holds the host candidates, but
 * for an answer to an offer whose writer trickles (`signalAtOnce`): it follows
 * our record, and ICE starts from its candidates, which our answer has. A
 * `SIGNAL` after the first hands the peer only the candidates it has not had.
 *
 * @module
 */
import { fromCallback } from 'xstate'
import type { PeerActorInput, PeerCommand } from '../machines/signaling.types.js'
import { countReceivedMessages, countSentMessages, DRAIN_POLL_MS, drained, openControlChannel, userMessageCount } from '../peer/control.js'
import { peerError } from '../peer/errors.js'
import type { PeerLike } from '../peer/types.js'
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
    const control = openControlChannel(peer)
    const receivedMessages = countReceivedMessages(peer)
    const stopping = new AbortController()
    deps.onPeer?.(peer)
    // XState drops what a stopped callback actor sends back, so a destroyed peer's last events go nowhere.
    let local: SessionSignal | null = null
    let reported = false
    let gathered = false
    const report = (): void => {
      reported = true
      sendBack({ type: 'PEER.SIGNAL', signal: local! })
    }
    // Once connected, signals (renegotiation, late candidates) go to the machine as they are, to be relayed over the
    // control channel; before, each is folded into our description, which travels through the store.
    let connected = false
    peer.on('signal', (data: unknown) => {
      if (connected) {
        sendBack({ type: 'PEER.RENEGOTIATE', signal: data as object })
        return
      }
      if (isCandidateSignal(data)) {
        if (local === null) return
        const sdp = foldCandidate(local.sdp, data.candidate)
        if (sdp === local.sdp && reported) return
        local = { type: local.type, sdp }
        report()
      } else if (isDescription(data)) {
        local = { type: data.type, sdp: data.sdp }
        if (deps.trickle !== true || gathered || input.signalAtOnce === true || candidatesOf(local.sdp).length > 0) report()
      }
      // Renegotiation requests are not part of a store-signaled call.
    })
    // simple-peer's end of gathering: a description without any candidate goes out as it is.
    ;(peer as unknown as { on(event: string, listener: () => void): void }).on('_iceComplete', () => {
      gathered = true
      if (local !== null && !reported) report()
    })
    let sentMessages: (() => number) | null = null
    /** Candidate lines of the other side's description already handed to the peer (null until its first description). */
    let applied: Set<string> | null = null
    peer.on('connect', () => {
      connected = true
      sentMessages = countSentMessages(peer)
      const event: PeerConnectedEvent<TPeer> = { type: 'connected', peer }
      emit(event)
      sendBack({ type: 'PEER.CONNECT' })
    })
    ;(peer as unknown as { on(event: 'negotiated', listener: () => void): void }).on('negotiated', () => sendBack({ type: 'PEER.NEGOTIATED' }))
    peer.on('error', (error) => sendBack({ type: 'PEER.ERROR', error: peerError(error) }))
    // After the other side's word, its connection closing is its hang-up too.
    let remoteHungUp = false
    peer.on('close', () => sendBack(remoteHungUp ? { type: 'PEER.HANGUP' } : { type: 'PEER.CLOSE' }))
    control?.onMessage((message) => {
      if (message.type === 'signal') {
        sendBack({ type: 'PEER.REMOTE_SIGNAL', signal: message.signal })
        return
      }
      remoteHungUp = true
      // Our word travels on its own stream: wait for the messages it says were sent before it.
      const sent = message.messages
      // Counted as they reach JavaScript (statistics run ahead of the queued message events under load).
      const received = async (): Promise<number | null> => receivedMessages() ?? (await userMessageCount(peer, 'messagesReceived'))
      const missing = async (): Promise<number> => (sent === null ? 0 : sent - ((await received()) ?? sent))
      // Then one more turn, for the peer to hand on what arrived (simple-peer emits `data` on a later tick).
      void drained(missing, stopping.signal).then(() =>
        setTimeout(() => stopping.signal.aborted || sendBack({ type: 'PEER.HANGUP' }), DRAIN_POLL_MS),
      )
    })
    const hangUp = async (): Promise<void> => {
      if (control === null) {
        sendBack({ type: 'PEER.HUNG_UP' })
        return
      }
      // What the user sent leaves the buffer first; our word names how many messages that was. The other side
      // closes once it has them all, which comes back to us as PEER.CLOSE (the machine bounds the wait).
      await drained(() => (peer as { bufferSize?: number }).bufferSize ?? 0, stopping.signal)
      control.send({ type: 'hangup', messages: sentMessages?.() ?? null })
      await control.drained(stopping.signal)
    }
    receive((command) => {
      if (command.type === 'HANGUP') {
        void hangUp()
        return
      }
      if (command.type === 'RELAY') {
        control?.send({ type: 'signal', signal: command.signal })
        return
      }
      try {
        if (command.type === 'APPLY') {
          peer.signal(command.signal as SessionSignal)
          return
        }
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
    return () => {
      stopping.abort()
      peer.destroy()
    }
  })
}

function isDescription(data: unknown): data is SessionSignal {
  const signal = data as Partial<SessionSignal> | null
  return (signal?.type === 'offer' || signal?.type === 'answer') && typeof signal.sdp === 'string'
}
