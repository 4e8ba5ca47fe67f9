/**
 * The `watchSlots` actor (while present in a room of many): where the store
 * can watch, follows every slot by its push read and reads them all every
 * {@link SLOT_POLL_WITH_PUSH_MS} as a safety net; without a push read, reads
 * them all each poll interval. Sends `SLOTS` with who holds each slot whenever that changes.
 * A failed read keeps what was last known of that slot (a store hiccup never
 * ends a pair). Stopping the actor stops the polls, the watches and the reads
 * in flight (XState's `signal`).
 *
 * @module
 */
import { catchError, EMPTY, exhaustMap, from, map, merge, timer } from 'rxjs'
import { fromCallback, type EventObject } from 'xstate'
import type { RoomEvent, WatchSlotsInput } from '../../machines/room.types.js'
import { SLOT_POLL_WITH_PUSH_MS } from '../../machines/room.types.js'
import { slotAddress } from '../../protocol/addresses.js'
import type { Participant } from '../participant.js'
import { holderOf, type SlotHolder } from './slot-record.js'

/** The `watchSlots` actor of `participant` (the room's store side). */
export function watchSlotsActor(participant: Participant) {
  const { store, clock, scheduler, pollIntervalMs } = participant
  return fromCallback<EventObject, WatchSlotsInput>(({ input, sendBack }) => {
    const addresses = Array.from({ length: input.maxPeers }, (_, slot) => slotAddress(input.room, slot, input.appId))
    const controller = new AbortController()
    const { signal } = controller
    const holders: Array<SlotHolder | null> = addresses.map(() => null)
    let reported: string | null = null
    const report = (): void => {
      const now = JSON.stringify(holders)
      if (now === reported) return
      reported = now
      const event: RoomEvent = {
        type: 'SLOTS',
        occupants: holders.map((holder) => holder?.peerId ?? null),
        refreshes: holders.map((holder) => holder?.refreshedAt ?? null),
      }
      sendBack(event)
    }
    const readAll = async (): Promise<void> => {
      await Promise.all(
        addresses.map(async (address, slot) => {
          try {
            holders[slot] = holderOf(await store.read(address, { signal }), clock.now())
          } catch {
            // Keep what was last known of this slot.
          }
        }),
      )
      if (!signal.aborted) report()
    }
    const readEveryMs = store.watch === undefined ? pollIntervalMs : Math.max(pollIntervalMs, SLOT_POLL_WITH_PUSH_MS)
    const polls = timer(0, readEveryMs, scheduler).pipe(exhaustMap(() => from(readAll())))
    const pushes = addresses.map((address, slot) =>
      store.watch === undefined
        ? EMPTY
        : store.watch(address).pipe(
            map((data) => {
              holders[slot] = holderOf(data, clock.now())
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
