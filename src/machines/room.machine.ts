/**
 * The room statechart: a room of up to `maxPeers` participants, each connected
 * to every other (a full mesh) by its own pair handshake, the signaling
 * machine unchanged, spawned as a child actor named by the other peer's id.
 * Pure: states, events, guards and delays; the store work is done by actors
 * referenced by name (`claimSlot`, `holdSlot`, `watchSlots`, the action
 * `releaseSlot`) and the pairs by the provided `pair` machine, all from
 * `provideRoom()` (src/actors/room/) or your own `roomMachine.provide()`.
 *
 * How participants meet: each claims the first free slot of the room with the
 * store's create-if-absent (`room#0`, `room#1`, …; its record refreshed while
 * present, so a crashed participant's slot expires), watches the other slots,
 * and for every other occupied slot runs the pair handshake in the pair's own
 * room, `room#i#j` (i < j): create-if-absent decides which of the two offers.
 *
 * @module
 */
import { assign } from 'xstate'
import { initialRoomContext, PAIR_DONE_PREFIX, roomSetup } from './room.setup.js'


/**
 * The room statechart.
 *
 * `claiming → present` (pairs spawned and hung up as slots fill and empty;
 * failed pairs retried every `pairRetryMs`) `→ left` on `LEAVE`.
 * `claiming → failed` with `ERR_ROOM_FULL` when every slot is taken (`RETRY` claims again);
 * a store failure while claiming waits `pairRetryMs` in `waitingToClaim` and claims again, up to `MAX_CLAIM_ATTEMPTS` tries.
 *
 * @example
 * ```ts
 * const { machine } = provideRoom({ store, createPeer })
 * const actor = createActor(machine, { input: { room: 'demo', peerId: 'me', maxPeers: 4 } }).start()
 * ```
 */
export const roomMachine = roomSetup.createMachine({
  id: 'room',
  initial: 'claiming',
  context: ({ input }) => initialRoomContext(input),
  on: {
    LEAVE: { target: '.left' },
  },
  states: {
    claiming: {
      description: 'Takes the first free slot of the room with create-if-absent; ERR_ROOM_FULL when none is free.',
      invoke: {
        id: 'claimSlot',
        src: 'claimSlot',
        input: ({ context }) => ({ room: context.room, appId: context.appId, peerId: context.peerId, maxPeers: context.maxPeers }),
        onDone: { target: 'present', actions: assign({ slot: ({ event }) => event.output, error: null, claimAttempt: 1 }) },
        onError: [
          { guard: 'canClaimAgain', target: 'waitingToClaim', actions: 'assignError' },
          { target: 'failed', actions: 'assignError' },
        ],
      },
    },
    waitingToClaim: {
      description: 'The store failed while claiming (overloaded, or briefly away): claims again after pairRetryMs, up to MAX_CLAIM_ATTEMPTS tries.',
      after: { pairRetry: { target: 'claiming', actions: assign({ claimAttempt: ({ context }) => context.claimAttempt + 1 }) } },
    },
    present: {
      description:
        'Holds the slot (refreshed), watches the other slots, and runs one pair handshake with each other participant present.',
      invoke: [
        {
          id: 'holdSlot',
          src: 'holdSlot',
          input: ({ context }) => ({ room: context.room, appId: context.appId, peerId: context.peerId, slot: context.slot! }),
        },
        {
          id: 'watchSlots',
          src: 'watchSlots',
          input: ({ context }) => ({ room: context.room, appId: context.appId, maxPeers: context.maxPeers }),
        },
      ],
      on: {
        SLOTS: {
          actions: ['assignOccupants', 'reconcilePairs'],
        },
        'SLOT.LOST': { target: 'claiming', actions: 'hangUpPairs' },
        // A pair handshake reached `closed`: that peer hung up; its pair is not started again.
        [`${PAIR_DONE_PREFIX}*`]: { actions: 'forgetPair' },
      },
      initial: 'meshing',
      states: {
        meshing: {
          description: 'Every pairRetryMs, failed pairs join again while both participants are present.',
          after: { pairRetry: { target: 'meshing', reenter: true, actions: 'retryPairs' } },
        },
      },
    },
    failed: {
      description: 'The room could not be joined (ERR_ROOM_FULL, or the store failed MAX_CLAIM_ATTEMPTS times); context.error says why. RETRY claims again.',
      on: { RETRY: { target: 'claiming', actions: assign({ claimAttempt: 1 }) } },
    },
    left: {
      description: 'Left the room: every pair hung up, the slot record removed.',
      type: 'final',
      entry: ['hangUpPairs', 'releaseSlot'],
    },
  },
})
