/**
 * The `readRoom` actor: reads the room's record. An offer to answer, nothing
 * (an empty room, an expired offer, or our own earlier offer, taken back), or
 * a failure (`ERR_ROOM_BUSY`, `ERR_BAD_RECORD`, `ERR_BAD_SECRET`). With
 * `waitForOfferMs`, a room read empty is watched until an offer appears (see
 * {@link ReadRoomInput.waitForOfferMs}). Its store calls and its watch stop when
 * the actor stops (XState's `signal`).
 *
 * @module
 */
import { catchError, concatMap, EMPTY, filter, firstValueFrom, from, fromEvent, map, merge, takeUntil, timer } from 'rxjs'
import { fromPromise } from 'xstate'
import type { ReadRoomInput, RoomOffer } from '../machines/signaling.types.js'
import { SignalingError } from '../errors.js'
import { roomAddress } from '../protocol/addresses.js'
import { badRecordError, decodeRecord, isRecordExpired, type SignalRecord } from '../protocol/records.js'
import { storeCall, type Participant } from './participant.js'

/** The `readRoom` actor of `participant`. */
export function readRoomActor(participant: Participant) {
  const { store, keys, ledger } = participant
  return fromPromise<RoomOffer | null, ReadRoomInput>(async ({ input, signal }) => {
    keys.prepare(input.room, input.appId)
    // Our offers known before this read: one created since is the offer of this round, created beside the read.
    const earlierOffers = new Set(participant.ownSelfIds)
    // A RETRY while the last round's records are being released: let that finish first, so it cannot remove this round's offer.
    // Otherwise the read goes out now, before the peer spawned after this actor makes its connection.
    if (ledger.isReleasing) {
      await ledger.released()
      signal.throwIfAborted()
    }
    const address = roomAddress(input.room, input.appId)
    const data = await storeCall(participant, signal, () => store.read(address, { signal }))
    const found = await offerIn(participant, data, address, input, earlierOffers, signal)
    if (found !== null || input.waitForOfferMs === undefined || store.watch === undefined) return found === OURS ? null : found
    return firstOfferWatched(participant, address, input, earlierOffers, signal)
  })
}

/** What {@link offerIn} found: the offer of this round, which we are creating beside the read. */
const OURS = 'ours'

/**
 * The offer to answer in the room's `data` (read at `address`); {@link OURS} for the offer we are
 * creating beside the read; null for none (absent, expired, or our own earlier
 * offer, which is taken back).
 */
async function offerIn(
  participant: Participant,
  data: string | null,
  address: string,
  input: ReadRoomInput,
  earlierOffers: ReadonlySet<string>,
  signal: AbortSignal,
): Promise<RoomOffer | typeof OURS | null> {
  const record = roomRecordOf(participant, data, input.room)
  if (record === null) return null
  if (participant.ownSelfIds.has(record.targetId)) {
    // Read beside our create (publishingWhileReading), which landed first: this is the offer being created.
    if (!earlierOffers.has(record.targetId)) return OURS
    // Our own earlier offer (a retried create that had landed): take it back and offer again.
    await storeCall(participant, signal, () => participant.store.remove(address, { signal }))
    participant.ledger.forget(address)
    return null
  }
  const { keys } = participant
  return { signal: await keys.descriptionOf(record, input.room, input.appId, 'offer'), targetId: record.targetId, trickles: record.trickle === true }
}

/**
 * Watches the room read empty until an offer appears: the other's (to answer),
 * or ours (null: our create decides). Null too once `input.waitForOfferMs` is
 * over or the watch fails (a store without the push read): the create decides
 * then as well. A record that is not an offer fails the read, as it would
 * have read. Stops watching when `signal` aborts.
 */
function firstOfferWatched(
  participant: Participant,
  address: string,
  input: ReadRoomInput,
  earlierOffers: ReadonlySet<string>,
  signal: AbortSignal,
): Promise<RoomOffer | null> {
  const offers = participant.store.watch!(address, { waitForRecord: true }).pipe(
    catchError(() => EMPTY),
    concatMap((data) => from(offerIn(participant, data, address, input, earlierOffers, signal))),
    filter((found) => found !== null),
    map((found) => (found === OURS ? null : found)),
    takeUntil(merge(timer(input.waitForOfferMs!, participant.scheduler), fromEvent(signal, 'abort'))),
  )
  return firstValueFrom(offers, { defaultValue: null })
}

/**
 * The offer record in a room's `data`: null when there is none (absent or
 * expired); `ERR_ROOM_BUSY` for a call in progress; `ERR_BAD_RECORD` for
 * anything else than an offer naming a targetId.
 */
export function roomRecordOf(participant: Participant, data: string | null, room: string): (SignalRecord & { targetId: string }) | null {
  if (data === null) return null
  const record = decodeRecord(data, 'offer')
  if (isRecordExpired(record, participant.clock.now())) return null
  if (record.busy === true) {
    throw new SignalingError('ERR_ROOM_BUSY', `A call is in progress in room "${room}": wait for it to end or pick another room.`)
  }
  if (record.targetId === undefined) throw badRecordError('the offer names no targetId to answer at')
  return record as SignalRecord & { targetId: string }
}
