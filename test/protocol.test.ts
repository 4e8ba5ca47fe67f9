import { describe, expect, it } from 'vitest'
import {
  answerAddress,
  createRecord,
  createSelfId,
  decodeRecord,
  DEFAULT_APP_ID,
  encodeRecord,
  isRecordExpired,
  isValidRoomName,
  MAX_RECORD_BYTES,
  roomAddress,
  validateRoomName,
} from '../src/index.js'
import { codeOfThrow } from './helpers/codes.js'

const b64 = (value: unknown) => btoa(JSON.stringify(value))

describe('addresses', () => {
  it('are the seed’s btoa(`${APP_ID}-${name}`)', () => {
    expect(DEFAULT_APP_ID).toBe('example.signaling.v1')
    expect(roomAddress('lobby')).toBe(btoa('example.signaling.v1-lobby'))
    expect(answerAddress('lobby-0.42')).toBe(btoa('example.signaling.v1-lobby-0.42'))
    expect(roomAddress('lobby', 'my.app')).toBe(btoa('my.app-lobby'))
  })

  it('handle names beyond Latin-1 (where btoa would throw) as UTF-8', () => {
    const address = roomAddress('café ☕')
    expect(new TextDecoder().decode(Uint8Array.from(atob(address), (c) => c.charCodeAt(0)))).toBe('example.signaling.v1-café ☕')
  })

  it('use unguessable answer ids: the room, a dash, 128 random bits', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => createSelfId('lobby')))
    expect(ids.size).toBe(1000)
    for (const id of ids) expect(id).toMatch(/^lobby-[0-9a-f]{32}$/)
  })
})

describe('room names', () => {
  it('accept ordinary names and refuse empty, long, control-character and non-string ones', () => {
    expect(validateRoomName('team standup 3')).toBe('team standup 3')
    expect(validateRoomName('x'.repeat(256))).toHaveLength(256)
    for (const bad of ['', 'x'.repeat(257), 'a\tb', 'a\u007fb', null, 12, {}]) {
      expect(codeOfThrow(() => validateRoomName(bad))).toBe('ERR_INVALID_ROOM')
    }
  })

  it('answer the same question as a boolean, without throwing, for the machine guard', () => {
    expect(isValidRoomName('team standup 3')).toBe(true)
    expect(isValidRoomName('x'.repeat(256))).toBe(true)
    for (const bad of ['', 'x'.repeat(257), 'a\tb', 'a\u007fb', null, 12, {}]) expect(isValidRoomName(bad)).toBe(false)
  })

  it('say in the error what to pass instead', () => {
    expect(() => validateRoomName('')).toThrow('Invalid room name "": use a non-empty string of at most 256 characters without control characters.')
  })
})

describe('records', () => {
  const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const

  it('round-trip through base64(JSON) with version, timestamps and targetId', () => {
    const record = createRecord(offer, { targetId: 'lobby-1', now: 1000, ttlMs: 500 })
    expect(record).toEqual({ v: 1, payload: offer, targetId: 'lobby-1', createdAt: 1000, expiresAt: 1500 })
    const data = encodeRecord(record)
    expect(JSON.parse(atob(data))).toEqual(record)
    expect(decodeRecord(data, 'offer')).toEqual(record)
  })

  it('accept the seed’s bare { payload, targetId }', () => {
    expect(decodeRecord(b64({ payload: offer, targetId: 'lobby-0.5' }), 'offer')).toEqual({ payload: offer, targetId: 'lobby-0.5' })
  })

  it('expire at expiresAt; the seed’s records never do', () => {
    const record = createRecord(offer, { now: 1000, ttlMs: 500 })
    expect(isRecordExpired(record, 1499)).toBe(false)
    expect(isRecordExpired(record, 1500)).toBe(true)
    expect(isRecordExpired({ payload: offer }, Number.MAX_SAFE_INTEGER)).toBe(false)
  })

  it('reject anything else with ERR_BAD_RECORD, never a raw error', () => {
    const bad = [
      'not base64 at all!',
      btoa('not json'),
      btoa('\u00ff\u00fe'),
      b64(null),
      b64('a string'),
      b64([offer]),
      b64({}),
      b64({ payload: null }),
      b64({ payload: { type: 'pranswer', sdp: 'x' } }),
      b64({ payload: { type: 'offer' } }),
      b64({ payload: { type: 'offer', sdp: 42 } }),
      b64({ payload: offer, targetId: '' }),
      b64({ payload: offer, targetId: 7 }),
      b64({ payload: offer, expiresAt: 'tomorrow' }),
      b64({ payload: offer, createdAt: -1 }),
      b64({ payload: offer, v: 0 }),
      '',
      42,
    ]
    for (const data of bad) expect(codeOfThrow(() => decodeRecord(data as string)), String(data)).toBe('ERR_BAD_RECORD')
  })

  it('tell a newer format apart, asking to upgrade', () => {
    expect(() => decodeRecord(b64({ v: 2, payload: offer }))).toThrow(/upgrade signalbox/)
  })

  it('reject an answer where an offer is expected, and the reverse', () => {
    const answer = encodeRecord(createRecord({ type: 'answer', sdp: 'v=0' }, { now: 0, ttlMs: 1 }))
    expect(codeOfThrow(() => decodeRecord(answer, 'offer'))).toBe('ERR_BAD_RECORD')
    expect(decodeRecord(answer, 'answer').payload?.type).toBe('answer')
  })

  it('refuse to encode beyond 100 KiB with ERR_RECORD_TOO_LARGE, and decode up to it', () => {
    expect(MAX_RECORD_BYTES).toBe(100 * 1024)
    const huge = createRecord({ type: 'offer', sdp: 'a'.repeat(80 * 1024) }, { now: 0, ttlMs: 1 })
    expect(codeOfThrow(() => encodeRecord(huge))).toBe('ERR_RECORD_TOO_LARGE')
    const large = createRecord({ type: 'offer', sdp: 'a'.repeat(70 * 1024) }, { now: 0, ttlMs: 1 })
    expect(decodeRecord(encodeRecord(large)).payload?.sdp).toHaveLength(70 * 1024)
    expect(codeOfThrow(() => decodeRecord('A'.repeat(MAX_RECORD_BYTES + 4)))).toBe('ERR_BAD_RECORD')
  })
})
