/**
 * Compatibility: the requests of the SAFE Launcher API 0.5 table, sent with
 * plain fetch as a 2017 client sent them, against `signalbox serve` on port 0.
 * Every status, body and error shape is checked.
 */
import { SimulatedClock } from 'xstate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryTable } from '../../src/index.js'
import { startServer, type RunningServer } from '../../src/server/index.js'

interface Answer {
  status: number
  body: unknown
  text: string
  bytes: Buffer
  headers: Headers
}

let server: RunningServer
let clock: SimulatedClock

async function api(method: string, path: string, options: { token?: string; body?: unknown; raw?: BodyInit; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`
  let body: BodyInit | undefined = options.raw
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.body)
  }
  const response = await fetch(server.url + path, { method, headers, ...(body === undefined ? {} : { body }) })
  const bytes = Buffer.from(await response.arrayBuffer())
  const text = bytes.toString('utf8')
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, text, bytes, headers: response.headers }
}

const SEED_APP = { name: 'SAFE Signaling Demo', id: 'example.signaling.v1', version: '0.7', vendor: 'MaidSafe Ltd.' }
const name32 = (seed: string) => Buffer.alloc(32, seed).toString('base64')
const b64 = (text: string) => Buffer.from(text).toString('base64')

async function authorise(permissions: string[] = ['LOW_LEVEL_API']): Promise<string> {
  const answer = await api('POST', 'auth', { body: { app: SEED_APP, permissions } })
  expect(answer.status).toBe(200)
  return (answer.body as { token: string }).token
}

/** The seed's publish: POST structured-data, then PUT, nothing else. */
async function publish(token: string, name: string, data: string, typeTag = 500) {
  const created = await api('POST', 'structured-data', { token, body: { name, typeTag, cipherOpts: null, data } })
  expect(created.status).toBe(200)
  const handleId = (created.body as { handleId: number }).handleId
  return { handleId, saved: await api('PUT', `structured-data/${handleId}`, { token }) }
}

/** The seed's read: data id, handle, drop data id, read, drop handle. */
async function read(token: string | undefined, name: string, typeTag = 500) {
  const dataId = await api('POST', 'data-id/structured-data', { ...(token === undefined ? {} : { token }), body: { name, typeTag } })
  expect(dataId.status).toBe(200)
  const dataIdHandle = (dataId.body as { handleId: number }).handleId
  const handle = await api('GET', `structured-data/handle/${dataIdHandle}`, token === undefined ? {} : { token })
  expect((await api('DELETE', `data-id/${dataIdHandle}`, token === undefined ? {} : { token })).status).toBe(200)
  if (handle.status !== 200) return { handle, data: null }
  const handleId = (handle.body as { handleId: number }).handleId
  const data = await api('GET', `structured-data/${handleId}`, token === undefined ? {} : { token })
  expect((await api('DELETE', `structured-data/handle/${handleId}`, token === undefined ? {} : { token })).status).toBe(200)
  return { handle, data }
}

beforeAll(async () => {
  clock = new SimulatedClock()
  clock.set(1_700_000_000_000)
  server = await startServer({ port: 0, backend: new MemoryTable(clock), maxHandlesPerToken: 50 })
})
afterAll(async () => {
  await server.close()
})

describe('auth', () => {
  it('authorises an app and returns its token and permissions', async () => {
    const answer = await api('POST', 'auth', { body: { app: SEED_APP, permissions: ['LOW_LEVEL_API'] } })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ token: expect.any(String), permissions: ['LOW_LEVEL_API'] })
  })

  it.each([
    [{ permissions: [] }, 'Fields are missing'],
    [{ app: { name: 'x', id: 'y', version: '1' }, permissions: [] }, 'Fields are missing'],
    [{ app: { ...SEED_APP, vendor: '' }, permissions: [] }, 'Values cannot be empty'],
    [{ app: SEED_APP }, 'Permission field is missing'],
    [{ app: SEED_APP, permissions: ['ROOT'] }, 'Invalid permissions requested'],
    [{ app: SEED_APP, permissions: 'LOW_LEVEL_API' }, 'Invalid permissions requested'],
  ])('refuses %j with 400 "%s"', async (body, description) => {
    const answer = await api('POST', 'auth', { body })
    expect(answer.status).toBe(400)
    expect(answer.body).toEqual({ errorCode: 400, description })
  })

  it('answers GET auth 200 for a valid token, a bare 401 for an unknown one, and 401 without one', async () => {
    const token = await authorise()
    expect((await api('GET', 'auth', { token })).status).toBe(200)
    const unknown = await api('GET', 'auth', { token: 'not-a-token' })
    expect(unknown.status).toBe(401)
    expect(unknown.text).toBe('')
    const none = await api('GET', 'auth')
    expect(none.status).toBe(401)
    expect(none.body).toEqual({ errorCode: 400, description: 'Unauthorised access' })
  })

  it('revokes a token with DELETE auth; the token then gets a bare 401 everywhere', async () => {
    const token = await authorise()
    expect((await api('DELETE', 'auth', { token })).status).toBe(200)
    for (const [method, path, body] of [['GET', 'auth', undefined], ['POST', 'data-id/structured-data', {}], ['PUT', 'structured-data/1', undefined]] as const) {
      const answer = await api(method, path, { token, ...(body === undefined ? {} : { body }) })
      expect(answer.status).toBe(401)
      expect(answer.text).toBe('')
    }
  })
})

describe('structured data, the seed app’s flow', () => {
  it('publishes with POST + PUT and reads with data id, handle, GET; the bytes JSON.parse as the seed did', async () => {
    const token = await authorise()
    const payload = { payload: { type: 'offer', sdp: 'v=0' }, targetId: 'room-0.5' }
    const name = name32('a')
    const { saved } = await publish(token, name, b64(JSON.stringify(payload)))
    expect(saved.status).toBe(200)
    expect(saved.text).toBe('')
    const { handle, data } = await read(token, name)
    expect(handle.body).toEqual({ handleId: expect.any(Number), isOwner: true, version: 0, dataVersionLength: 0 })
    expect(data?.status).toBe(200)
    expect(data?.headers.get('content-type')).toContain('application/octet-stream')
    expect(JSON.parse(data!.text)).toEqual(payload)
  })

  it('fails a second PUT of a taken name and type tag with -23, keeping the first data', async () => {
    const [first, second] = [await authorise(), await authorise()]
    const name = name32('b')
    expect((await publish(first, name, b64('first'))).saved.status).toBe(200)
    const { saved } = await publish(second, name, b64('second'))
    expect(saved.status).toBe(400)
    expect(saved.body).toEqual({ errorCode: -23, description: 'CoreError::MutationFailure::MutationError::DataExists' })
    expect((await read(second, name)).data?.text).toBe('first')
  })

  it('keeps type tags apart: the same name under 500 and 501 are two records', async () => {
    const token = await authorise()
    const name = name32('c')
    await publish(token, name, b64('unversioned'), 500)
    await publish(token, name, b64('versioned'), 501)
    expect((await read(token, name, 500)).data?.text).toBe('unversioned')
    const versioned = await read(token, name, 501)
    expect(versioned.data?.text).toBe('versioned')
    expect(versioned.handle.body).toMatchObject({ dataVersionLength: 1 })
  })

  it('reads public data without a token, with isOwner false', async () => {
    const token = await authorise()
    const name = name32('d')
    await publish(token, name, b64('public'))
    const { handle, data } = await read(undefined, name)
    expect(handle.body).toMatchObject({ isOwner: false, version: 0 })
    expect(data?.text).toBe('public')
  })

  it('answers a handle for data that does not exist with 404 -18', async () => {
    const { handle } = await read(await authorise(), name32('e'))
    expect(handle.status).toBe(404)
    expect(handle.body).toEqual({ errorCode: -18, description: 'CoreError::GetFailure::GetError::NoSuchData' })
  })

  it('updates with PATCH then POST, bumping the version, for the owner only', async () => {
    const [owner, other] = [await authorise(), await authorise()]
    const name = name32('f')
    await publish(owner, name, b64('v0'))
    const dataId = (await api('POST', 'data-id/structured-data', { token: owner, body: { name, typeTag: 500 } })).body as { handleId: number }
    const handleId = ((await api('GET', `structured-data/handle/${dataId.handleId}`, { token: owner })).body as { handleId: number }).handleId
    expect((await api('PATCH', `structured-data/${handleId}`, { token: owner, body: { data: b64('v1'), cipherOpts: null } })).status).toBe(200)
    expect((await api('POST', `structured-data/${handleId}`, { token: owner })).status).toBe(200)
    expect((await api('GET', `structured-data/metadata/${handleId}`, { token: owner })).body).toEqual({ isOwner: true, version: 1, dataVersionLength: 0 })
    expect((await read(owner, name)).data?.text).toBe('v1')

    const otherDataId = (await api('POST', 'data-id/structured-data', { token: other, body: { name, typeTag: 500 } })).body as { handleId: number }
    const otherHandle = (await api('GET', `structured-data/handle/${otherDataId.handleId}`, { token: other })).body as { handleId: number; isOwner: boolean }
    expect(otherHandle.isOwner).toBe(false)
    expect((await api('PATCH', `structured-data/${otherHandle.handleId}`, { token: other, body: { data: b64('hijack') } })).status).toBe(200)
    const post = await api('POST', `structured-data/${otherHandle.handleId}`, { token: other })
    expect(post.status).toBe(400)
    expect(post.body).toEqual({ errorCode: -25, description: 'CoreError::MutationFailure::MutationError::InvalidSuccessor' })
    const remove = await api('DELETE', `structured-data/${otherHandle.handleId}`, { token: other })
    expect(remove.status).toBe(400)
    expect(remove.body).toMatchObject({ errorCode: -25 })
    expect((await read(other, name)).data?.text).toBe('v1')
  })

  it('deletes for the owner; the data is then gone (404 -18) and a second delete is -22', async () => {
    const token = await authorise()
    const name = name32('g')
    await publish(token, name, b64('short-lived'))
    const dataId = (await api('POST', 'data-id/structured-data', { token, body: { name, typeTag: 500 } })).body as { handleId: number }
    const handleId = ((await api('GET', `structured-data/handle/${dataId.handleId}`, { token })).body as { handleId: number }).handleId
    expect((await api('DELETE', `structured-data/${handleId}`, { token })).status).toBe(200)
    expect((await read(token, name)).handle.status).toBe(404)
    const again = await api('DELETE', `structured-data/${handleId}`, { token })
    expect(again.body).toEqual({ errorCode: -22, description: 'CoreError::MutationFailure::MutationError::NoSuchData' })
    expect((await publish(token, name, b64('reborn'))).saved.status).toBe(200)
  })

  it('offers data id, metadata, size check, serialise and deserialise of a handle', async () => {
    const token = await authorise()
    const name = name32('h')
    const { handleId } = await publish(token, name, b64('serialise me'))
    expect((await api('GET', `structured-data/validate-size/${handleId}`, { token })).body).toEqual({ isValid: true, valid: true })
    const asDataId = await api('GET', `structured-data/data-id/${handleId}`, { token })
    expect(asDataId.body).toEqual({ handleId: expect.any(Number) })
    const serialised = await api('GET', `structured-data/serialise/${handleId}`, { token })
    expect(serialised.status).toBe(200)
    const restored = await api('POST', 'structured-data/deserialise', { token, raw: new Uint8Array(serialised.bytes), headers: { 'content-type': 'text/plain' } })
    expect(restored.body).toEqual({ handleId: expect.any(Number), isOwner: true, version: 0 })
    const restoredId = (restored.body as { handleId: number }).handleId
    expect((await api('GET', `structured-data/${restoredId}`, { token })).text).toBe('serialise me')
    const garbage = await api('POST', 'structured-data/deserialise', { token, raw: 'garbage', headers: { 'content-type': 'text/plain' } })
    expect(garbage.body).toEqual({ errorCode: -2, description: 'CoreError::UnsuccessfulEncodeDecode' })
  })

  it('offers PLAIN cipher options as a handle, and refuses the encrypted kinds', async () => {
    const token = await authorise()
    const plain = await api('GET', 'cipher-opts/PLAIN', { token })
    const cipherOpts = (plain.body as { handleId: number }).handleId
    const created = await api('POST', 'structured-data', { token, body: { name: name32('i'), typeTag: 500, cipherOpts, data: b64('x') } })
    expect(created.status).toBe(200)
    expect((await api('GET', 'cipher-opts/SYMMETRIC', { token })).body).toMatchObject({ errorCode: -1525 })
    const bogus = await api('POST', 'structured-data', { token, body: { name: name32('i'), typeTag: 500, cipherOpts: 11, data: b64('x') } })
    expect(bogus.body).toEqual({ errorCode: -1517, description: 'FfiError::InvalidCipherOptHandle' })
  })
})

describe('refusals', () => {
  it('requires a token for writes (401) and LOW_LEVEL_API (403)', async () => {
    const body = { name: name32('j'), typeTag: 500, data: b64('x') }
    const none = await api('POST', 'structured-data', { body })
    expect(none.status).toBe(401)
    expect(none.body).toEqual({ errorCode: 400, description: 'Unauthorised access' })
    const withoutPermission = await authorise([])
    const denied = await api('POST', 'structured-data', { token: withoutPermission, body })
    expect(denied.status).toBe(403)
    expect(denied.body).toEqual({ errorCode: 400, description: 'Low level api access is not granted' })
  })

  it.each([
    [{ typeTag: 500 }, 'name is missing in request body'],
    [{ name: '', typeTag: 500 }, 'name is missing in request body'],
    [{ name: b64('short'), typeTag: 500 }, 'Invalid id specified'],
    [{ name: name32('k'), typeTag: 'typeTag' }, 'Tag type must be a valid number'],
    [{ name: name32('k'), typeTag: 14999 }, 'Invalid tag type specified'],
    [{ name: name32('k'), typeTag: 500, data: 11 }, 'data must be a base64 string'],
  ])('validates the create body %j: 400 "%s"', async (body, description) => {
    const answer = await api('POST', 'structured-data', { token: await authorise(), body })
    expect(answer.status).toBe(400)
    expect(answer.body).toEqual({ errorCode: 400, description })
  })

  it('validates data-id bodies the same way', async () => {
    const answer = await api('POST', 'data-id/structured-data', { body: { name: 'x', typeTag: 500 } })
    expect(answer.body).toEqual({ errorCode: 400, description: 'Invalid id specified' })
  })

  it('answers unknown handles with -1513 (structured data) and -1514 (data id)', async () => {
    const token = await authorise()
    for (const [method, path] of [
      ['PUT', 'structured-data/1234'],
      ['GET', 'structured-data/1234'],
      ['GET', 'structured-data/metadata/1234'],
      ['DELETE', 'structured-data/handle/1234'],
      ['POST', 'structured-data/not-a-number'],
    ] as const) {
      const answer = await api(method, path, { token })
      expect(answer.status, `${method} ${path}`).toBe(400)
      expect(answer.body).toEqual({ errorCode: -1513, description: 'FfiError::InvalidStructDataHandle' })
    }
    const dataId = await api('GET', 'structured-data/handle/1234', { token })
    expect(dataId.body).toEqual({ errorCode: -1514, description: 'FfiError::InvalidDataIdHandle' })
  })

  it('keeps handles per token: another token cannot use them', async () => {
    const [owner, other] = [await authorise(), await authorise()]
    const { handleId } = await publish(owner, name32('l'), b64('mine'))
    expect((await api('GET', `structured-data/${handleId}`, { token: other })).body).toMatchObject({ errorCode: -1513 })
    expect((await api('GET', `structured-data/${handleId}`, { token: owner })).text).toBe('mine')
  })

  it('refuses data above 100 KiB with -1, and bodies above the limit with 413', async () => {
    const token = await authorise()
    const tooMuch = await api('POST', 'structured-data', { token, body: { name: name32('m'), typeTag: 500, data: Buffer.alloc(101 * 1024).toString('base64') } })
    expect(tooMuch.status).toBe(400)
    expect(tooMuch.body).toMatchObject({ errorCode: -1 })
    const huge = await api('POST', 'structured-data', { token, body: { name: name32('m'), data: 'A'.repeat(300 * 1024) } })
    expect(huge.status).toBe(413)
    expect(huge.body).toMatchObject({ errorCode: 400, description: expect.any(String) })
  })

  it('answers malformed JSON and unknown endpoints in the error shape', async () => {
    const token = await authorise()
    const malformed = await api('POST', 'structured-data', { token, raw: '{"name":', headers: { 'content-type': 'application/json' } })
    expect(malformed.status).toBe(400)
    expect(malformed.body).toMatchObject({ errorCode: 400 })
    const unknown = await api('GET', 'nfs/directory/app/')
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual({ errorCode: 404, description: 'No such endpoint: GET /0.5/nfs/directory/app/' })
  })

  it('bounds the handles one token holds: past the cap its least recently used handle is forgotten, never a refusal', async () => {
    const token = await authorise()
    const handles: number[] = []
    let answer: Answer | undefined
    for (let count = 0; count <= 50; count++) {
      answer = await api('POST', 'data-id/structured-data', { token, body: { name: name32('n'), typeTag: 500 } })
      handles.push((answer.body as { handleId: number }).handleId)
    }
    expect(answer?.status).toBe(200)
    expect((await api('DELETE', `data-id/${handles[0]}`, { token })).body).toEqual({ errorCode: -1514, description: 'FfiError::InvalidDataIdHandle' })
    expect((await api('DELETE', `data-id/${handles[50]}`, { token })).status).toBe(200)
    expect((await api('DELETE', `data-id/${handles[1]}`, { token })).status).toBe(200)
  })
})

describe('extensions and operations', () => {
  it('expires a record nobody removed, after the server’s ttl or the client’s X-Signalbox-Ttl-Ms', async () => {
    const token = await authorise()
    const name = name32('o')
    const created = await api('POST', 'structured-data', { token, body: { name, typeTag: 500, data: b64('brief') } })
    const handleId = (created.body as { handleId: number }).handleId
    expect((await api('PUT', `structured-data/${handleId}`, { token, headers: { 'x-signalbox-ttl-ms': '5000' } })).status).toBe(200)
    clock.increment(4_999)
    expect((await read(token, name)).data?.text).toBe('brief')
    clock.increment(2)
    expect((await read(token, name)).handle.status).toBe(404)
    const bad = await api('PUT', `structured-data/${handleId}`, { token, headers: { 'x-signalbox-ttl-ms': 'forever' } })
    expect(bad.body).toMatchObject({ errorCode: 400, description: expect.stringContaining('X-Signalbox-Ttl-Ms') })
  })

  it('answers a push read at once without since, and on the next change with since', async () => {
    const token = await authorise()
    const name = name32('p')
    const dataId = ((await api('POST', 'data-id/structured-data', { token, body: { name, typeTag: 500 } })).body as { handleId: number }).handleId
    const now = await api('GET', `structured-data/watch/${dataId}`, { token })
    expect(now.body).toEqual({ revision: 0, version: 0, data: null })
    const next = api('GET', `structured-data/watch/${dataId}?since=0&timeoutMs=30000`, { token })
    await publish(token, name, b64('pushed'))
    const answer = (await next).body as { revision: number; data: string }
    expect(answer).toEqual({ revision: expect.any(Number), version: 0, data: b64('pushed') })
    const quiet = await api('GET', `structured-data/watch/${dataId}?since=${answer.revision}&timeoutMs=10`, { token })
    expect(quiet.body).toEqual(answer)
  })

  it('answers a push read by name (no data-id handle) as by handle: at once without since, on the next change with since', async () => {
    const token = await authorise()
    const name = name32('n')
    const watch = (query: Record<string, string>) => api('GET', `structured-data/watch?${new URLSearchParams({ name, typeTag: '500', ...query })}`, { token })
    expect((await watch({})).body).toEqual({ revision: 0, version: 0, data: null })
    const next = watch({ since: '0', timeoutMs: '30000' })
    await publish(token, name, b64('pushed by name'))
    const answer = (await next).body as { revision: number; data: string }
    expect(answer).toEqual({ revision: expect.any(Number), version: 0, data: b64('pushed by name') })
    expect((await watch({ since: String(answer.revision), timeoutMs: '10' })).body).toEqual(answer)
    const invalid = await api('GET', 'structured-data/watch?name=short&typeTag=500', { token })
    expect(invalid.body).toEqual({ errorCode: 400, description: 'Invalid id specified' })
  })

  it('removes in one request: POST structured-data/remove-by-name, for the owner only, and removing nothing is fine', async () => {
    const [owner, other] = [await authorise(), await authorise()]
    const name = name32('rm')
    await publish(owner, name, b64('to remove'))
    const refused = await api('POST', 'structured-data/remove-by-name', { token: other, body: { name, typeTag: 500 } })
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ errorCode: -25 })
    expect((await api('POST', 'structured-data/remove-by-name', { body: { name, typeTag: 500 } })).status).toBe(401)
    expect((await api('POST', 'structured-data/remove-by-name', { token: owner, body: { name, typeTag: 500 } })).body).toEqual({ removed: true })
    expect((await api('GET', `structured-data/read?${new URLSearchParams({ name, typeTag: '500' })}`)).status).toBe(404)
    expect((await api('POST', 'structured-data/remove-by-name', { token: owner, body: { name, typeTag: 500 } })).body).toEqual({ removed: false })
    expect((await api('POST', 'structured-data/remove-by-name', { token: owner, body: { name: 'short', typeTag: 500 } })).body).toEqual({ errorCode: 400, description: 'Invalid id specified' })
  })

  it('reads in one request: GET structured-data/read?name=&typeTag= answers the bytes, or 404 -18', async () => {
    const token = await authorise()
    const name = name32('q')
    await publish(token, name, b64('one request'))
    const found = await api('GET', `structured-data/read?${new URLSearchParams({ name, typeTag: '500' })}`)
    expect(found.status).toBe(200)
    expect(found.text).toBe('one request')
    const missing = await api('GET', `structured-data/read?${new URLSearchParams({ name: name32('r'), typeTag: '500' })}`)
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({ errorCode: -18, description: 'CoreError::GetFailure::GetError::NoSuchData' })
    const invalid = await api('GET', 'structured-data/read?name=short')
    expect(invalid.body).toEqual({ errorCode: 400, description: 'Invalid id specified' })
  })

  it('allows other origins (CORS), as the Launcher served web apps', async () => {
    const preflight = await fetch(server.url + 'structured-data', {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://app.example')
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization')
  })

  it('reports health at /health', async () => {
    const health = await fetch(server.url.replace('/0.5/', '/health'))
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: 'ok', tokens: expect.any(Number), handles: expect.any(Number) })
  })
})
