/**
 * The signaling statechart: how two participants meet in a room through a
 * shared store and connect with WebRTC. Pure: states, events, guards and
 * delays; every store call and the peer are actors referenced by name, whose
 * implementations come from `provideSignaling()` (src/actors/) or
 * from your own `signalingMachine.provide({ actors, actions })`: the actors
 * `readRoom`, `publishOffer`, `pollAnswer`, `publishAnswer`, `peer`,
 * `holdRoom`, `withdrawOffer`, `trickleCandidates`, `followRemote` and the action `releaseRecords`.
 *
 * Trickle ICE: once our record exists, each `PEER.SIGNAL` (our description
 * with a new candidate folded in) goes to the `trickle` child, which updates
 * the record; once the other side's description is known, the `remote` child
 * follows its record and each `STORE.SIGNAL` hands the peer the candidates it
 * has not had. Both stop at `connected`.
 *
 * docs/architecture.md shows the diagram generated from this definition.
 *
 * @module
 */
import { assign, enqueueActions, spawnChild } from 'xstate'
import { callEndStates } from './signaling.ending.js'
import { publishingStates } from './signaling.publish.js'
import { answerFoundOffer, failWith, followingRemote, initialContext, joinAgain, keepingLocalSignal, peerFailures, readRoomInputOf, signalingSetup, toFailed, trickling } from './signaling.setup.js'

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
export const signalingMachine = signalingSetup.createMachine({
  id: 'signaling',
  initial: 'idle',
  context: ({ input }) => initialContext(input),
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
        'Reads the room: a fresh offer makes us the recipient; none makes us the initiator. The initiator peer starts gathering meanwhile, so store latency hides behind ICE; where the store answers a lost create with the winner, an offer ready before the read is published at once, the read going on beside it, and a room read empty is watched until an offer appears (ours, or the one to answer).',
      entry: [
        'startRound',
        // A child rather than an invoke: publishingWhileReading keeps the read under way instead of asking again.
        // Spawned first, so its request goes out before the peer makes its connection.
        spawnChild('readRoom', { id: 'readRoom', input: ({ context }) => readRoomInputOf(context) }),
        // After losing the race to offer (attempt > 1) the room holds an offer: no point gathering one.
        enqueueActions(({ context, enqueue }) => {
          if (context.attempt === 1) enqueue.spawnChild('peer', { id: 'peer', input: { initiator: true } })
        }),
      ],
      // The read goes on only into publishingWhileReading (taken on PEER.SIGNAL); any other way out stops it.
      exit: enqueueActions(({ event, enqueue }) => {
        if (event.type !== 'PEER.SIGNAL') enqueue.stopChild('readRoom')
      }),
      on: {
        ...peerFailures,
        'xstate.done.actor.readRoom': [answerFoundOffer, { target: 'creatingOffer', actions: assign({ role: 'initiator' }) }],
        'xstate.error.actor.readRoom': toFailed,
        'PEER.SIGNAL': [
          {
            description: 'Our offer is ready before the read answered: create it now (a lost create answers the offer that won).',
            guard: 'mayPublishWhileReading',
            target: 'publishingWhileReading',
            actions: ['assignLocalSignal', assign({ role: 'initiator' })],
          },
          keepingLocalSignal['PEER.SIGNAL'],
        ],
      },
    },
    creatingOffer: {
      description:
        'The initiator peer produces its offer: with trickle, as soon as it carries the host candidates; with trickle: false, once ICE gathering is complete.',
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
    pollingAnswer: {
      description:
        'Reads the answer address every 2 s (and listens for a push where the store offers one). Trickling: each newer candidate of ours updates the offer record.',
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
          actions: [assign({ remoteSignal: ({ event }) => event.snapshot.context ?? null }), 'signalPeer', 'startFollowing'],
        },
        onError: [
          // The store lost our offer (a restart) and someone else has since offered in the room: answer them.
          joinAgain,
          toFailed,
        ],
      },
      on: { ...peerFailures, ...trickling },
      after: { answerTimeout: { target: 'withdrawingOffer' } },
    },
    creatingAnswer: {
      description: 'The recipient peer takes the offer and produces its answer.',
      entry: [spawnChild('peer', { id: 'peer', input: ({ context }) => ({ initiator: false, signalAtOnce: context.offerTrickles }) }), 'signalPeer'],
      on: {
        ...peerFailures,
        'PEER.SIGNAL': { target: 'publishingAnswer', actions: 'assignLocalSignal' },
        ...followingRemote,
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
        onDone: {
          target: 'connecting',
          actions: [{ type: 'assignPublished', params: ({ event }) => ({ output: event.output }) }, 'startTrickling', 'startConfirming'],
        },
        onError: [
          // Answered first by someone else, or the initiator withdrew its offer: read the room again.
          joinAgain,
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
        ...keepingLocalSignal,
        ...followingRemote,
      },
    },
    connecting: {
      description:
        'The peers exchange their descriptions and connect directly. Trickling: newer candidates of ours update our record; those of the other side come as STORE.SIGNAL. The recipient checks meanwhile that the offer it answered still stands.',
      always: { guard: 'peerConnected', target: 'connected' },
      exit: 'stopConfirming',
      on: {
        ...peerFailures,
        'PEER.CONNECT': { target: 'connected' },
        // The recipient's check that the offer it answered still stands: gone, read the room again.
        'xstate.error.actor.confirmOffer': [joinAgain, toFailed],
        ...trickling,
        ...followingRemote,
      },
      after: { connectTimeout: { target: 'failed', actions: failWith('ERR_CONNECT_TIMEOUT') } },
    },
    ...publishingStates,
    ...callEndStates,
  },
})
