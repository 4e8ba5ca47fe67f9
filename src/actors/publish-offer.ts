/**
 * The `publishOffer` actor: creates our offer at the room address, naming a
 * fresh id to answer at; `ERR_EXISTS` when someone offered first. Where the
 * store answers a lost create with the winning record (`createOrRead`), an
 * answerable offer in it comes back as `lostTo`, so the machine answers it
 * without reading the room again (glare costs no round trip); anything else
 * in it is `ERR_EXISTS`, and the machine reads the room again. The create is
 * aborted when the actor stops; the ledger keeps its address for release.
 *
 * @module
 */
import { fromPromise } from 'xstate'
import type { PublishOfferInput, PublishOfferOutput, RoomOffer } from '../machines/signaling.types.js'
import { SignalingError } from '../errors.js'
import { createSelfId, roomAddress } from '../protocol/addresses.js'
import { publishRecord, type Participant } from './participant.js'
import { roomRecordOf } from './read-room.js'

/** The `publishOffer` actor of `participant`. */
export function publishOfferActor(participant: Participant) {
  return fromPromise<PublishOfferOutput, PublishOfferInput>(async ({ input, signal }) => {
    const selfId = createSelfId(input.room)
    participant.ownSelfIds.add(selfId)
    const address = roomAddress(input.room, input.appId)
    const existing = await publishRecord(participant, { ...input, address, description: input.signal, targetId: selfId }, signal)
    if (existing === null) return { selfId, published: input.signal }
    return { selfId, published: input.signal, lostTo: await winningOffer(participant, existing, input) }
  })
}

/** The offer that won the room, from the data the store answered the lost create with; `ERR_EXISTS` unless it is one to answer. */
async function winningOffer(participant: Participant, data: string, input: PublishOfferInput): Promise<RoomOffer> {
  const lost = new SignalingError('ERR_EXISTS', `Someone offered in room "${input.room}" first: reading the room again.`)
  try {
    const record = roomRecordOf(participant, data, input.room)
    if (record === null || participant.ownSelfIds.has(record.targetId)) throw lost
    return { signal: await participant.keys.descriptionOf(record, input.room, input.appId, 'offer'), targetId: record.targetId, trickles: record.trickle === true }
  } catch {
    throw lost
  }
}
