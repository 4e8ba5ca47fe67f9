/**
 * The `publishOffer` actor: creates our offer at the room address, naming a
 * fresh id to answer at; `ERR_EXISTS` when someone offered first. The create
 * is aborted when the actor stops; the ledger keeps its address for release.
 *
 * @module
 */
import { fromPromise } from 'xstate'
import type { PublishOfferInput, PublishOutput } from '../machines/signaling.types.js'
import { createSelfId, roomAddress } from '../protocol/addresses.js'
import { publishRecord, type Participant } from './participant.js'

/** The `publishOffer` actor of `participant`. */
export function publishOfferActor(participant: Participant) {
  return fromPromise<PublishOutput, PublishOfferInput>(async ({ input, signal }) => {
    const selfId = createSelfId(input.room)
    participant.ownSelfIds.add(selfId)
    const address = roomAddress(input.room, input.appId)
    await publishRecord(participant, { ...input, address, description: input.signal, targetId: selfId }, signal)
    return { selfId }
  })
}
