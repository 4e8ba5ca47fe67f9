/**
 * The `publishAnswer` actor: creates our answer at the address the offer
 * named; `ERR_EXISTS` when someone answered first or the initiator claimed
 * the address on giving up. Then it checks that the offer still stands (or
 * the room is busy with its call): an initiator that gave up removed its
 * offer after claiming, so an answer that got past a released claim finds the
 * offer gone; it is taken back and the actor fails with `ERR_EXISTS`, which
 * sends the machine to read the room again. The create is aborted when the
 * actor stops; the ledger keeps its address for release.
 *
 * @module
 */
import { fromPromise } from 'xstate'
import { SignalingError } from '../errors.js'
import type { PublishAnswerInput, PublishOutput } from '../machines/signaling.types.js'
import { answerAddress, createSelfId, roomAddress } from '../protocol/addresses.js'
import { decodeRecord, isRecordExpired } from '../protocol/records.js'
import { publishRecord, storeCall, type Participant } from './participant.js'

/** The `publishAnswer` actor of `participant`. */
export function publishAnswerActor(participant: Participant) {
  const { store, ledger, clock } = participant
  return fromPromise<PublishOutput, PublishAnswerInput>(async ({ input, signal }) => {
    const selfId = createSelfId(input.room)
    const address = answerAddress(input.targetId, input.appId)
    await publishRecord(participant, { ...input, address, description: input.signal, targetId: selfId }, signal)
    const data = await storeCall(participant, signal, () => store.read(roomAddress(input.room, input.appId), { signal }))
    const offer = data === null ? null : decodeRecord(data)
    const stands = offer !== null && !isRecordExpired(offer, clock.now()) && (offer.busy === true || offer.targetId === input.targetId)
    if (!stands) {
      await storeCall(participant, signal, () => store.remove(address, { signal }))
      ledger.forget(address)
      throw new SignalingError('ERR_EXISTS', `The initiator in room "${input.room}" withdrew its offer before our answer reached it: reading the room again.`)
    }
    return { selfId, published: input.signal }
  })
}
