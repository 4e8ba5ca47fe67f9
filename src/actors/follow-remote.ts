/**
 * The `followRemote` actor (trickle ICE, from the moment the other side's
 * description is known until `connected`): follows the other side's record
 * (the store's push where it has one, else a read every poll interval) and
 * sends each newer description back as `STORE.SIGNAL`; the peer actor applies
 * the candidates it has not had. A record that is gone, busy, expired or
 * unreadable is skipped: following is best effort. Stopping the actor ends
 * the push or the poll and aborts the read in flight.
 *
 * @module
 */
import { catchError, concatMap, distinctUntilChanged, EMPTY, exhaustMap, filter, from, Observable, timer } from 'rxjs'
import { fromCallback, type EventObject } from 'xstate'
import type { SignalingEvent, TrickleInput } from '../machines/signaling.types.js'
import { answerAddress, roomAddress } from '../protocol/addresses.js'
import { decodeRecord, isRecordExpired, type SessionSignal } from '../protocol/records.js'
import type { Participant } from './participant.js'

/** The `followRemote` actor of `participant`. */
export function followRemoteActor(participant: Participant) {
  const { store, scheduler } = participant
  return fromCallback<EventObject, TrickleInput>(({ input, sendBack }) => {
    // The initiator follows the answer at its own id; the recipient follows the room's offer that named targetId.
    const address = input.role === 'initiator' ? answerAddress(input.selfId!, input.appId) : roomAddress(input.room, input.appId)
    const updates: Observable<string | null> =
      store.watch?.(address) ?? timer(0, participant.pollIntervalMs, scheduler).pipe(exhaustMap(() => readOnce(participant, address)))
    const subscription = updates
      .pipe(
        concatMap((data) => from(descriptionIn(participant, input, data))),
        filter((signal): signal is SessionSignal => signal !== null),
        distinctUntilChanged((a, b) => a.sdp === b.sdp),
        catchError(() => EMPTY),
      )
      .subscribe((signal) => sendBack({ type: 'STORE.SIGNAL', signal } satisfies SignalingEvent))
    return () => subscription.unsubscribe()
  })
}

/** One read of `address`, aborted on unsubscribe; a failed read is no update. */
function readOnce(participant: Participant, address: string): Observable<string | null> {
  return new Observable<string | null>((subscriber) => {
    const controller = new AbortController()
    participant.store.read(address, { signal: controller.signal }).then(
      (data) => {
        subscriber.next(data)
        subscriber.complete()
      },
      () => subscriber.complete(),
    )
    return () => controller.abort()
  })
}

/** The other side's description in `data`, or null when it is not (or no longer) theirs. */
async function descriptionIn(participant: Participant, input: TrickleInput, data: string | null): Promise<SessionSignal | null> {
  if (data === null) return null
  try {
    const record = decodeRecord(data, input.role === 'initiator' ? 'answer' : 'offer')
    if (record.busy === true || isRecordExpired(record, participant.clock.now())) return null
    if (input.role === 'recipient' && record.targetId !== input.targetId) return null
    return await participant.keys.descriptionOf(record, input.room, input.appId, input.role === 'initiator' ? 'answer' : 'offer')
  } catch {
    return null
  }
}
