/**
 * The `claimSlot` actor: takes the first free slot of a room of many with the
 * store's create-if-absent (`room#0`, `room#1`, …). Of two participants
 * creating the same slot at once, the store lets exactly one win; the other
 * goes on to the next. Past `maxPeers`, `ERR_ROOM_FULL` when every slot has
 * its own participant; `ERR_ROOM_BUSY` (claimed again by the room) when one
 * participant is in two slots (its claim that timed out landed after all) or
 * a slot was emptied meanwhile. Its store calls stop when the actor stops
 * (XState's `signal`).
 *
 * @module
 */
import { fromPromise } from 'xstate'
import { SignalingError } from '../../errors.js'
import type { ClaimSlotInput } from '../../machines/room.types.js'
import { SLOT_TTL_MS } from '../../machines/room.types.js'
import { slotAddress } from '../../protocol/addresses.js'
import { storeCall, type Participant } from '../participant.js'
import { occupantOf, slotRecordData } from './slot-record.js'

/** True when `error` is the store's `ERR_EXISTS` (the slot is taken). */
function isExists(error: unknown): boolean {
  return error instanceof SignalingError && error.code === 'ERR_EXISTS'
}

/** The `claimSlot` actor of `participant` (the room's store side); its output is the slot taken. */
export function claimSlotActor(participant: Participant) {
  const { store, clock, ledger } = participant
  return fromPromise<number, ClaimSlotInput>(async ({ input, signal }) => {
    const holders = new Set<string>()
    for (let slot = 0; slot < input.maxPeers; slot++) {
      const address = slotAddress(input.room, slot, input.appId)
      const data = slotRecordData(input.peerId, clock.now(), SLOT_TTL_MS)
      try {
        await storeCall(participant, signal, () => ledger.create(address, () => store.create(address, data, { ttlMs: SLOT_TTL_MS, signal })))
        return slot
      } catch (error) {
        if (!isExists(error)) throw error
        // A retried create of ours may have landed before: then the slot is ours.
        const holder = occupantOf(await storeCall(participant, signal, () => store.read(address, { signal })), clock.now())
        if (holder === input.peerId) return slot
        if (holder !== null) holders.add(holder)
      }
    }
    if (holders.size < input.maxPeers) {
      throw new SignalingError(
        'ERR_ROOM_BUSY',
        `Room "${input.room}" has ${holders.size} participants in its ${input.maxPeers} slots (a claim that timed out landed, or a slot just emptied): claiming again shortly.`,
      )
    }
    throw new SignalingError(
      'ERR_ROOM_FULL',
      `Room "${input.room}" already has ${input.maxPeers} participants (its maxPeers): wait for someone to leave, or pick another room.`,
    )
  })
}
