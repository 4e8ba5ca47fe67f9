import { describe, expect, it } from 'vitest'
import { deriveRoomKey, openSignal, sealSignal, validateSecret } from '../src/index.js'
import { codeOf } from './helpers/codes.js'

const offer = { type: 'offer', sdp: 'v=0\r\nc=IN IP4 192.168.1.23\r\n' } as const

describe('room secrets', () => {
  it('seal a description so that only the same secret, app and room open it', async () => {
    const key = await deriveRoomKey('correct horse', 'lobby', 'app')
    const sealed = await sealSignal(key, offer)
    expect(sealed).not.toContain('192.168')
    expect(atob(sealed)).not.toContain('v=0')
    expect(await openSignal(await deriveRoomKey('correct horse', 'lobby', 'app'), sealed)).toEqual(offer)
    for (const [secret, room, app] of [['battery staple', 'lobby', 'app'], ['correct horse', 'other', 'app'], ['correct horse', 'lobby', 'other']] as const) {
      expect(await codeOf(openSignal(await deriveRoomKey(secret, room, app), sealed))).toBe('ERR_BAD_SECRET')
    }
  })

  it('use a fresh IV each time, and refuse tampered or truncated ciphertext', async () => {
    const key = await deriveRoomKey('s3cret', 'lobby', 'app')
    const [first, second] = [await sealSignal(key, offer), await sealSignal(key, offer)]
    expect(first).not.toBe(second)
    const bytes = Uint8Array.from(atob(first), (c) => c.charCodeAt(0))
    bytes[bytes.length - 1]! ^= 1
    expect(await codeOf(openSignal(key, btoa(String.fromCharCode(...bytes))))).toBe('ERR_BAD_SECRET')
    expect(await codeOf(openSignal(key, first.slice(0, 16)))).toBe('ERR_BAD_SECRET')
    expect(await codeOf(openSignal(key, 'not base64!'))).toBe('ERR_BAD_SECRET')
  })

  it('refuse empty, over-long and non-string secrets with ERR_INVALID_OPTION', () => {
    for (const secret of ['', 'x'.repeat(1025), 42, null]) {
      expect(() => validateSecret(secret)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }))
    }
  })
})
