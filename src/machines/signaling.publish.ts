/**
 * The states where the initiator-to-be stores its offer: `publishing` (the
 * room was read and found free) and `publishingWhileReading` (the offer was
 * ready before the read answered, with a store whose lost create answers the
 * offer that won: the create goes at once, and the read goes on beside it).
 * Part of the signaling statechart (signaling.machine.ts), kept here so the
 * machine's file stays small.
 *
 * @module
 */
import { answerFoundOffer, joinAgain, failWith, keepingLocalSignal, peerFailures, signalingSetup, toFailed } from './signaling.setup.js'

/** Creates the offer record: the same invoke in both states. */
const publishOffer = {
  id: 'publishOffer',
  src: 'publishOffer',
  input: ({ context }) => ({
    room: context.room!,
    appId: context.appId,
    signal: context.localSignal!,
    ttlMs: context.answerTimeoutMs + context.connectTimeoutMs,
  }),
  onDone: [
    {
      guard: { type: 'lostToOffer', params: ({ event }) => ({ output: event.output }) },
      target: 'creatingAnswer',
      actions: ['stopPeer', { type: 'answerOffer', params: ({ event }) => ({ offer: event.output.lostTo! }) }, 'startFollowing'],
    },
    {
      target: 'pollingAnswer',
      actions: [{ type: 'assignPublished', params: ({ event }) => ({ output: event.output }) }, 'startTrickling'],
    },
  ],
  onError: [
    joinAgain,
    {
      guard: { type: 'isExists', params: ({ event }) => ({ error: event.error }) },
      target: 'failed',
      actions: failWith('ERR_ROOM_BUSY'),
    },
    toFailed,
  ],
} as const satisfies ReturnType<typeof signalingSetup.createStateConfig>['invoke']

/** The publishing states of the signaling statechart, by name. */
export const publishingStates = {
  publishing: {
    description:
      'Creates the offer record at the room address, if nobody has (exactly one offer per room wins). A store that answers a lost create with the winning offer sends us straight to answering it.',
    invoke: publishOffer,
    on: { ...peerFailures, ...keepingLocalSignal },
  },
  publishingWhileReading: {
    description:
      "Our offer was ready before the room's read answered: creates it while the read begun in joining goes on. An offer found by the read, or carried by a lost create, is answered, whichever comes first; a create that wins makes us the initiator.",
    invoke: publishOffer,
    exit: 'stopReadRoom',
    on: {
      ...peerFailures,
      ...keepingLocalSignal,
      'xstate.done.actor.readRoom': answerFoundOffer,
      // A failed or empty read decides nothing: the create does.
      'xstate.error.actor.readRoom': { actions: [] },
    },
  },
} as const satisfies Record<string, ReturnType<typeof signalingSetup.createStateConfig>>
