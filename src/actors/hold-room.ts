/**
 * The `holdRoom` actor (while connected): the initiator turns its offer into
 * the room's busy marker and renews it, so a third participant is told the
 * room is busy. A failure leaves the room looking free, never the call hurt.
 * Stopping the actor stops the renewals and aborts the write in flight.
 *
 * @module
 */
import { exhaustMap, startWith, timer } from 'rxjs'
import { fromCallback, type EventObject } from 'xstate'
import type { HoldRoomInput } from '../machines/signaling.types.js'
import { SignalingError } from '../errors.js'
import { roomAddress } from '../protocol/addresses.js'
import { createBusyRecord, encodeRecord } from '../protocol/records.js'
import type { Participant } from './participant.js'

/** How long the busy marker of a call in progress lives without being renewed, in ms: a crashed initiator frees its room after this. */
export const BUSY_TTL_MS = 3 * 60 * 1000
/** How often a call in progress renews its room's busy marker, in ms. */
export const BUSY_REFRESH_MS = 60 * 1000

/** How long a room's busy marker lives, and how often it is renewed, in ms. */
export interface BusyTiming {
  ttlMs: number
  refreshMs: number
}

/** The `holdRoom` actor of `participant`; `busy` defaults to {@link BUSY_TTL_MS} and {@link BUSY_REFRESH_MS} (the pair call's, the seed's). */
export function holdRoomActor(participant: Participant, busy: BusyTiming = { ttlMs: BUSY_TTL_MS, refreshMs: BUSY_REFRESH_MS }) {
  const { store, ledger, clock, scheduler } = participant
  return fromCallback<EventObject, HoldRoomInput>(({ input }) => {
    if (input.role !== 'initiator') return undefined
    const address = roomAddress(input.room, input.appId)
    const controller = new AbortController()
    const { signal } = controller
    const hold = async (): Promise<void> => {
      const data = encodeRecord(createBusyRecord({ now: clock.now(), ttlMs: busy.ttlMs, room: input.room }))
      try {
        await ledger.update(() => store.update(address, data, { ttlMs: busy.ttlMs, signal }))
      } catch (error) {
        // Gone (expired, or lost by the store): put the marker back, unless the call ended meanwhile.
        if (signal.aborted || !(error instanceof SignalingError && error.code === 'ERR_NOT_FOUND')) return
        await ledger.create(address, () => store.create(address, data, { ttlMs: busy.ttlMs, signal })).catch(() => {})
      }
    }
    const renewals = timer(busy.refreshMs, busy.refreshMs, scheduler)
      .pipe(
        startWith(0),
        exhaustMap(() => hold()),
      )
      .subscribe()
    return () => {
      controller.abort()
      renewals.unsubscribe()
    }
  })
}
