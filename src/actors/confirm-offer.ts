/**
 * The `confirmOffer` actor, spawned once the recipient's answer is stored:
 * it checks that the offer it answered still stands (or the room is busy with
 * its call). An initiator that gave up claimed its answer address, removed its
 * offer and released the claim, so an answer that got past the released claim
 * finds the offer gone: the answer is taken back and the actor fails with
 * `ERR_EXISTS`, which sends the machine to read the room again. It runs while
 * the peers connect, off the critical path: a connection proves the offer
 * stood, and stops the check (its read is aborted with its signal).
 *
 * @module
 */
import { fromPromise } from 'xstate'
import { SignalingError } from '../errors.js'
import type { ConfirmOfferInput } from '../machines/signaling.types.js'
import { answerAddress, roomAddress } from '../protocol/addresses.js'
import { decodeRecord, isRecordExpired } from '../protocol/records.js'
import { storeCall, type Participant } from './participant.js'

/** The `confirmOffer` actor of `participant`. */
export function confirmOfferActor(participant: Participant) {
  const { store, ledger, clock } = participant
  return fromPromise<void, ConfirmOfferInput>(async ({ input, signal }) => {
    const data = await storeCall(participant, signal, () => store.read(roomAddress(input.room, input.appId), { signal }))
    const offer = data === null ? null : decodeRecord(data)
    if (offer !== null && !isRecordExpired(offer, clock.now()) && (offer.busy === true || offer.targetId === input.targetId)) return
    const address = answerAddress(input.targetId, input.appId)
    await storeCall(participant, signal, () => store.remove(address, { signal }))
    ledger.forget(address)
    throw new SignalingError('ERR_EXISTS', `The initiator in room "${input.room}" withdrew its offer before our answer reached it: reading the room again.`)
  })
}
