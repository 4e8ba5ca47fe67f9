/**
 * The `withdrawOffer` actor (the initiator's answer timeout): makes its
 * giving-up visible before anything else. It claims its own answer address
 * with a marker (create-if-absent, the one atomic step a store offers), then
 * removes the offer from the room. Should an answer have landed first, the
 * claim fails and the answer is returned: the call goes on with it. An
 * answerer who comes later is refused by the claim (`ERR_EXISTS`) or, once
 * the claim is released, finds the offer gone when it checks after answering
 * (`publishAnswer`); either way it reads the room again instead of waiting on
 * a dead offer. The claim is booked in the ledger and released with the rest.
 *
 * @module
 */
import { fromPromise } from 'xstate'
import { SignalingError } from '../errors.js'
import type { WithdrawOfferInput } from '../machines/signaling.types.js'
import { answerAddress, roomAddress } from '../protocol/addresses.js'
import { createBusyRecord, decodeRecord, encodeRecord, isRecordExpired, type SessionSignal } from '../protocol/records.js'
import { storeCall, type Participant } from './participant.js'

/** The `withdrawOffer` actor of `participant`: resolves with an answer that came just in time, or null. */
export function withdrawOfferActor(participant: Participant) {
  const { store, ledger, clock } = participant
  return fromPromise<SessionSignal | null, WithdrawOfferInput>(async ({ input, signal }) => {
    const address = answerAddress(input.selfId, input.appId)
    const claim = encodeRecord(createBusyRecord({ room: input.room, now: clock.now(), ttlMs: input.ttlMs }))
    try {
      await storeCall(participant, signal, () => ledger.create(address, () => store.create(address, claim, { ttlMs: input.ttlMs, signal })))
    } catch (error) {
      if (!(error instanceof SignalingError && error.code === 'ERR_EXISTS')) throw error
      const data = await storeCall(participant, signal, () => store.read(address, { signal }))
      const record = data === null ? null : decodeRecord(data, 'answer')
      if (record !== null && record.busy !== true && !isRecordExpired(record, clock.now())) {
        return participant.keys.descriptionOf(record, input.room, input.appId, 'answer')
      }
    }
    const room = roomAddress(input.room, input.appId)
    await storeCall(participant, signal, () => store.remove(room, { signal })).catch((error: unknown) => {
      // Someone else's offer since (ours lost and replaced): not ours to remove.
      if (!(error instanceof SignalingError && error.code === 'ERR_NOT_OWNER')) throw error
    })
    ledger.forget(room)
    return null
  })
}
