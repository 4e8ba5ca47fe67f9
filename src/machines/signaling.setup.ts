/**
 * The signaling statechart's `setup()`: its types and every name its states
 * refer to (actors, actions, guards, delays). The actors and `releaseRecords`
 * are placeholders that fail with `ERR_NOT_PROVIDED`: their implementations
 * come from `provideSignaling()` (src/actors/) or your own `.provide()`.
 *
 * @module
 */
import { assign, fromCallback, fromObservable, fromPromise, sendTo, setup, stopChild, type EventObject } from 'xstate'
import { EMPTY } from 'rxjs'
import { SignalingError, toSignalingError, type SignalingErrorCode } from '../errors.js'
import { DEFAULT_APP_ID, isValidRoomName } from '../protocol/addresses.js'
import { type SessionSignal } from '../protocol/records.js'
import type {
  HoldRoomInput,
  PeerActorInput,
  PeerCommand,
  PollAnswerInput,
  PublishAnswerInput,
  PublishOfferInput,
  PublishOutput,
  ReadRoomInput,
  WithdrawOfferInput,
  RoomOffer,
  SignalingContext,
  SignalingEvent,
  SignalingInput,
} from './signaling.types.js'
import { ANSWER_TIMEOUT_MS, CONNECT_TIMEOUT_MS, HANGUP_DRAIN_TIMEOUT_MS, MAX_JOIN_ATTEMPTS, SIGNAL_TIMEOUT_MS } from './signaling.types.js'

function notProvided(name: string, kind: 'actor' | 'action' = 'actor'): never {
  throw new SignalingError(
    'ERR_NOT_PROVIDED',
    `The signaling machine's "${name}" ${kind} has no implementation: use createSignaling(), or the machine of provideSignaling(deps), or signalingMachine.provide({ actors, actions }) with all of them.`,
  )
}

/** The `fail` action with its params: sets `context.error` to a new {@link SignalingError}. */
export const failWith = (code: SignalingErrorCode, message?: string) => ({ type: 'fail', params: { code, message } }) as const

/** To `failed`, with the error the event carries (an invoked actor's `onError`, or `PEER.ERROR`). */
export const toFailed = { target: 'failed', actions: 'assignError' } as const

/** Transitions of the states in which the peer actor is alive: its failure fails the call; the other side's word that it hangs up closes it. */
export const peerFailures = {
  'PEER.ERROR': toFailed,
  'PEER.CLOSE': { target: 'failed', actions: failWith('ERR_PEER_CLOSED') },
  'PEER.HANGUP': { target: 'closed' },
} as const

/** The context a machine starts with: the input's values, the defaults for the rest. */
export function initialContext(input: SignalingInput | undefined): SignalingContext {
  return {
    room: input?.room ?? null,
    appId: input?.appId ?? DEFAULT_APP_ID,
    role: null,
    selfId: null,
    targetId: null,
    localSignal: null,
    remoteSignal: null,
    peerConnected: false,
    renegotiating: false,
    error: null,
    attempt: 1,
    signalTimeoutMs: input?.signalTimeoutMs ?? SIGNAL_TIMEOUT_MS,
    answerTimeoutMs: input?.answerTimeoutMs ?? ANSWER_TIMEOUT_MS,
    connectTimeoutMs: input?.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    maxJoinAttempts: input?.maxJoinAttempts ?? MAX_JOIN_ATTEMPTS,
    drainTimeoutMs: input?.drainTimeoutMs ?? HANGUP_DRAIN_TIMEOUT_MS,
  }
}

/** The machine's setup: types, placeholder actors, actions, guards and delays by name. */
export const signalingSetup = setup({
  types: {
    context: {} as SignalingContext,
    events: {} as SignalingEvent,
    input: {} as SignalingInput | undefined,
  },
  actors: {
    readRoom: fromPromise<RoomOffer | null, ReadRoomInput>(async () => notProvided('readRoom')),
    publishOffer: fromPromise<PublishOutput, PublishOfferInput>(async () => notProvided('publishOffer')),
    pollAnswer: fromObservable<SessionSignal, PollAnswerInput>(() => {
      notProvided('pollAnswer')
      return EMPTY
    }),
    publishAnswer: fromPromise<PublishOutput, PublishAnswerInput>(async () => notProvided('publishAnswer')),
    peer: fromCallback<PeerCommand, PeerActorInput>(() => notProvided('peer')),
    holdRoom: fromCallback<EventObject, HoldRoomInput>(() => notProvided('holdRoom')),
    withdrawOffer: fromPromise<SessionSignal | null, WithdrawOfferInput>(async () => notProvided('withdrawOffer')),
  },
  actions: {
    /** Removes from the store what this participant published (I/O): provided like the actors; fails with ERR_NOT_PROVIDED otherwise. */
    releaseRecords: () => notProvided('releaseRecords', 'action'),
    /** Keeps the error of `PEER.ERROR` or of an invoked actor's failure; a non-SignalingError from a store call becomes ERR_STORE_UNAVAILABLE. */
    assignError: assign({
      error: ({ event }) =>
        toSignalingError((event as { error?: unknown }).error, event.type === 'PEER.ERROR' ? 'ERR_PEER' : 'ERR_STORE_UNAVAILABLE'),
    }),
    assignLocalSignal: assign({ localSignal: ({ event }) => (event.type === 'PEER.SIGNAL' ? event.signal : null) }),
    fail: assign({ error: (_, params: { code: SignalingErrorCode; message?: string | undefined }) => new SignalingError(params.code, params.message) }),
    startRound: assign({
      role: null,
      selfId: null,
      targetId: null,
      localSignal: null,
      remoteSignal: null,
      peerConnected: false,
      renegotiating: false,
      error: null,
    }),
    stopPeer: stopChild('peer'),

    signalPeer: sendTo('peer', ({ context }): PeerCommand => ({ type: 'SIGNAL', signal: context.remoteSignal! })),
    /** Sends our renegotiation description (PEER.SIGNAL while connected) to the other side over the control channel. */
    relaySignal: sendTo('peer', ({ event }): PeerCommand => ({ type: 'RELAY', signal: (event as { signal: object }).signal })),
    /** Hands the other side's renegotiation description (PEER.REMOTE_SIGNAL) to our peer. */
    applyRemoteSignal: sendTo('peer', ({ event }): PeerCommand => ({ type: 'APPLY', signal: (event as { signal: object }).signal })),
    hangUpPeer: sendTo('peer', { type: 'HANGUP' } satisfies PeerCommand),
  },
  guards: {
    hasValidRoom: ({ context }) => isValidRoomName(context.room),
    hasInvalidRoom: ({ context }) => context.room !== null && !isValidRoomName(context.room),
    isValidJoin: (_, params: { room: unknown }) => isValidRoomName(params.room),
    foundOffer: (_, params: { offer: RoomOffer | null | undefined }) => params.offer != null,
    mayJoinAgain: ({ context }, params: { error: unknown }) =>
      isExists(params.error) && context.attempt < context.maxJoinAttempts,
    isExists: (_, params: { error: unknown }) => isExists(params.error),
    hasAnswer: (_, params: { answer: SessionSignal | undefined }) => params.answer !== undefined,
    answeredInTime: (_, params: { answer: SessionSignal | null }) => params.answer !== null,
    peerConnected: ({ context }) => context.peerConnected,
    isPeerClosed: ({ event }) => event.type === 'PEER.ERROR' && (event.error as { code?: unknown } | undefined)?.code === 'ERR_PEER_CLOSED',
  },
  delays: {
    signalTimeout: ({ context }) => context.signalTimeoutMs,
    answerTimeout: ({ context }) => context.answerTimeoutMs,
    connectTimeout: ({ context }) => context.connectTimeoutMs,
    drainTimeout: ({ context }) => context.drainTimeoutMs,
  },
})

function isExists(error: unknown): boolean {
  return error instanceof SignalingError && error.code === 'ERR_EXISTS'
}
