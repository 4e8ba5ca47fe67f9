import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSignaling, deriveRoomKey, MemoryStore, nameOf, openSignal, sealSignal, SECRET_KDF_ITERATIONS, validateSecret } from '../src/index.js'
import { codeOf } from './helpers/codes.js'

const offer = { type: 'offer', sdp: 'v=0\r\nc=IN IP4 192.168.1.23\r\n' } as const
const bound = { appId: 'app', room: 'lobby', role: 'offer', targetId: 'lobby-00ff', expiresAt: 1_000 } as const

describe('room secrets', () => {
  it('seal a description so that only the same secret, app and room open it', async () => {
    const key = await deriveRoomKey('correct horse', 'lobby', 'app')
    const sealed = await sealSignal(key, offer, bound)
    expect(sealed).not.toContain('192.168')
    expect(atob(sealed)).not.toContain('v=0')
    expect(await openSignal(await deriveRoomKey('correct horse', 'lobby', 'app'), sealed, bound)).toEqual(offer)
    for (const [secret, room, app] of [['battery staple', 'lobby', 'app'], ['correct horse', 'other', 'app'], ['correct horse', 'lobby', 'other']] as const) {
      expect(await codeOf(openSignal(await deriveRoomKey(secret, room, app), sealed, bound))).toBe('ERR_BAD_SECRET')
    }
  })

  it('use a fresh IV each time, and refuse tampered or truncated ciphertext', async () => {
    const key = await deriveRoomKey('s3cret', 'lobby', 'app')
    const [first, second] = [await sealSignal(key, offer, bound), await sealSignal(key, offer, bound)]
    expect(first).not.toBe(second)
    const bytes = Uint8Array.from(atob(first), (c) => c.charCodeAt(0))
    bytes[bytes.length - 1]! ^= 1
    expect(await codeOf(openSignal(key, btoa(String.fromCharCode(...bytes)), bound))).toBe('ERR_BAD_SECRET')
    expect(await codeOf(openSignal(key, first.slice(0, 16), bound))).toBe('ERR_BAD_SECRET')
    expect(await codeOf(openSignal(key, 'not base64!', bound))).toBe('ERR_BAD_SECRET')
  })

  it('bind a sealed description to its app, room, role, target id and expiry (AES-GCM associated data)', async () => {
    const key = await deriveRoomKey('s3cret', 'lobby', 'app')
    const sealed = await sealSignal(key, offer, bound)
    expect(await openSignal(key, sealed, bound)).toEqual(offer)
    const elsewhere = [
      { ...bound, role: 'answer' as const },
      { ...bound, expiresAt: 999_999 },
      { ...bound, expiresAt: undefined },
      { ...bound, targetId: 'lobby-attacker' },
      { ...bound, room: 'other' },
      { ...bound, appId: 'other' },
    ]
    for (const context of elsewhere) expect(await codeOf(openSignal(key, sealed, context)), JSON.stringify(context)).toBe('ERR_BAD_SECRET')
  })

  it('derive keys with PBKDF2 at OWASP\'s 600,000 rounds', () => {
    expect(SECRET_KDF_ITERATIONS).toBeGreaterThanOrEqual(600_000)
  })

  it('refuse empty, over-long and non-string secrets with ERR_INVALID_OPTION', () => {
    for (const secret of ['', 'x'.repeat(1025), 42, null]) {
      expect(() => validateSecret(secret)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }))
    }
  })
})

/** Takes WebCrypto's `subtle` away, as a browser does on a page that is not a secure context (plain HTTP, not localhost). */
function withoutSubtle(): void {
  vi.stubGlobal('crypto', { getRandomValues: <T extends ArrayBufferView>(array: T) => globalThis.crypto.getRandomValues(array) })
}

describe('where WebCrypto has no subtle (a page over plain HTTP from another machine)', () => {
  const realCrypto = globalThis.crypto
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('names records all the same: sha256 of the address, base64, as node:crypto computes it', () => {
    const address = btoa('example.signaling.v1-lobby')
    const expected = createHash('sha256').update(address, 'utf8').digest('base64')
    withoutSubtle()
    expect(globalThis.crypto.subtle).toBeUndefined()
    expect(nameOf(address)).toBe(expected)
    expect(nameOf('ünïcode 🚪')).toBe(createHash('sha256').update('ünïcode 🚪', 'utf8').digest('base64'))
  })

  it('names every address right past the cache of names (more addresses than it keeps, some asked again)', () => {
    const addresses = Array.from({ length: 2_500 }, (_, index) => `room-${index % 2_000}`)
    for (const address of addresses) expect(nameOf(address)).toBe(createHash('sha256').update(address, 'utf8').digest('base64'))
  })

  it('refuses a room secret when the call is made, with ERR_INVALID_OPTION saying to use HTTPS or localhost', async () => {
    const key = await deriveRoomKey('correct horse', 'lobby', 'app')
    const sealed = await sealSignal(key, offer, bound)
    withoutSubtle()
    const store = new MemoryStore()
    expect(() => createSignaling({ store, secret: 'correct horse' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('HTTPS or at localhost') }),
    )
    // Not ERR_BAD_SECRET: the secret is not wrong, the page cannot open anything.
    expect(await codeOf(openSignal(key, sealed, bound))).toBe('ERR_INVALID_OPTION')
    expect(await codeOf(sealSignal(key, offer, bound))).toBe('ERR_INVALID_OPTION')
    expect(await codeOf(deriveRoomKey('correct horse', 'lobby', 'app'))).toBe('ERR_INVALID_OPTION')
    // Without a secret, nothing needs subtle.
    expect(() => createSignaling({ store })).not.toThrow()
    expect(globalThis.crypto).not.toBe(realCrypto)
  })
})
