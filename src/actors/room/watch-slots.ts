/**
 * The `watchSlots` actor (while present in a room of many): reads every slot
 * of the room each poll interval, and at once on each push where the store
 * can watch, and sends `SLOTS` with who holds each slot whenever that changes.
 * A failed read keeps what was last known of that slot (a store hiccup never
 * ends a pair). Stopping the actor stops the polls, the watches and the reads
 * in flight (XState's `signal`).
 *
 * @module
 */
import { catchError, EMPTY, exhaustMap, from, map, merge, timer } from 'rxjs'
import { fromCallback, type EventObject } from 'xstate'
import type { SlotOccupants, WatchSlotsInput } from '../../machines/room.types.js'
import { slotAddress } from '../../protocol/addresses.js'
import type { Participant } from '../participant.js'
import { occupantOf } from './slot-record.js'

/** The `watchSlots` actor of `participant` (the room's store side). */
export function watchSlotsActor(participant: Participant) {
  const { store, clock, scheduler, pollIntervalMs } = participant
  return fromCallback<EventObject, WatchSlotsInput>(({ input, sendBack }) => {
    const addresses = Array.from({ length: input.maxPeers }, (_, slot) => slotAddress(input.room, slot, input.appId))
    const controller = new AbortController()
    const { signal } = controller
    const occupants: Array<string | null> = addresses.map(() => null)
    let reported: string | null = null
    const report = (): void => {
      const now = JSON.stringify(occupants)
      if (now === reported) return
      reported = now
      const event: { type: 'SLOTS'; occupants: SlotOccupants } = { type: 'SLOTS', occupants: [...occupants] }
      sendBack(event)
    }
    const readAll = async (): Promise<void> => {
      await Promise.all(
        addresses.map(async (address, slot) => {
          try {
            occupants[slot] = occupantOf(await store.read(address, { signal }), clock.now())
          } catch {
            // Keep what was last known of this slot.
          }
        }),
      )
      if (!signal.aborted) report()
    }
    const polls = timer(0, pollIntervalMs, scheduler).pipe(exhaustMap(() => from(readAll())))
    const pushes = addresses.map((address, slot) =>
      store.watch === undefined
        ? EMPTY
        : store.watch(address).pipe(
            map((data) => {
              occupants[slot] = occupantOf(data, clock.now())
              report()
            }),
            catchError(() => EMPTY),
          ),
    )
    const subscription = merge(polls, ...pushes).subscribe()
    return () => {
      controller.abort()
      subscription.unsubscribe()
    }
  })
}
