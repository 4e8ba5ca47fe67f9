/**
 * The `pollAnswer` actor: reads the answer address every poll interval (and
 * listens to the store's push where it has one) until the answer comes. While
 * there is none it keeps our offer in the room: a store that lost it (a
 * restart) gets it again, and a room someone else has offered in since fails
 * the poll with `ERR_EXISTS` (from the second poll on: the first comes right
 * after the offer was stored). Stopping the actor unsubscribes the poll, which
 * aborts the read in flight and ends the push.
 *
 * @module
 */
import { from, mergeMap, type Observable } from 'rxjs'
import { fromObservable } from 'xstate'
import type { PollAnswerInput } from '../machines/signaling.types.js'
import { SignalingError } from '../errors.js'
import { pollForRecord } from '../time/polling.js'
import { answerAddress, roomAddress } from '../protocol/addresses.js'
import { badRecordError, decodeRecord, isRecordExpired, type SessionSignal } from '../protocol/records.js'
import { publishRecord, type Participant } from './participant.js'

/** The `pollAnswer` actor of `participant`. */
export function pollAnswerActor(participant: Participant) {
  return fromObservable<SessionSignal, PollAnswerInput>(({ input }) => {
    const address = answerAddress(input.selfId, input.appId)
    const watch: Observable<SessionSignal | null> | undefined = participant.store
      // The answer address is ours and new: wait for the answer from the push read's first request.
      .watch?.(address, { waitForRecord: true })
      .pipe(mergeMap((data) => from(answerOf(participant, data, input))))
    let polls = 0
    return pollForRecord((signal) => pollOnce(participant, input, signal, ++polls > 1), {
      intervalMs: participant.pollIntervalMs,
      retries: participant.retry.retries,
      retryDelayMs: participant.retry.baseDelayMs,
      scheduler: participant.scheduler,
      // The watch's first request waits for the answer (since 0): no read at once as well, the first at one interval.
      ...(watch === undefined ? {} : { watch, firstReadDelayMs: participant.pollIntervalMs }),
    })
  })
}

/** The answer in `data`, or null when there is none (or it expired). */
async function answerOf(participant: Participant, data: string | null, input: PollAnswerInput): Promise<SessionSignal | null> {
  if (data === null) return null
  const record = decodeRecord(data, 'answer')
  if (isRecordExpired(record, participant.clock.now())) return null
  if (record.busy === true) throw badRecordError('it marks a busy room where an answer was expected')
  return participant.keys.descriptionOf(record, input.room, input.appId, 'answer')
}

/** One poll: the answer, or null (after making sure our offer is still in the room, when `checkRoom`). */
async function pollOnce(participant: Participant, input: PollAnswerInput, signal: AbortSignal, checkRoom: boolean): Promise<SessionSignal | null> {
  const { store } = participant
  const answer = await answerOf(participant, await store.read(answerAddress(input.selfId, input.appId), { signal }), input)
  if (answer !== null || !checkRoom) return answer
  const room = roomAddress(input.room, input.appId)
  const data = await store.read(room, { signal })
  // A poll that outlived its state (the answer timed out, or HANGUP) must not publish again.
  signal.throwIfAborted()
  if (data === null) {
    await publishRecord(participant, { ...input, address: room, description: input.signal, targetId: input.selfId }, signal)
  } else if (decodeRecord(data, 'offer').targetId !== input.selfId) {
    throw new SignalingError('ERR_EXISTS', `Another participant offers in room "${input.room}" since the store lost our offer: answering them instead.`)
  }
  return null
}
