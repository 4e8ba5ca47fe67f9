/**
 * The record protocol, compatible with the seed app: where records live
 * (addresses), what they hold (the record), and how they travel (base64 JSON).
 *
 * @module
 */
import * as v from 'valibot'
import { base64ToText, textToBase64 } from './base64.js'
import { SignalingError } from '../errors.js'
import { parseWith } from '../validate.js'

/** Largest encoded record (the base64 text), in bytes: the SAFE structured-data limit. */
export const MAX_RECORD_BYTES = 100 * 1024
/** Longest id a record may name as `targetId`, in characters. */
export const MAX_TARGET_ID_LENGTH = 512
/** The record format version this code writes. */
export const RECORD_VERSION = 1

/** A WebRTC session description as simple-peer signals it with `trickle: false`. */
export interface SessionSignal {
  type: 'offer' | 'answer'
  sdp: string
}

/**
 * What the store holds at a room address (an offer, or a busy marker while its
 * call is in progress) or an answer address (an answer). The seed wrote
 * `{ payload, targetId }`; signalbox adds `v`, `createdAt` and `expiresAt`, and
 * `enc` in place of `payload` when the room has a secret. A record holds exactly
 * one of `payload`, `enc` and `busy` as {@link decodeRecord} returns it; a busy
 * marker as stored also carries the seed's `payload` and `targetId` for seed-era
 * readers (see {@link createBusyRecord}).
 */
export interface SignalRecord {
  /** Format version; absent in the seed's records. */
  v?: 1
  /** The session description, in clear. */
  payload?: SessionSignal
  /** The session description sealed with the room secret (see sealing.ts). */
  enc?: string
  /** The room's call is in progress: a third participant is told the room is busy. */
  busy?: true
  /** In an offer: the id at whose answer address the answer is to be stored. */
  targetId?: string
  /** When the record was written, in ms since the epoch. */
  createdAt?: number
  /** When the record stops counting, in ms since the epoch. */
  expiresAt?: number
  /**
   * Its writer trickles: it follows the other side's record for the candidates
   * that come after its description, so a description answering this one may
   * go without any (a seed-era writer never sets it, and always gets complete ones).
   */
  trickle?: true
}

const timestampSchema = v.pipe(v.number(), v.finite(), v.minValue(0))
const recordSchema = v.pipe(
  v.object({
    v: v.optional(v.literal(RECORD_VERSION)),
    payload: v.optional(
      v.object({
        type: v.picklist(['offer', 'answer']),
        sdp: v.pipe(v.string(), v.maxLength(MAX_RECORD_BYTES)),
      }),
    ),
    enc: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_RECORD_BYTES))),
    busy: v.optional(v.literal(true)),
    targetId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_TARGET_ID_LENGTH))),
    createdAt: v.optional(timestampSchema),
    expiresAt: v.optional(timestampSchema),
    trickle: v.optional(v.literal(true)),
  }),
  v.check(
    (record) => (record.busy === true ? record.enc === undefined : [record.payload, record.enc].filter((part) => part !== undefined).length === 1),
    'a record holds exactly one of payload and enc (a busy marker: a placeholder payload)',
  ),
)

/**
 * The offer a busy marker shows a seed-era reader: a valid session description
 * (a data channel) with no candidates, so it answers, never connects, and its
 * answer is refused because `targetId` names the room itself, which is taken.
 */
export const BUSY_OFFER_SDP = [
  'v=0',
  'o=- 0 0 IN IP4 127.0.0.1',
  's=signalbox: this room is busy',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=msid-semantic: WMS',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:busy',
  'a=ice-pwd:thisroomisbusythisroomisbusy',
  `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => '00').join(':')}`,
  'a=setup:actpass',
  'a=mid:0',
  'a=sctp-port:5000',
  'a=max-message-size:262144',
  '',
].join('\r\n')

/** When and for how long a new record counts, and the id it asks to be answered at. */
export interface RecordOptions {
  targetId?: string
  /** The writer trickles (see {@link SignalRecord.trickle}). */
  trickle?: boolean
  now: number
  ttlMs: number
}

function stamp(content: Pick<SignalRecord, 'payload' | 'enc' | 'busy'>, options: RecordOptions): SignalRecord {
  const record: SignalRecord = { v: RECORD_VERSION, ...content, createdAt: options.now, expiresAt: options.now + options.ttlMs }
  if (options.targetId !== undefined) record.targetId = options.targetId
  if (options.trickle === true) record.trickle = true
  return record
}

/** Builds a current-version record of a description in clear that expires `ttlMs` after `now`. */
export function createRecord(payload: SessionSignal, options: RecordOptions): SignalRecord {
  return stamp({ payload }, options)
}

/** Builds a record of a description sealed with the room secret (`sealSignal`). */
export function createSealedRecord(enc: string, options: RecordOptions): SignalRecord {
  return stamp({ enc }, options)
}

/** When and for how long a busy marker counts, and the room it marks. */
export interface BusyRecordOptions extends Omit<RecordOptions, 'targetId'> {
  /** The room: a seed-era reader answers at its address, which the marker holds, and is refused. */
  room: string
}

/**
 * Builds the marker of a room whose call is in progress. It keeps the seed's
 * shape, `{ payload, targetId }` beside `busy`: a 2017 participant reading it
 * answers {@link BUSY_OFFER_SDP} at the room's own address and is refused
 * (DataExists), as it was by a taken room in 2017, instead of crashing on a
 * record without `payload`. signalbox reads it as busy.
 */
export function createBusyRecord(options: BusyRecordOptions): SignalRecord {
  return stamp({ busy: true, payload: { type: 'offer', sdp: BUSY_OFFER_SDP } }, { now: options.now, ttlMs: options.ttlMs, targetId: options.room })
}

/** Encodes a record as base64(JSON); throws `ERR_RECORD_TOO_LARGE` beyond {@link MAX_RECORD_BYTES}. */
export function encodeRecord(record: SignalRecord): string {
  const data = textToBase64(JSON.stringify(record))
  if (data.length > MAX_RECORD_BYTES) {
    throw new SignalingError(
      'ERR_RECORD_TOO_LARGE',
      `The record is ${data.length} bytes once encoded, above the ${MAX_RECORD_BYTES}-byte limit: signal less data (trickle: false, no large payloads).`,
    )
  }
  return data
}

/**
 * Decodes and validates a record read from a store. Accepts the seed's bare
 * `{ payload, targetId }`. Throws `ERR_BAD_RECORD` for anything else, including
 * a session description of another type than `expect`.
 */
export function decodeRecord(data: string, expect?: SessionSignal['type']): SignalRecord {
  if (typeof data !== 'string' || data.length > MAX_RECORD_BYTES) {
    throw badRecordError(`it is ${typeof data === 'string' ? `${data.length} bytes, above the limit` : `a ${typeof data}`}`)
  }
  let json: unknown
  try {
    json = JSON.parse(base64ToText(data))
  } catch {
    throw badRecordError('it is not base64-encoded JSON')
  }
  if (isObject(json) && typeof json['v'] === 'number' && json['v'] > RECORD_VERSION) {
    throw badRecordError(`it has format version ${json['v']}, newer than this signalbox reads (${RECORD_VERSION}); upgrade signalbox`)
  }
  const parsed = v.safeParse(recordSchema, json)
  if (!parsed.success) {
    const issue = parsed.issues[0]
    const where = issue.path?.map((item) => String(item.key)).join('.') || 'record'
    throw badRecordError(`${where}: ${issue.message}`)
  }
  const record = parsed.output as SignalRecord
  // A busy marker's seed-era offer is for old readers only.
  if (record.busy === true) delete record.payload
  if (expect !== undefined && record.payload !== undefined && record.payload.type !== expect) {
    throw badRecordError(`it holds an ${record.payload.type} where an ${expect} was expected`)
  }
  return record
}

/** True when the record carries an `expiresAt` at or before `now` (the seed's records never expire). */
export function isRecordExpired(record: SignalRecord, now: number): boolean {
  return record.expiresAt !== undefined && record.expiresAt <= now
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

/** An `ERR_BAD_RECORD` error that names `reason`. */
export function badRecordError(reason: string): SignalingError {
  return new SignalingError(
    'ERR_BAD_RECORD',
    `The store holds data that is not a valid signalbox record (${reason}): the room may be used by another application; pick another room or app id.`,
  )
}
