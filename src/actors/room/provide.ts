/**
 * The I/O behind the room statechart's names: `claimSlot`, `holdSlot`,
 * `watchSlots`, the action `releaseSlot`, and the `pair` machine (the
 * signaling machine provided per pair room). `provideRoom(deps)` returns the
 * room machine with these provided; tests pass a fake store, peer or clock
 * the same way. Every actor stops its work when XState stops it.
 *
 * @module
 */
import { roomMachine } from '../../machines/room.machine.js'
import type { PeerLike } from '../../peer/types.js'
import { createParticipant, type SignalingDeps } from '../participant.js'
import { claimSlotActor } from './claim-slot.js'
import { holdSlotActor } from './hold-slot.js'
import { providePairs } from './pairs.js'
import { watchSlotsActor } from './watch-slots.js'

/** The room machine with its actors provided, and the end of its cleanup. */
export interface ProvidedRoom {
  /** `roomMachine` with every actor and action implemented. */
  machine: typeof roomMachine
  /** Releases what this participant published in the room (its slot, every pair's records); resolves once done. */
  released(): Promise<void>
}

/**
 * Implements the room machine's actors and actions over `deps`. One call per
 * participant and room: it remembers the slot and the records of every pair, to remove them.
 */
export function provideRoom<TPeer extends PeerLike>(deps: SignalingDeps<TPeer>): ProvidedRoom {
  const participant = createParticipant(deps)
  const pairs = providePairs(deps)
  const machine = roomMachine.provide({
    actors: {
      claimSlot: claimSlotActor(participant),
      holdSlot: holdSlotActor(participant),
      watchSlots: watchSlotsActor(participant),
      pair: pairs.machine,
    },
    actions: {
      releaseSlot: () => {
        void participant.ledger.release()
      },
    },
  })
  return {
    machine,
    async released() {
      await Promise.all([participant.ledger.released(), pairs.releaseAll()])
    },
  }
}
