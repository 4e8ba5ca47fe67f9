/**
 * The Launcher's vocabulary, written once: the error table read both ways
 * agrees with itself, and the route patterns fill in as the client sends them.
 */
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, SignalingError, type SignalingErrorCode } from '../../src/index.js'
import { LAUNCHER_ROUTES, launcherPath, bearerToken, bearer } from '../../src/launcher/api.js'
import { LAUNCHER_CODES, signalingCodeOf, toLauncherError } from '../../src/launcher/errors.js'

describe('the Launcher error table', () => {
  it('maps every SignalingError the server answers to a code the client reads back as the same SignalingError', () => {
    const answered = Object.values(LAUNCHER_CODES).filter((code) => 'answers' in code)
    expect(answered.map((code) => code.signaling).sort()).toEqual(
      ['ERR_EXISTS', 'ERR_NOT_FOUND', 'ERR_NOT_OWNER', 'ERR_RECORD_TOO_LARGE', 'ERR_STORE_FULL', 'ERR_STORE_UNAVAILABLE'],
    )
    for (const code of Object.keys(ERROR_CODES) as SignalingErrorCode[]) {
      const answer = toLauncherError(new SignalingError(code))!
      const roundTrip = signalingCodeOf(answer.status, answer.errorCode)
      expect(roundTrip, code).toBe(answered.some((entry) => entry.signaling === code) ? code : 'ERR_STORE_REJECTED')
    }
  })

  it('answers the statuses the Launcher did, and reads a busy or failing server as unavailable', () => {
    expect(toLauncherError(new SignalingError('ERR_NOT_FOUND'))!.toBody()).toEqual({ errorCode: -22, description: 'CoreError::MutationFailure::MutationError::NoSuchData' })
    expect(toLauncherError(new SignalingError('ERR_STORE_UNAVAILABLE'))!.status).toBe(503)
    expect(signalingCodeOf(404, -18)).toBe('ERR_NOT_FOUND')
    expect(signalingCodeOf(400, -1513)).toBe('ERR_STORE_UNAVAILABLE')
    expect(signalingCodeOf(429, 429)).toBe('ERR_STORE_UNAVAILABLE')
    expect(signalingCodeOf(400, 400)).toBe('ERR_STORE_REJECTED')
  })
})

describe('routes and headers', () => {
  it('fills route patterns, leaving out an absent optional parameter', () => {
    expect(launcherPath(LAUNCHER_ROUTES.structuredDataRead, { handleId: 42 })).toBe('structured-data/42')
    expect(launcherPath(LAUNCHER_ROUTES.structuredDataRead, { handleId: 42, version: 1 })).toBe('structured-data/42/1')
    expect(launcherPath(LAUNCHER_ROUTES.watch, { dataIdHandle: 7 }, new URLSearchParams({ since: '3' }))).toBe('structured-data/watch/7?since=3')
    expect(() => launcherPath(LAUNCHER_ROUTES.structuredDataItem)).toThrow(/needs handleId/)
  })

  it('reads the Bearer token it writes, and nothing else', () => {
    expect(bearerToken(bearer('abc'))).toBe('abc')
    expect(bearerToken('bearer   xyz')).toBe('xyz')
    for (const header of [undefined, 'Bearer', 'Bearer a b', 'Basic abc']) expect(bearerToken(header)).toBeUndefined()
  })
})
