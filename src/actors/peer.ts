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
 * @module
 */
import { fromCallback } from 'xstate'
import type { PeerActorInput, PeerCommand } from '../machines/signaling.types.js'
import { countSentMessages, DRAIN_POLL_MS, drained, openControlChannel, userMessageCount } from '../peer/control.js'
import { peerError, type PeerLike } from '../peer/simple-peer.js'
import type { SessionSignal } from '../protocol/records.js'
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
    const control = openControlChannel(peer)
    const stopping = new AbortController()
    deps.onPeer?.(peer)
    // XState drops what a stopped callback actor sends back, so a destroyed peer's last events go nowhere.
    peer.on('signal', (signal) => sendBack({ type: 'PEER.SIGNAL', signal }))
    let sentMessages: (() => number) | null = null
    peer.on('connect', () => {
      sentMessages = countSentMessages(peer)
      const connected: PeerConnectedEvent<TPeer> = { type: 'connected', peer }
      emit(connected)
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
      const missing = async (): Promise<number> => (sent === null ? 0 : sent - ((await userMessageCount(peer, 'messagesReceived')) ?? sent))
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
        peer.signal(command.signal as SessionSignal)
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
