/**
 * Property-based fuzzing (fast-check) of every endpoint of `signalbox serve`
 * and of the record decoder: malformed JSON and base64, wrong types, missing
 * and extra fields, oversized data and bodies, unknown and foreign handles, bad
 * and revoked tokens, odd names and path segments, huge headers. 12,000
 * generated cases: no answer is a 5xx, every error is in the Launcher's shape,
 * the server still answers /health, and its records, tokens and handles stay
 * within their limits.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRecord, decodeRecord, encodeRecord, SignalingError } from '../../src/index.js'
import { startServer, type RunningServer } from '../../src/server/index.js'

const LIMITS = { maxTokens: 40, maxHandlesPerToken: 25, maxAnonymousHandles: 60, maxRecords: 80 }
const ENDPOINT_RUNS = 8_000
const DECODER_RUNS = 4_000

let server: RunningServer
const tokens: string[] = []
let revoked = ''

beforeAll(async () => {
  server = await startServer({ port: 0, rateLimitPerSecond: 0, bodyLimit: 64 * 1024, ...LIMITS })
  for (let index = 0; index < 3; index++) {
    const response = await fetch(server.url + 'auth', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app: { name: 'fuzz', id: 'fuzz', version: '1', vendor: 'fuzz' }, permissions: ['LOW_LEVEL_API'] }),
    })
    tokens.push(((await response.json()) as { token: string }).token)
  }
  revoked = tokens.pop()!
  await fetch(server.url + 'auth', { method: 'DELETE', headers: { authorization: `Bearer ${revoked}` } })
})
afterAll(async () => {
  await server.close()
})

const name32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('base64'))
const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', ' ', '..', '%2e%2e', '%00', '/', '\\', 'null', 'NaN', '-1', '1e309', '9'.repeat(40), '🙂', 'a'.repeat(2000)),
)
const handleSegment = fc.oneof(fc.integer({ min: -5, max: 2 ** 53 }).map(String), fc.nat(5).map(String), oddString.map(encodeURIComponent))
const jsonValue = fc.jsonValue({ maxDepth: 3 })
const body = fc.oneof(
  jsonValue.map((value) => JSON.stringify(value)),
  fc.record(
    {
      name: fc.oneof(name32, oddString, jsonValue),
      typeTag: fc.oneof(fc.constantFrom(500, 501, 15000, '500', 'x', -1, 0, 1e20), jsonValue),
      data: fc.oneof(fc.base64String(), oddString, fc.constant('A'.repeat(70_000)), jsonValue),
      cipherOpts: fc.oneof(fc.constant(null), fc.integer(), oddString),
      app: fc.oneof(fc.constant({ name: 'a', id: 'b', version: 'c', vendor: 'd' }), jsonValue),
      permissions: fc.oneof(fc.constant(['LOW_LEVEL_API']), jsonValue),
    },
    { requiredKeys: [] },
  ).map((value) => JSON.stringify(value)),
  fc.string().map((text) => `{"name":${text}`),
  fc.constant('x'.repeat(80 * 1024)),
)
const paths = fc.oneof(
  fc.constantFrom('auth', 'data-id/structured-data', 'structured-data', 'structured-data/deserialise', 'structured-data/read', 'cipher-opts/PLAIN', 'cipher-opts/SYMMETRIC'),
  fc.tuple(
    fc.constantFrom('data-id/', 'structured-data/', 'structured-data/handle/', 'structured-data/metadata/', 'structured-data/data-id/', 'structured-data/validate-size/', 'structured-data/serialise/', 'structured-data/watch/', 'cipher-opts/'),
    handleSegment,
  ).map(([prefix, segment]) => prefix + segment),
  fc.tuple(handleSegment, handleSegment).map(([a, b]) => `structured-data/${a}/${b}`),
  fc.tuple(name32, oddString).map(([name, tag]) => `structured-data/read?name=${encodeURIComponent(name)}&typeTag=${encodeURIComponent(tag)}`),
  fc.tuple(handleSegment, oddString).map(([id, since]) => `structured-data/watch/${id}?since=${encodeURIComponent(since)}&timeoutMs=1`),
  oddString.map((text) => encodeURIComponent(text)),
)
const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(...[0, 1].map((index) => `Bearer ${tokens[index] ?? ''}`)),
  fc.constant(undefined).map(() => `Bearer ${revoked}`),
  fc.constantFrom('Bearer', 'Bearer ', 'Basic abc', 'bearer x y', 'Bearer \u00ff\u00e9'),
  fc.string({ maxLength: 300 }).filter((text) => /^[\x20-\x7e]*$/.test(text)),
  fc.constant(`Bearer ${'t'.repeat(8000)}`),
)
const contentType = fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1')
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
  path: paths,
  body,
  authorization,
  contentType,
  bigHeader: fc.boolean(),
})

describe('fuzzing every endpoint', () => {
  it(`answers ${ENDPOINT_RUNS} generated requests with a non-5xx, error-shaped answer, and stays healthy and bounded`, async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, body: payload, authorization: auth, contentType: type, bigHeader }) => {
        const headers: Record<string, string> = { 'content-type': type }
        if (auth !== undefined) headers['authorization'] = auth
        if (bigHeader) headers['x-padding'] = 'p'.repeat(12_000)
        const hasBody = method !== 'GET' && method !== 'HEAD'
        const response = await fetch(server.url + path, { method, headers, ...(hasBody ? { body: payload } : {}), signal: AbortSignal.timeout(5_000) })
        const text = await response.text()
        expect(response.status, `${method} ${path}`).toBeLessThan(500)
        if (response.status >= 400 && !(response.status === 401 && text === '') && method !== 'HEAD') {
          const answer = JSON.parse(text) as { errorCode?: unknown; description?: unknown }
          expect(typeof answer.errorCode, `${method} ${path}: ${text}`).toBe('number')
          expect(typeof answer.description).toBe('string')
        }
      }),
      { numRuns: ENDPOINT_RUNS },
    )
    const health = await fetch(server.url.replace('/0.5/', '/health'))
    expect(health.status).toBe(200)
    const counts = (await health.json()) as { tokens: number; handles: number; records: number }
    expect(counts.tokens).toBeLessThanOrEqual(LIMITS.maxTokens)
    expect(counts.handles).toBeLessThanOrEqual(LIMITS.maxTokens * LIMITS.maxHandlesPerToken + LIMITS.maxAnonymousHandles)
    expect(counts.records).toBeLessThanOrEqual(LIMITS.maxRecords)
  }, 120_000)
})

describe('fuzzing the record decoder', () => {
  const valid = encodeRecord(createRecord({ type: 'offer', sdp: 'v=0' }, { targetId: 'room-1', now: 1, ttlMs: 1 }))
  const candidates = fc.oneof(
    fc.string(),
    fc.base64String(),
    jsonValue.map((value) => btoa(unescape(encodeURIComponent(JSON.stringify(value))))),
    fc.record({ v: jsonValue, payload: jsonValue, enc: jsonValue, busy: jsonValue, targetId: jsonValue, createdAt: jsonValue, expiresAt: jsonValue }, { requiredKeys: [] }).map((value) =>
      btoa(unescape(encodeURIComponent(JSON.stringify(value)))),
    ),
    fc.tuple(fc.nat(valid.length - 1), fc.constantFrom('A', '=', '/', '+', '!', '')).map(([at, char]) => valid.slice(0, at) + char + valid.slice(at + 1)),
  )

  it(`decodes ${DECODER_RUNS} generated inputs into a valid record or ERR_BAD_RECORD, never anything else`, () => {
    fc.assert(
      fc.property(candidates, (data) => {
        try {
          const record = decodeRecord(data)
          expect([record.payload, record.enc, record.busy].filter((part) => part !== undefined)).toHaveLength(1)
        } catch (error) {
          expect(error).toBeInstanceOf(SignalingError)
          expect((error as SignalingError).code).toBe('ERR_BAD_RECORD')
        }
      }),
      { numRuns: DECODER_RUNS },
    )
  })
})
