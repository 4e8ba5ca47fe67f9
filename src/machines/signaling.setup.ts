/**
 * The signaling statechart's `setup()`: its types and every name its states
 * refer to (actors, actions, guards, delays). The actors and `releaseRecords`
 * are placeholders that fail with `ERR_NOT_PROVIDED` (but for the trickle
 * actors `trickleCandidates` and `followRemote`, which do nothing unless provided): their implementations
 * come from `provideSignaling()` (src/actors/) or your own `.provide()`.
 *
 * @module
 */
import { assign, fromCallback, fromObservable, fromPromise, sendTo, setup, spawnChild, stopChild, type EventObject } from 'xstate'
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
  ConfirmOfferInput,
  PublishOfferInput,
  PublishOfferOutput,
  PublishOutput,
  ReadRoomInput,
  WithdrawOfferInput,
  RoomOffer,
  SignalingContext,
  SignalingEvent,
  SignalingInput,
  TrickleCandidatesInput,
  TrickleCommand,
  TrickleInput,
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

/** While our record is being made: each newer description of ours is kept, to be written once the record exists. */
export const keepingLocalSignal = { 'PEER.SIGNAL': { actions: 'assignLocalSignal' } } as const

/** Trickling: each newer description of ours (one more candidate) goes to the writer of our record. */
export const trickling = { 'PEER.SIGNAL': { actions: ['assignLocalSignal', 'trickleLocal'] } } as const

/** Following the other side's record: each newer description of theirs hands the peer its new candidates. */
export const followingRemote = { 'STORE.SIGNAL': { actions: ['assignRemoteSignal', 'signalPeer'] } } as const

/** The room's read found an offer (in joining, or beside our own create): our offer's peer stops and we answer it. */
export const answerFoundOffer = {
  guard: { type: 'foundOffer', params: ({ event }: { event: { output: RoomOffer | null } }) => ({ offer: event.output }) },
  target: 'creatingAnswer',
  actions: ['stopPeer', { type: 'answerOffer', params: ({ event }: { event: { output: RoomOffer | null } }) => ({ offer: event.output! }) }, 'startFollowing'],
} as const

/** Lost the race to offer (glare) without the winner's offer at hand: read the room again, if attempts are left. */
export const joinAgain = {
  guard: { type: 'mayJoinAgain', params: ({ event }: { event: { error: unknown } }) => ({ error: event.error }) },
  target: 'joining',
  actions: ['stopPeer', 'stopTrickle', 'stopFollowing', 'countAttempt'],
} as const

/** What every round of a join starts from: no role, ids, descriptions or error yet. */
const ROUND_START = {
  role: null,
  selfId: null,
  targetId: null,
  localSignal: null,
  remoteSignal: null,
  offerTrickles: false,
  publishedSignal: null,
  peerConnected: false,
  renegotiating: false,
  error: null,
} as const satisfies Partial<SignalingContext>

/**
 * The room read's input: where the store answers a lost create with the winner
 * (so our offer goes while the read waits), a first attempt's read empty
 * waits for an offer up to the signal timeout.
 */
export function readRoomInputOf(context: SignalingContext): ReadRoomInput {
  const input: ReadRoomInput = { room: context.room!, appId: context.appId }
  if (context.publishWhileReading && context.attempt === 1) input.waitForOfferMs = context.signalTimeoutMs
  return input
}

/** The context a machine starts with: the input's values, the defaults for the rest. */
export function initialContext(input: SignalingInput | undefined): SignalingContext {
  return {
    ...ROUND_START,
    room: input?.room ?? null,
    appId: input?.appId ?? DEFAULT_APP_ID,
    attempt: 1,
    signalTimeoutMs: input?.signalTimeoutMs ?? SIGNAL_TIMEOUT_MS,
    answerTimeoutMs: input?.answerTimeoutMs ?? ANSWER_TIMEOUT_MS,
    connectTimeoutMs: input?.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    maxJoinAttempts: input?.maxJoinAttempts ?? MAX_JOIN_ATTEMPTS,
    drainTimeoutMs: input?.drainTimeoutMs ?? HANGUP_DRAIN_TIMEOUT_MS,
    publishWhileReading: input?.publishWhileReading === true,
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
    publishOffer: fromPromise<PublishOfferOutput, PublishOfferInput>(async () => notProvided('publishOffer')),
    pollAnswer: fromObservable<SessionSignal, PollAnswerInput>(() => {
      notProvided('pollAnswer')
      return EMPTY
    }),
    publishAnswer: fromPromise<PublishOutput, PublishAnswerInput>(async () => notProvided('publishAnswer')),
    confirmOffer: fromPromise<void, ConfirmOfferInput>(async () => notProvided('confirmOffer')),
    peer: fromCallback<PeerCommand, PeerActorInput>(() => notProvided('peer')),
    holdRoom: fromCallback<EventObject, HoldRoomInput>(() => notProvided('holdRoom')),
    // Trickle ICE is optional: unless provided, these do nothing (no record updates, no candidates followed).
    trickleCandidates: fromCallback<TrickleCommand, TrickleCandidatesInput>(() => undefined),
    followRemote: fromCallback<EventObject, TrickleInput>(() => undefined),
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
    startRound: assign(ROUND_START),
    stopPeer: stopChild('peer'),
    /** Stops the room's read (spawned while joining) if it is still under way. */
    stopReadRoom: stopChild('readRoom'),
    /** Stops the writer of our record's candidates. */
    stopTrickle: stopChild('trickle'),
    /** Stops following the other side's record. */
    stopFollowing: stopChild('remote'),
    /** Hands the trickle writer our description with its newest candidates. */
    trickleLocal: sendTo('trickle', ({ context }): TrickleCommand => ({ type: 'SIGNAL', signal: context.localSignal! })),
    /** Checks, while the peers connect, that the offer we answered still stands (the recipient, once its answer is stored). */
    startConfirming: spawnChild('confirmOffer', {
      id: 'confirmOffer',
      input: ({ context }) => ({ room: context.room!, appId: context.appId, targetId: context.targetId! }),
    }),
    /** Stops that check: connected (which proves the offer stood), or leaving. */
    stopConfirming: stopChild('confirmOffer'),
    /** Starts following the other side's record for the candidates it trickles. */
    startFollowing: spawnChild('followRemote', { id: 'remote', input: ({ context }) => trickleInputOf(context) }),
    /** Starts writing our newer candidates into our record. */
    startTrickling: spawnChild('trickleCandidates', {
      id: 'trickle',
      input: ({ context }) => ({
        ...trickleInputOf(context),
        published: context.publishedSignal ?? context.localSignal!,
        latest: context.localSignal!,
        ttlMs: context.role === 'initiator' ? context.answerTimeoutMs + context.connectTimeoutMs : context.connectTimeoutMs,
      }),
    }),
    /** Becomes the recipient of `offer` (found in the room, or carried by the answer to a lost create). */
    answerOffer: assign((_, params: { offer: RoomOffer }) => ({
      role: 'recipient' as const,
      localSignal: null,
      targetId: params.offer.targetId,
      remoteSignal: params.offer.signal,
      offerTrickles: params.offer.trickles === true,
    })),
    /** Keeps what the publish actor wrote: our id and the description the record was created with. */
    assignPublished: assign((_, params: { output: PublishOutput }) => ({
      selfId: params.output.selfId,
      publishedSignal: params.output.published ?? null,
    })),
    countAttempt: assign({ attempt: ({ context }) => context.attempt + 1 }),
    assignRemoteSignal: assign({ remoteSignal: ({ event }) => (event.type === 'STORE.SIGNAL' ? event.signal : null) }),

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
    lostToOffer: (_, params: { output: PublishOfferOutput }) => params.output.lostTo !== undefined,
    /** Our first round's offer is ready before the room's read answered, and the store's lost create answers the winner. */
    mayPublishWhileReading: ({ context }) => context.publishWhileReading && context.attempt === 1,
    isPeerClosed: ({ event }) => event.type === 'PEER.ERROR' && (event.error as { code?: unknown } | undefined)?.code === 'ERR_PEER_CLOSED',
  },
  delays: {
    signalTimeout: ({ context }) => context.signalTimeoutMs,
    answerTimeout: ({ context }) => context.answerTimeoutMs,
    connectTimeout: ({ context }) => context.connectTimeoutMs,
    drainTimeout: ({ context }) => context.drainTimeoutMs,
  },
})

function trickleInputOf(context: SignalingContext): TrickleInput {
  return { role: context.role!, room: context.room!, appId: context.appId, selfId: context.selfId, targetId: context.targetId }
}

function isExists(error: unknown): boolean {
  return error instanceof SignalingError && error.code === 'ERR_EXISTS'
}
