/**
 * The `publishAnswer` actor: creates our answer at the address the offer
 * named; `ERR_EXISTS` when someone answered first or the initiator claimed
 * the address on giving up. That the offer still stands is checked next, while
 * the peers connect (confirm-offer.ts). The create is aborted when the actor
 * stops; the ledger keeps its address for release.
 *
 * @module
 */
import { fromPromise } from 'xstate'
import type { PublishAnswerInput, PublishOutput } from '../machines/signaling.types.js'
import { answerAddress, createSelfId } from '../protocol/addresses.js'
import { publishRecord, type Participant } from './participant.js'

/** The `publishAnswer` actor of `participant`. */
export function publishAnswerActor(participant: Participant) {
  return fromPromise<PublishOutput, PublishAnswerInput>(async ({ input, signal }) => {
    const selfId = createSelfId(input.room)
    const address = answerAddress(input.targetId, input.appId)
    await publishRecord(participant, { ...input, address, description: input.signal, targetId: selfId }, signal)
    return { selfId, published: input.signal }
  })
}
