/**
 * What the room page reads of a room of many: whether every place is taken
 * (before any camera turns on), the room machine's top-level state, and
 * whether we are connected to everyone present.
 */
import { decodeRecord, isRecordExpired, slotAddress, type Room, type RoomActor, type SignalStore } from '../src/index.js'

/** The top-level state of a room snapshot's value (`'present'` for `{ present: 'meshing' }`). */
export function topState(value: unknown): string {
  return typeof value === 'string' ? value : (Object.keys((value as object | null) ?? {})[0] ?? '')
}

/** True once the room has been read since we took our place and we are connected to everyone else in it. */
export function meshed(room: Room): boolean {
  const { context } = (room.actor as RoomActor).getSnapshot()
  if (!context.occupants.includes(room.selfId)) return false
  return room.peers.size >= context.occupants.filter((occupant) => occupant !== null && occupant !== room.selfId).length
}

/** True when every slot of the room is held by someone present (one read per slot, before any camera turns on). */
export async function roomIsFull(store: SignalStore, name: string, maxPeers: number): Promise<boolean> {
  try {
    const slots = await Promise.all(Array.from({ length: maxPeers }, (_, slot) => store.read(slotAddress(name, slot))))
    return slots.every((data) => {
      if (data === null) return false
      const record = decodeRecord(data)
      return record.busy === true && !isRecordExpired(record, Date.now())
    })
  } catch {
    return false // Unknown: join, and let the room machine say what it finds.
  }
}
