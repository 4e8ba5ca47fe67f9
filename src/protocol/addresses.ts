/**
 * Where records live: room names, app ids, and the addresses the seed derived
 * from them (`btoa(appId + '-' + room)`), and the answer ids an offer names.
 *
 * @module
 */
import * as v from 'valibot'
import { textToBase64 } from './base64.js'
import { parseWith } from '../validate.js'

/** The app id the seed used; part of every address. */
export const DEFAULT_APP_ID = 'example.signaling.v1'

/** Longest room name, in characters. */
export const MAX_ROOM_LENGTH = 256
/** Longest app id (part of every address), in characters. */
export const MAX_APP_ID_LENGTH = 256

/** Random bytes in an answer id: 128 bits, unguessable. */
const SELF_ID_RANDOM_BYTES = 16
// Control characters (C0, DEL, C1) are not allowed in room names.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/

const roomNameMessage = (issue: v.BaseIssue<unknown>) =>
  `Invalid room name ${JSON.stringify(issue.input)?.slice(0, 80)}: use a non-empty string of at most ${MAX_ROOM_LENGTH} characters without control characters.`

/** A room name: a non-empty string of at most {@link MAX_ROOM_LENGTH} characters without control characters. */
export const roomNameSchema = v.pipe(
  v.string(roomNameMessage),
  v.nonEmpty(roomNameMessage),
  v.maxLength(MAX_ROOM_LENGTH, roomNameMessage),
  v.check((room) => !CONTROL_CHARACTERS.test(room), roomNameMessage),
)

/** True when `room` is a valid room name (see {@link roomNameSchema}); never throws. */
export function isValidRoomName(room: unknown): room is string {
  return v.is(roomNameSchema, room)
}


/**
 * Checks a room name and returns it; throws `ERR_INVALID_ROOM` when it is not
 * a non-empty string of at most {@link MAX_ROOM_LENGTH} characters without control characters.
 */
export function validateRoomName(room: unknown): string {
  return parseWith(roomNameSchema, room, 'ERR_INVALID_ROOM')
}

/** The address of a room's offer: base64 of `${appId}-${room}`, as the seed's `btoa`. */
export function roomAddress(room: string, appId: string = DEFAULT_APP_ID): string {
  return textToBase64(`${appId}-${room}`)
}

/** The address where the answer to an offer whose `targetId` is `selfId` is stored. */
export function answerAddress(selfId: string, appId: string = DEFAULT_APP_ID): string {
  return textToBase64(`${appId}-${selfId}`)
}

/**
 * A fresh id for the answer address: the room name, a dash and 128 random bits in hex
 * (the seed used `Math.random()`, which others could guess).
 */
export function createSelfId(room: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(SELF_ID_RANDOM_BYTES))
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return `${room}-${hex}`
}

/** The room name of slot `slot` of a room of many: `${room}#${slot}`; its record lives at `roomAddress` of this name. */
export function slotRoomName(room: string, slot: number): string {
  return `${room}#${slot}`
}

/** The address of slot `slot` of a room of many: derived like the seed's room address, from `${room}#${slot}`. */
export function slotAddress(room: string, slot: number, appId: string = DEFAULT_APP_ID): string {
  return roomAddress(slotRoomName(room, slot), appId)
}

/** The room name the pair of slots `a` and `b` meet in: `${room}#${i}#${j}` with i < j, the same from either side. */
export function pairRoomName(room: string, a: number, b: number): string {
  return `${room}#${Math.min(a, b)}#${Math.max(a, b)}`
}

/** The offer address of the pair of slots `a` and `b` (see {@link pairRoomName}). */
export function pairAddress(room: string, a: number, b: number, appId: string = DEFAULT_APP_ID): string {
  return roomAddress(pairRoomName(room, a, b), appId)
}
