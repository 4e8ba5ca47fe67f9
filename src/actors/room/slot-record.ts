/**
 * The record of a slot of a room of many: a busy marker in the seed's shape
 * (`{ payload, targetId }`, read by signalbox as `busy`) whose `targetId` is
 * the id of the participant holding the slot, so a seed-era reader never
 * crashes on it, and a participant can tell one occupant from the next.
 *
 * @module
 */
import { BUSY_OFFER_SDP, decodeRecord, encodeRecord, isRecordExpired, RECORD_VERSION, type SignalRecord } from '../../protocol/records.js'

/** The data of the slot record of `peerId`, counting from `now` for `ttlMs`. */
export function slotRecordData(peerId: string, now: number, ttlMs: number): string {
  const record: SignalRecord = {
    v: RECORD_VERSION,
    busy: true,
    payload: { type: 'offer', sdp: BUSY_OFFER_SDP },
    targetId: peerId,
    createdAt: now,
    expiresAt: now + ttlMs,
  }
  return encodeRecord(record)
}

/** Who holds a slot, and when they last wrote its record (its `createdAt`, on their clock; `null` in a record without one). */
export interface SlotHolder {
  peerId: string
  refreshedAt: number | null
}

/** Who holds the slot whose record is `data`, and since when: `null` when absent, expired, or not a slot record. */
export function holderOf(data: string | null, now: number): SlotHolder | null {
  if (data === null) return null
  try {
    const record = decodeRecord(data)
    if (isRecordExpired(record, now) || record.busy !== true || record.targetId === undefined) return null
    return { peerId: record.targetId, refreshedAt: record.createdAt ?? null }
  } catch {
    return null
  }
}

/** Who holds the slot whose record is `data`: its peer id, or `null` (absent, expired, or not a slot record). */
export function occupantOf(data: string | null, now: number): string | null {
  return holderOf(data, now)?.peerId ?? null
}
