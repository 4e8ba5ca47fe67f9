/**
 * The room statechart's vocabulary: a room of many participants, each holding
 * one slot of the room and running one pair handshake (the signaling machine)
 * with every other participant present. Its limits, input, context, events,
 * and the input and output of each actor it invokes by name.
 *
 * @module
 */
import type { SignalingError } from '../errors.js'
import type { SignalingInput } from './signaling.types.js'

/** Participants of a room by default: two, the seed's pair (and its records, byte for byte). */
export const DEFAULT_MAX_PEERS = 2
/** Most participants a room may allow: a full mesh of n peers holds n(n-1)/2 connections. */
export const MAX_ROOM_PEERS = 32
/**
 * How long a slot record lives without being refreshed, in ms: a crashed
 * participant's slot is free after this, and so are its pair rooms (their
 * busy markers live as long). Four refresh periods: a participant whose
 * store is slow for three refreshes in a row keeps its slot.
 */
export const SLOT_TTL_MS = 20_000
/** How often a participant present refreshes its slot record (and each pair it offered, its busy marker), in ms. */
export const SLOT_REFRESH_MS = 5_000
/**
 * How often a participant reads every slot when its store pushes changes
 * (`watch`), in ms: a safety net under the push read (a record that expires
 * is seen by it), where without a push read the slots are read every poll
 * interval (2 s). Reading 4 slots every 2 s per participant was most of the
 * load of 50 rooms of 4 on one server.
 */
export const SLOT_POLL_WITH_PUSH_MS = 10_000
/** How often the room retries its failed pairs while both participants are present, in ms (and how long it waits before claiming again after the store failed). */
export const PAIR_RETRY_MS = 5_000
/**
 * How many times a participant tries to claim a slot before the room fails
 * with the store's error (each try already retries its store calls): an
 * overloaded store is ridden out, one that is down is reported. The waits
 * between tries ({@link PAIR_RETRY_MS} each) outlast a slot record's ttl, so
 * a stray record (a claim that timed out but landed) expires meanwhile.
 */
export const MAX_CLAIM_ATTEMPTS = Math.ceil(SLOT_TTL_MS / PAIR_RETRY_MS) + 2

/** What the room machine starts with. */
export interface RoomInput {
  /** The room's name (each slot and each pair derives its own room name from it). */
  room: string
  /** This participant's id in the room: written into its slot record, the key of its pair in every other participant. */
  peerId: string
  /** How many participants the room allows. Default {@link DEFAULT_MAX_PEERS}. */
  maxPeers?: number
  /** Part of every store address. Default `example.signaling.v1`. */
  appId?: string
  /** The input of every pair handshake, but its room (timeouts, join attempts). */
  pair?: Omit<SignalingInput, 'room' | 'appId'>
  /** See {@link PAIR_RETRY_MS}. */
  pairRetryMs?: number
}

/** Who holds each slot of the room, by slot index: a peer id, or `null` for a free slot. */
export type SlotOccupants = ReadonlyArray<string | null>
/** When each slot's record was last written by its holder (its `createdAt`, on the holder's clock), by slot index; `null` for a free slot. */
export type SlotRefreshes = ReadonlyArray<number | null>

/** The room machine's context: plain data only, so inspectors can show all of it. */
export interface RoomContext {
  room: string
  appId: string
  peerId: string
  maxPeers: number
  /** The slot this participant holds, once claimed. */
  slot: number | null
  /** The room's slots as last read. */
  occupants: SlotOccupants
  /** When each slot's record was last refreshed, as last read (empty when the watcher does not say). */
  refreshes: SlotRefreshes
  /** The pair handshakes running, as child actors: their id (the other peer's id) and the other peer's slot. */
  pairs: Record<string, number>
  /**
   * Peers whose pair ended (hung up on either side): no new pair is started
   * with them while their slot record is not refreshed again. A peer that
   * left removed its slot; one that crashed never refreshes it; one still
   * refreshing it after our pair ended is alive (it hung up on us because it
   * lost sight of our slot for a moment): its pair starts again.
   */
  ended: string[]
  /** For each peer of {@link RoomContext.ended}: when its slot record was last refreshed as we knew it when the pair ended. */
  endedRefreshes: Record<string, number | null>
  error: SignalingError | null
  /** Tries to claim a slot so far (see {@link MAX_CLAIM_ATTEMPTS}). */
  claimAttempt: number
  pairInput: Omit<SignalingInput, 'room' | 'appId'>
  pairRetryMs: number
}

/** Events the room machine accepts. `SLOTS` and `SLOT.LOST` come from its actors. */
export type RoomEvent =
  | { type: 'SLOTS'; occupants: SlotOccupants; refreshes?: SlotRefreshes }
  | { type: 'SLOT.LOST' }
  | { type: 'LEAVE' }
  | { type: 'RETRY' }

/** Input of the `claimSlot` actor: takes the first free slot of the room, or fails with `ERR_ROOM_FULL`. */
export interface ClaimSlotInput {
  room: string
  appId: string
  peerId: string
  maxPeers: number
}
/** Input of the `holdSlot` actor: keeps this participant's slot record fresh while present. */
export interface HoldSlotInput {
  room: string
  appId: string
  peerId: string
  slot: number
}
/** Input of the `watchSlots` actor: reports who holds each slot, as `SLOTS` events, on each change. */
export interface WatchSlotsInput {
  room: string
  appId: string
  maxPeers: number
}
