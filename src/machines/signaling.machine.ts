/**
 * The signaling statechart: how two participants meet in a room through a
 * shared store and connect with WebRTC. Pure: states, events, guards and
 * delays; every store call and the peer are actors referenced by name, whose
 * implementations come from `provideSignaling()` (src/actors/) or
 * from your own `signalingMachine.provide({ actors, actions })`: the actors
 * `readRoom`, `publishOffer`, `pollAnswer`, `publishAnswer`, `peer`,
 * `holdRoom` and the action `releaseRecords`.
 *
 * docs/architecture.md shows the diagram generated from this definition.
 *
 * @module
 */
import { assign, enqueueActions, fromCallback, fromObservable, fromPromise, sendTo, setup, spawnChild, stopChild, type EventObject } from 'xstate'
import { EMPTY } from 'rxjs'
import { SignalingError, toSignalingError, type SignalingErrorCode } from '../errors.js'
import { DEFAULT_APP_ID, validateRoomName, type SessionSignal } from '../protocol/records.js'

/** How long the peer may take to produce its offer or answer, in ms. */
export const SIGNAL_TIMEOUT_MS = 15_000
/** How long the initiator waits for someone to answer, in ms. */
export const ANSWER_TIMEOUT_MS = 120_000
/** How long the peers may take to connect once offer and answer are exchanged, in ms. */
export const CONNECT_TIMEOUT_MS = 30_000
/** How many times one join reads the room again after losing the race to create it (glare). */
export const MAX_JOIN_ATTEMPTS = 3

/** Which side of the call a participant is. */
export type SignalingRole = 'initiator' | 'recipient'

/** An offer found in a room: what to answer, and where to store the answer. */
export interface RoomOffer {
  signal: SessionSignal
  targetId: string
}

/** What the machine starts with; every field is optional. */
export interface SignalingInput {
  /** Join this room at once instead of waiting for `JOIN`. */
  room?: string
  /** Part of every store address. Default `example.signaling.v1`. */
  appId?: string
  /** See {@link SIGNAL_TIMEOUT_MS}. */
  signalTimeoutMs?: number
  /** See {@link ANSWER_TIMEOUT_MS}. */
  answerTimeoutMs?: number
  /** See {@link CONNECT_TIMEOUT_MS}. */
  connectTimeoutMs?: number
  /** See {@link MAX_JOIN_ATTEMPTS}. */
  maxJoinAttempts?: number
}

/** The machine's context: plain data only, so inspectors can show all of it. */
export interface SignalingContext {
  room: string | null
  appId: string
  role: SignalingRole | null
  /** The id at which this participant's answer is expected (initiator) or which it wrote in its answer (recipient). */
  selfId: string | null
  /** The id the other side asked us to answer at (recipient). */
  targetId: string | null
  localSignal: SessionSignal | null
  remoteSignal: SessionSignal | null
  /** Set when the recipient's peer connected before its answer was acknowledged by the store. */
  peerConnected: boolean
  error: SignalingError | null
  /** Attempts of this join so far (glare sends the loser back to `joining`). */
  attempt: number
  signalTimeoutMs: number
  answerTimeoutMs: number
  connectTimeoutMs: number
  maxJoinAttempts: number
}

/** Events the machine accepts. `PEER.*` come from the peer actor. */
export type SignalingEvent =
  | { type: 'JOIN'; room: string }
  | { type: 'HANGUP' }
  | { type: 'RETRY' }
  | { type: 'PEER.SIGNAL'; signal: SessionSignal }
  | { type: 'PEER.CONNECT' }
  | { type: 'PEER.ERROR'; error: SignalingError }
  | { type: 'PEER.CLOSE' }

/** What the machine sends its peer actor. */
export type PeerCommand = { type: 'SIGNAL'; signal: SessionSignal }

/** Input of the `peer` actor. */
export interface PeerActorInput {
  initiator: boolean
}
/** Input of the `readRoom` actor. */
export interface ReadRoomInput {
  room: string
  appId: string
}
/** Input of the `publishOffer` actor. */
export interface PublishOfferInput {
  room: string
  appId: string
  signal: SessionSignal
  /** The offer's lifetime: the answer timeout plus the connect timeout, so a crashed initiator's offer goes away. */
  ttlMs: number
}
/** Output of `publishOffer` and `publishAnswer`: the id this participant wrote as its `targetId`. */
export interface PublishOutput {
  selfId: string
}
/** Input of the `pollAnswer` actor: where the answer is expected, and the offer to publish again should the store lose it. */
export interface PollAnswerInput {
  selfId: string
  appId: string
  room: string
  signal: SessionSignal
  ttlMs: number
}
/** Input of the `holdRoom` actor: the room of a call in progress, and our role in it. */
export interface HoldRoomInput {
  room: string
  appId: string
  role: SignalingRole
}
/** Input of the `publishAnswer` actor. */
export interface PublishAnswerInput {
  room: string
  appId: string
  targetId: string
  signal: SessionSignal
  /** The answer's lifetime: the connect timeout (the recipient gives up then). */
  ttlMs: number
}

function notProvided(name: string, kind: 'actor' | 'action' = 'actor'): never {
  throw new SignalingError(
    'ERR_NOT_PROVIDED',
    `The signaling machine's "${name}" ${kind} has no implementation: use createSignaling(), or the machine of provideSignaling(deps), or signalingMachine.provide({ actors, actions }) with all of them.`,
  )
}

/** The `fail` action with its params: sets `context.error` to a new {@link SignalingError}. */
const failWith = (code: SignalingErrorCode, message?: string) => ({ type: 'fail', params: { code, message } }) as const

/** To `failed`, with the error the event carries (an invoked actor's `onError`, or `PEER.ERROR`). */
const toFailed = { target: 'failed', actions: 'assignError' } as const

/** Transitions of the states in which the peer actor is alive: its failure fails the call. */
const peerFailures = {
  'PEER.ERROR': toFailed,
  'PEER.CLOSE': { target: 'failed', actions: failWith('ERR_PEER_CLOSED') },
} as const

/**
 * The signaling statechart.
 *
 * Initiator: `idle → joining → creatingOffer → publishing → pollingAnswer → connecting → connected`.
 * Recipient: `idle → joining → creatingAnswer → publishingAnswer → connecting → connected`.
 * Any failure goes to `failed` (with a {@link SignalingError} in `context.error`; `RETRY` joins again);
 * `HANGUP` from any state goes to `closed` (final): the peer destroyed, what was published removed.
 *
 * @example
 * ```ts
 * const { machine } = provideSignaling({ store, createPeer })
 * const actor = createActor(machine, { input: { room: 'demo' } })
 * ```
 */
export const signalingMachine = setup({
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
      error: null,
    }),
    stopPeer: stopChild('peer'),

    signalPeer: sendTo('peer', ({ context }): PeerCommand => ({ type: 'SIGNAL', signal: context.remoteSignal! })),
  },
  guards: {
    hasValidRoom: ({ context }) => isValidRoom(context.room),
    hasInvalidRoom: ({ context }) => context.room !== null && !isValidRoom(context.room),
    isValidJoin: (_, params: { room: unknown }) => isValidRoom(params.room),
    foundOffer: (_, params: { offer: RoomOffer | null | undefined }) => params.offer != null,
    mayJoinAgain: ({ context }, params: { error: unknown }) =>
      isExists(params.error) && context.attempt < context.maxJoinAttempts,
    isExists: (_, params: { error: unknown }) => isExists(params.error),
    hasAnswer: (_, params: { answer: SessionSignal | undefined }) => params.answer !== undefined,
    peerConnected: ({ context }) => context.peerConnected,
    isPeerClosed: ({ event }) => event.type === 'PEER.ERROR' && (event.error as { code?: unknown } | undefined)?.code === 'ERR_PEER_CLOSED',
  },
  delays: {
    signalTimeout: ({ context }) => context.signalTimeoutMs,
    answerTimeout: ({ context }) => context.answerTimeoutMs,
    connectTimeout: ({ context }) => context.connectTimeoutMs,
  },
}).createMachine({
  id: 'signaling',
  initial: 'idle',
  context: ({ input }) => ({
    room: input?.room ?? null,
    appId: input?.appId ?? DEFAULT_APP_ID,
    role: null,
    selfId: null,
    targetId: null,
    localSignal: null,
    remoteSignal: null,
    peerConnected: false,
    error: null,
    attempt: 1,
    signalTimeoutMs: input?.signalTimeoutMs ?? SIGNAL_TIMEOUT_MS,
    answerTimeoutMs: input?.answerTimeoutMs ?? ANSWER_TIMEOUT_MS,
    connectTimeoutMs: input?.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    maxJoinAttempts: input?.maxJoinAttempts ?? MAX_JOIN_ATTEMPTS,
  }),
  on: {
    HANGUP: { target: '.closed' },
  },
  states: {
    idle: {
      description: 'Waiting for JOIN { room }; starts at once when the input names a room.',
      always: [
        { guard: 'hasValidRoom', target: 'joining' },
        { guard: 'hasInvalidRoom', target: 'failed', actions: failWith('ERR_INVALID_ROOM') },
      ],
      on: {
        JOIN: [
          {
            guard: { type: 'isValidJoin', params: ({ event }) => ({ room: event.room }) },
            target: 'joining',
            actions: assign({ room: ({ event }) => event.room }),
          },
          { target: 'failed', actions: failWith('ERR_INVALID_ROOM') },
        ],
      },
    },
    joining: {
      description:
        'Reads the room: a fresh offer makes us the recipient; none makes us the initiator. The initiator peer starts gathering meanwhile, so store latency hides behind ICE.',
      entry: [
        'startRound',
        // After losing the race to offer (attempt > 1) the room holds an offer: no point gathering one.
        enqueueActions(({ context, enqueue }) => {
          if (context.attempt === 1) enqueue.spawnChild('peer', { id: 'peer', input: { initiator: true } })
        }),
      ],
      invoke: {
        id: 'readRoom',
        src: 'readRoom',
        input: ({ context }) => ({ room: context.room!, appId: context.appId }),
        onDone: [
          {
            guard: { type: 'foundOffer', params: ({ event }) => ({ offer: event.output }) },
            target: 'creatingAnswer',
            actions: [
              'stopPeer',
              assign({
                role: 'recipient',
                localSignal: null,
                targetId: ({ event }) => event.output!.targetId,
                remoteSignal: ({ event }) => event.output!.signal,
              }),
            ],
          },
          { target: 'creatingOffer', actions: assign({ role: 'initiator' }) },
        ],
        onError: toFailed,
      },
      on: {
        ...peerFailures,
        'PEER.SIGNAL': { actions: 'assignLocalSignal' },
      },
    },
    creatingOffer: {
      description: 'The initiator peer (trickle: false) finishes gathering ICE and produces its offer.',
      // A later attempt started no peer while joining: start it now. An offer that came while joining is handed
      // on as a fresh PEER.SIGNAL, so that creatingOffer is a step observers see.
      entry: enqueueActions(({ context, enqueue, self }) => {
        if (context.attempt > 1) enqueue.spawnChild('peer', { id: 'peer', input: { initiator: true } })
        else if (context.localSignal !== null) enqueue.sendTo(self, { type: 'PEER.SIGNAL', signal: context.localSignal })
      }),
      on: {
        ...peerFailures,
        'PEER.SIGNAL': { target: 'publishing', actions: 'assignLocalSignal' },
      },
      after: { signalTimeout: { target: 'failed', actions: failWith('ERR_SIGNAL_TIMEOUT') } },
    },
    publishing: {
      description: 'Creates the offer record at the room address, if nobody has (exactly one offer per room wins).',
      invoke: {
        id: 'publishOffer',
        src: 'publishOffer',
        input: ({ context }) => ({
          room: context.room!,
          appId: context.appId,
          signal: context.localSignal!,
          ttlMs: context.answerTimeoutMs + context.connectTimeoutMs,
        }),
        onDone: { target: 'pollingAnswer', actions: assign({ selfId: ({ event }) => event.output.selfId }) },
        onError: [
          {
            guard: { type: 'mayJoinAgain', params: ({ event }) => ({ error: event.error }) },
            target: 'joining',
            actions: ['stopPeer', assign({ attempt: ({ context }) => context.attempt + 1 })],
          },
          {
            guard: { type: 'isExists', params: ({ event }) => ({ error: event.error }) },
            target: 'failed',
            actions: failWith('ERR_ROOM_BUSY'),
          },
          toFailed,
        ],
      },
      on: peerFailures,
    },
    pollingAnswer: {
      description: 'Reads the answer address every 2 s (and listens for a push where the store offers one).',
      invoke: {
        id: 'pollAnswer',
        src: 'pollAnswer',
        input: ({ context }) => ({
          selfId: context.selfId!,
          appId: context.appId,
          room: context.room!,
          signal: context.localSignal!,
          ttlMs: context.answerTimeoutMs + context.connectTimeoutMs,
        }),
        onSnapshot: {
          guard: { type: 'hasAnswer', params: ({ event }) => ({ answer: event.snapshot.context }) },
          target: 'connecting',
          actions: [assign({ remoteSignal: ({ event }) => event.snapshot.context ?? null }), 'signalPeer'],
        },
        onError: [
          {
            // The store lost our offer (a restart) and someone else has since offered in the room: answer them.
            guard: { type: 'mayJoinAgain', params: ({ event }) => ({ error: event.error }) },
            target: 'joining',
            actions: ['stopPeer', assign({ attempt: ({ context }) => context.attempt + 1 })],
          },
          toFailed,
        ],
      },
      on: peerFailures,
      after: { answerTimeout: { target: 'failed', actions: failWith('ERR_ANSWER_TIMEOUT') } },
    },
    creatingAnswer: {
      description: 'The recipient peer takes the offer and produces its answer.',
      entry: [spawnChild('peer', { id: 'peer', input: { initiator: false } }), 'signalPeer'],
      on: {
        ...peerFailures,
        'PEER.SIGNAL': { target: 'publishingAnswer', actions: 'assignLocalSignal' },
      },
      after: { signalTimeout: { target: 'failed', actions: failWith('ERR_SIGNAL_TIMEOUT') } },
    },
    publishingAnswer: {
      description: "Creates the answer record at the initiator's targetId address.",
      invoke: {
        id: 'publishAnswer',
        src: 'publishAnswer',
        input: ({ context }) => ({
          room: context.room!,
          appId: context.appId,
          targetId: context.targetId!,
          signal: context.localSignal!,
          ttlMs: context.connectTimeoutMs,
        }),
        onDone: { target: 'connecting', actions: assign({ selfId: ({ event }) => event.output.selfId }) },
        onError: [
          {
            guard: { type: 'isExists', params: ({ event }) => ({ error: event.error }) },
            target: 'failed',
            actions: failWith('ERR_ROOM_BUSY', 'Someone else already answered this offer: the room is busy; wait for that call to end or pick another room.'),
          },
          toFailed,
        ],
      },
      on: {
        ...peerFailures,
        'PEER.CONNECT': { actions: assign({ peerConnected: true }) },
      },
    },
    connecting: {
      description: 'The peers exchange their descriptions and connect directly.',
      always: { guard: 'peerConnected', target: 'connected' },
      on: {
        ...peerFailures,
        'PEER.CONNECT': { target: 'connected' },
      },
      after: { connectTimeout: { target: 'failed', actions: failWith('ERR_CONNECT_TIMEOUT') } },
    },
    connected: {
      description:
        'The data channel and media are live. The room record becomes a busy marker (kept fresh) and the answer stays until the call ends, so a third participant is told the room is busy.',
      invoke: {
        id: 'holdRoom',
        src: 'holdRoom',
        input: ({ context }) => ({ room: context.room!, appId: context.appId, role: context.role! }),
      },
      on: {
        // The channel closing is the other side hanging up (browsers report it as an error first); anything else fails the call.
        'PEER.ERROR': [{ guard: 'isPeerClosed', target: 'closed' }, peerFailures['PEER.ERROR']],
        'PEER.CLOSE': { target: 'closed' },
      },
    },
    failed: {
      description: 'Something went wrong; context.error says what. RETRY joins again.',
      entry: ['stopPeer', 'releaseRecords'],
      on: {
        RETRY: { guard: 'hasValidRoom', target: 'joining', actions: assign({ attempt: 1 }) },
      },
    },
    closed: {
      description: 'Hung up: the peer destroyed and everything this participant published removed.',
      type: 'final',
      entry: ['stopPeer', 'releaseRecords'],
    },
  },
})

function isValidRoom(room: unknown): boolean {
  try {
    validateRoomName(room)
    return true
  } catch {
    return false
  }
}

function isExists(error: unknown): boolean {
  return error instanceof SignalingError && error.code === 'ERR_EXISTS'
}
