/**
 * The states where a call ends or goes on without the store: the initiator
 * withdrawing an offer nobody answered, `connected`, `failed` and `closed`.
 * Part of the signaling statechart (signaling.machine.ts), kept here so the
 * machine's file stays small.
 *
 * @module
 */
import { assign } from 'xstate'
import { failWith, peerFailures, signalingSetup } from './signaling.setup.js'

/** The call-end states of the signaling statechart, by name. */
export const callEndStates = {
  withdrawingOffer: {
    entry: ['stopTrickle', 'stopFollowing'],
    description:
      'Nobody answered in time: takes the offer back and claims its answer address, so that nobody answers it later. An answer that landed first is taken instead.',
    invoke: {
      id: 'withdrawOffer',
      src: 'withdrawOffer',
      input: ({ context }) => ({
        room: context.room!,
        appId: context.appId,
        selfId: context.selfId!,
        ttlMs: context.signalTimeoutMs + context.connectTimeoutMs,
      }),
      onDone: [
        {
          guard: { type: 'answeredInTime', params: ({ event }) => ({ answer: event.output }) },
          target: 'connecting',
          actions: [assign({ remoteSignal: ({ event }) => event.output }), 'signalPeer'],
        },
        { target: 'failed', actions: failWith('ERR_ANSWER_TIMEOUT') },
      ],
      onError: { target: 'failed', actions: failWith('ERR_ANSWER_TIMEOUT') },
    },
    on: peerFailures,
  },
  connected: {
    entry: ['stopTrickle', 'stopFollowing'],
    description:
      'The data channel and media are live. The room record becomes a busy marker (kept fresh) and the answer stays until the call ends, so a third participant is told the room is busy. Further signaling (media added or removed, an ICE restart) travels over the control channel; context.renegotiating is true meanwhile.',
    invoke: {
      id: 'holdRoom',
      src: 'holdRoom',
      input: ({ context }) => ({ room: context.room!, appId: context.appId, role: context.role! }),
    },
    on: {
      // The other side's word, or the channel closing (browsers report it as an error first); anything else fails the call.
      'PEER.HANGUP': { target: 'closed' },
      'PEER.ERROR': [{ guard: 'isPeerClosed', target: 'closed' }, peerFailures['PEER.ERROR']],
      'PEER.CLOSE': { target: 'closed' },
      HANGUP: { target: 'hangingUp' },
      // Renegotiation (media added or removed, ICE restart): descriptions go over the control channel, not the store.
      // A late trickled candidate is relayed the same way but starts no renegotiation.
      'PEER.RENEGOTIATE': { actions: ['relaySignal', assign({ renegotiating: ({ context, event }) => context.renegotiating || isNegotiation(event.signal) })] },
      'PEER.REMOTE_SIGNAL': { actions: ['applyRemoteSignal', assign({ renegotiating: ({ context, event }) => context.renegotiating || isNegotiation(event.signal) })] },
      'PEER.NEGOTIATED': { actions: assign({ renegotiating: false }) },
    },
  },
  hangingUp: {
    description:
      'HANGUP while connected: waits until the data channel has sent what it holds, tells the other side, and closes when it does (at most drainTimeout).',
    entry: 'hangUpPeer',
    on: {
      'PEER.HUNG_UP': { target: 'closed' },
      'PEER.HANGUP': { target: 'closed' },
      'PEER.CLOSE': { target: 'closed' },
      'PEER.ERROR': { target: 'closed' },
      HANGUP: { target: 'closed' },
    },
    after: { drainTimeout: { target: 'closed' } },
  },
  failed: {
    description: 'Something went wrong; context.error says what. RETRY joins again.',
    entry: ['stopPeer', 'stopTrickle', 'stopFollowing', 'releaseRecords'],
    on: {
      RETRY: { guard: 'hasValidRoom', target: 'joining', actions: assign({ attempt: 1 }) },
    },
  },
  closed: {
    description: 'Hung up: the peer destroyed and everything this participant published removed.',
    type: 'final',
    entry: ['stopPeer', 'stopTrickle', 'stopFollowing', 'releaseRecords'],
  },
} as const satisfies Record<string, ReturnType<typeof signalingSetup.createStateConfig>>

/** True for a signal that starts or answers a renegotiation (a description or simple-peer's request), not a lone candidate. */
function isNegotiation(signal: unknown): boolean {
  return (signal as { type?: unknown } | null)?.type !== 'candidate'
}
