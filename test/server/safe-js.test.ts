/**
 * The real client library of the seed app, safe-js 0.3.3, unchanged, against
 * `signalbox serve` on port 0 (its hard-coded localhost:8100 redirected there,
 * nothing else). Every call is checked for its result, and the server's request
 * log for the exact method, path and status the library produced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { redirectLauncherTo, safe } from '../helpers/safe-js.js'

const SEED_APP = { name: 'SAFE Signaling Demo', id: 'example.signaling.v1', version: '0.7', vendor: 'MaidSafe Ltd.' }
const b64 = (text: string) => Buffer.from(text).toString('base64')

let server: RunningServer
let restore: () => void
const requests: string[] = []

beforeAll(async () => {
  server = await startServer({ port: 0, log: (line) => requests.push(line.split(' ').slice(1, 4).join(' ')) })
  restore = redirectLauncherTo(server.port)
})
afterAll(async () => {
  restore()
  await server.close()
})

/** The requests the server saw while `run` ran, as `METHOD path status`. */
async function seen<T>(run: () => Promise<T>): Promise<{ result: T | Error; requests: string[] }> {
  const from = requests.length
  const result = await run().catch((error: unknown) => error as Error)
  return { result, requests: requests.slice(from).map((line) => line.replace(/\/\d{4,}/g, '/:id')) }
}

const authorise = async (permissions = ['LOW_LEVEL_API']) => (await safe.auth.authorise({ ...SEED_APP, permissions })).token

/** The seed's publish: create, then put. */
async function publish(token: string, name: string, text: string): Promise<number> {
  const { handleId } = await safe.structuredData.create(token, name, 500, b64(text))
  await safe.structuredData.put(token, handleId)
  return handleId
}

/** The seed's read: data id, handle, drop data id, read (no version, as the seed called it), drop handle. */
async function read(token: string | undefined, name: string): Promise<string> {
  const { handleId: dataIdHandle } = await safe.dataId.getStructuredDataHandle(token, name, 500)
  const { handleId } = await safe.structuredData.getHandle(token, dataIdHandle)
  await safe.dataId.dropHandle(token, dataIdHandle)
  const bytes = await safe.structuredData.readData(token, handleId)
  await safe.structuredData.dropHandle(token, handleId)
  return bytes.toString('utf8')
}

describe('safe-js 0.3.3 against signalbox serve', () => {
  it('authorises, and tells a valid token from a revoked one', async () => {
    const answer = await safe.auth.authorise({ ...SEED_APP, permissions: ['LOW_LEVEL_API'] })
    expect(answer).toEqual({ token: expect.any(String), permissions: ['LOW_LEVEL_API'] })
    expect(await safe.auth.isTokenValid(answer.token)).toBe(true)
    expect(await safe.auth.isTokenValid('not-a-token')).toBe(false)
  })

  it('creates with POST structured-data/ (the trailing slash) and saves with PUT', async () => {
    const token = await authorise()
    const { result, requests: sent } = await seen(() => publish(token, 'safe-js create', 'hello 2017'))
    expect(result).toEqual(expect.any(Number))
    expect(sent).toEqual(['POST /0.5/structured-data/ 200', 'PUT /0.5/structured-data/:id 200'])
    expect(await read(token, 'safe-js create')).toBe('hello 2017')
  })

  it('reads as the seed did: data id, handle with metadata, drop, read without a version, drop', async () => {
    const token = await authorise()
    await publish(token, 'safe-js read', '{"payload":{"type":"offer","sdp":"v=0"},"targetId":"r-0.1"}')
    const { handleId: dataIdHandle } = await safe.dataId.getStructuredDataHandle(token, 'safe-js read', 500)
    const handle = await safe.structuredData.getHandle(token, dataIdHandle)
    expect(handle).toEqual({ handleId: expect.any(Number), isOwner: true, version: 0, dataVersionLength: 0 })
    expect(await safe.dataId.dropHandle(token, dataIdHandle)).toMatchObject({ status: 200 })
    const { result, requests: sent } = await seen(() => safe.structuredData.readData(token, handle.handleId))
    expect(sent).toEqual(['GET /0.5/structured-data/:id/undefined 200'])
    expect(JSON.parse((result as Buffer).toString('utf8'))).toEqual({ payload: { type: 'offer', sdp: 'v=0' }, targetId: 'r-0.1' })
    expect(await safe.structuredData.getMetadata(token, handle.handleId)).toEqual({ isOwner: true, version: 0, dataVersionLength: 0 })
    expect(await safe.structuredData.isSizeValid(token, handle.handleId)).toMatchObject({ isValid: true })
    expect(await safe.structuredData.getDataIdHandle(token, handle.handleId)).toEqual({ handleId: expect.any(Number) })
    expect(await safe.structuredData.dropHandle(token, handle.handleId)).toMatchObject({ status: 200 })
    await expect(safe.structuredData.getMetadata(token, handle.handleId)).rejects.toThrow()
  })

  it('updates with PATCH then POST, bumping the version, and deletes', async () => {
    const token = await authorise()
    await publish(token, 'safe-js update', 'v0')
    const { handleId: dataIdHandle } = await safe.dataId.getStructuredDataHandle(token, 'safe-js update', 500)
    const { handleId } = await safe.structuredData.getHandle(token, dataIdHandle)
    expect(await safe.structuredData.updateData(token, handleId, b64('v1'), null)).toMatchObject({ status: 200 })
    expect(await safe.structuredData.post(token, handleId)).toMatchObject({ status: 200 })
    expect(await safe.structuredData.getMetadata(token, handleId)).toMatchObject({ version: 1 })
    expect(await read(token, 'safe-js update')).toBe('v1')
    expect(await safe.structuredData.del(token, handleId)).toMatchObject({ status: 200 })
    const { result, requests: sent } = await seen(() => read(token, 'safe-js update'))
    expect(result).toBeInstanceOf(Error)
    expect(sent).toContain('GET /0.5/structured-data/handle/:id 404')
  })

  it('reads public data without a token', async () => {
    await publish(await authorise(), 'safe-js public', 'for everyone')
    const { handleId: dataIdHandle } = await safe.dataId.getStructuredDataHandle(undefined, 'safe-js public', 500)
    expect(await safe.structuredData.getHandle(undefined, dataIdHandle)).toMatchObject({ isOwner: false, version: 0 })
    expect(await read(undefined, 'safe-js public')).toBe('for everyone')
  })

  it('refuses a second token its update and delete, keeping the data', async () => {
    const [owner, other] = [await authorise(), await authorise()]
    await publish(owner, 'safe-js owned', 'mine')
    const { handleId: dataIdHandle } = await safe.dataId.getStructuredDataHandle(other, 'safe-js owned', 500)
    const { handleId, isOwner } = await safe.structuredData.getHandle(other, dataIdHandle)
    expect(isOwner).toBe(false)
    expect(await safe.structuredData.updateData(other, handleId, b64('stolen'), null)).toMatchObject({ status: 200 })
    const refused = await seen(async () => {
      await safe.structuredData.post(other, handleId).catch(() => 'post refused')
      await safe.structuredData.del(other, handleId).catch(() => 'delete refused')
    })
    expect(refused.requests).toEqual(['POST /0.5/structured-data/:id 400', 'DELETE /0.5/structured-data/:id 400'])
    expect(await read(owner, 'safe-js owned')).toBe('mine')
  })

  it('refuses data above 100 KiB, and writes by a token without LOW_LEVEL_API', async () => {
    const token = await authorise()
    const oversize = await seen(() => safe.structuredData.create(token, 'safe-js big', 500, Buffer.alloc(101 * 1024).toString('base64')))
    expect(oversize.result).toBeInstanceOf(Error)
    expect(oversize.requests).toEqual(['POST /0.5/structured-data/ 400'])
    const reader = await authorise([])
    const denied = await seen(() => safe.structuredData.create(reader, 'safe-js denied', 500, b64('x')))
    expect(denied.result).toBeInstanceOf(Error)
    expect(denied.requests).toEqual(['POST /0.5/structured-data/ 403'])
  })

  it('serialises and deserialises structured-data and data-id handles, and takes PLAIN cipher options', async () => {
    const token = await authorise()
    const handleId = await publish(token, 'safe-js serialise', 'round trip')
    const bytes = await safe.structuredData.serialise(token, handleId)
    const restored = await safe.structuredData.deserialise(token, bytes)
    expect(restored).toEqual({ handleId: expect.any(Number), isOwner: true, version: 0 })
    expect((await safe.structuredData.readData(token, restored.handleId)).toString('utf8')).toBe('round trip')
    const { handleId: dataIdHandle } = await safe.dataId.getStructuredDataHandle(token, 'safe-js serialise', 500)
    const dataIdBytes = await safe.dataId.serialise(token, dataIdHandle)
    const { handleId: again } = await safe.dataId.deserialise(token, dataIdBytes)
    const { handleId: fromAgain } = await safe.structuredData.getHandle(token, again)
    expect((await safe.structuredData.readData(token, fromAgain)).toString('utf8')).toBe('round trip')
    const { handleId: plain } = await safe.cipherOpts.getHandle(token, 'PLAIN')
    expect(await safe.structuredData.create(token, 'safe-js plain', 500, b64('plain'), plain)).toEqual({ handleId: expect.any(Number) })
    expect(await safe.cipherOpts.dropHandle(token, plain)).toMatchObject({ status: 200 })
  })
})
