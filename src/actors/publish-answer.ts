/**
 * The `publishAnswer` actor: creates our answer at the address the offer
 * named; `ERR_EXISTS` when someone answered first (a refused create, or a
 * store's `createOrRead` answering with the answer that won) or the initiator
 * claimed the address on giving up. That the offer still stands is checked next, while
 * the peers connect (confirm-offer.ts). The create is aborted when the actor
 * stops; the ledger keeps its address for release.
 *
 * @module
 */
import { fromPromise } from 'xstate'
import { SignalingError } from '../errors.js'
import type { PublishAnswerInput, PublishOutput } from '../machines/signaling.types.js'
import { answerAddress, createSelfId } from '../protocol/addresses.js'
import { publishRecord, type Participant } from './participant.js'

/** The `publishAnswer` actor of `participant`. */
export function publishAnswerActor(participant: Participant) {
  return fromPromise<PublishOutput, PublishAnswerInput>(async ({ input, signal }) => {
    const selfId = createSelfId(input.room)
    const address = answerAddress(input.targetId, input.appId)
    // A store that answers a lost create with the record that won (createOrRead) reports it here: someone answered first.
    const answeredFirst = await publishRecord(participant, { ...input, address, description: input.signal, targetId: selfId }, signal)
    if (answeredFirst !== null) {
      throw new SignalingError('ERR_EXISTS', `Someone else answered the offer in room "${input.room}" first: reading the room again.`)
    }
    return { selfId, published: input.signal }
  })
}
