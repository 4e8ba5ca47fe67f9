import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, isSignalingError, SignalingError, toSignalingError } from '../src/index.js'

describe('SignalingError', () => {
  it('carries a stable code and, by default, a message that says what to do', () => {
    const error = new SignalingError('ERR_ANSWER_TIMEOUT')
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('SignalingError')
    expect(error.code).toBe('ERR_ANSWER_TIMEOUT')
    expect(error.message).toBe(ERROR_CODES.ERR_ANSWER_TIMEOUT)
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'SignalingError', code: 'ERR_ANSWER_TIMEOUT', message: error.message })
  })

  it('wraps foreign errors under a fallback code, keeping them as cause', () => {
    const cause = new TypeError('fetch failed')
    const wrapped = toSignalingError(cause, 'ERR_STORE_UNAVAILABLE')
    expect(wrapped.code).toBe('ERR_STORE_UNAVAILABLE')
    expect(wrapped.cause).toBe(cause)
    expect(wrapped.message).toContain('fetch failed')
    const own = new SignalingError('ERR_EXISTS')
    expect(toSignalingError(own, 'ERR_PEER')).toBe(own)
    expect(isSignalingError(own, 'ERR_EXISTS')).toBe(true)
    expect(isSignalingError(own, 'ERR_PEER')).toBe(false)
    expect(isSignalingError(cause)).toBe(false)
  })

  it('has every code documented in docs/errors.md, and nothing documented that does not exist', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')
    const documented = [...doc.matchAll(/^\| `(ERR_[A-Z_]+)` \|/gm)].map((match) => match[1])
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort())
  })
})
