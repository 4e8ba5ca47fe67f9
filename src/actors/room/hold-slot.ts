/**
 * The `holdSlot` actor (while present in a room of many): renews this
 * participant's slot record every {@link SLOT_REFRESH_MS}, so it outlives its
 * ttl only while the participant lives; a crashed participant's slot expires.
 * A record gone (expired, lost by the store) is created again; one taken
 * meanwhile by someone else sends `SLOT.LOST`. Stopping the actor stops the
 * renewals and aborts the write in flight.
 *
 * @module
 */
import { exhaustMap, timer } from 'rxjs'
import { fromCallback, type EventObject } from 'xstate'
import { SignalingError } from '../../errors.js'
import type { HoldSlotInput } from '../../machines/room.types.js'
import { SLOT_REFRESH_MS, SLOT_TTL_MS } from '../../machines/room.types.js'
import { slotAddress } from '../../protocol/addresses.js'
import type { Participant } from '../participant.js'
import { slotRecordData } from './slot-record.js'

function hasCode(error: unknown, code: string): boolean {
  return error instanceof SignalingError && error.code === code
}

/** The `holdSlot` actor of `participant` (the room's store side). */
export function holdSlotActor(participant: Participant) {
  const { store, ledger, clock, scheduler } = participant
  return fromCallback<EventObject, HoldSlotInput>(({ input, sendBack }) => {
    const address = slotAddress(input.room, input.slot, input.appId)
    const controller = new AbortController()
    const { signal } = controller
    const renew = async (): Promise<void> => {
      const data = slotRecordData(input.peerId, clock.now(), SLOT_TTL_MS)
      try {
        await ledger.update(() => store.update(address, data, { ttlMs: SLOT_TTL_MS, signal }))
      } catch (error) {
        if (signal.aborted) return
        if (hasCode(error, 'ERR_NOT_OWNER')) return sendBack({ type: 'SLOT.LOST' })
        if (!hasCode(error, 'ERR_NOT_FOUND')) return
        try {
          await ledger.create(address, () => store.create(address, data, { ttlMs: SLOT_TTL_MS, signal }))
        } catch (createError) {
          if (!signal.aborted && hasCode(createError, 'ERR_EXISTS')) sendBack({ type: 'SLOT.LOST' })
        }
      }
    }
    const renewals = timer(SLOT_REFRESH_MS, SLOT_REFRESH_MS, scheduler)
      .pipe(exhaustMap(() => renew()))
      .subscribe()
    return () => {
      controller.abort()
      renewals.unsubscribe()
    }
  })
}
