/**
 * Issue 15, items 1 and 6: one client cannot take the server down by memory.
 * The memory attack at reduced scale (budget 3 MiB, many tokens from one
 * address, max-size unsaved handles and records): the server refuses with
 * NetworkFull (-27) once its budget is full, never evicts a live token's
 * records, keeps the records of revoked tokens (counted) until their ttl, and
 * answers /health throughout. And `deserialise` is checked like every write.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_STRUCTURED_DATA_BYTES, startServer, type RunningServer } from '../../src/server/index.js'
import { call, health, nameOf, token } from './attack-client.js'

const MIB = 1024 * 1024
const MAX_DATA = Buffer.alloc(MAX_STRUCTURED_DATA_BYTES, 7).toString('base64')

let server: RunningServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Creates an unsaved max-size handle; the answer. */
function createHandle(url: string, auth: string, name: string) {
  return call(url, 'structured-data', { method: 'POST', token: auth, body: { name: nameOf(name), typeTag: 500, data: MAX_DATA } })
}

describe('the memory budget', () => {
  it('refuses with NetworkFull when full, keeps live records, and /health answers throughout the memory attack', async () => {
    const budget = 3 * MIB
    server = await startServer({ port: 0, rateLimitPerSecond: 0, memoryBudgetBytes: budget, maxTokensPerAddress: 1_000, newTokensPerAddressPerMinute: 1_000, recordBytesPerAddress: 64 * MIB })
    const { url } = server
    const statuses = new Map<string, number>()
    const refusals: string[] = []
    let firstRecord: { token: string; name: string } | undefined
    for (let round = 0; round < 12; round++) {
      const auth = await token(url)
      for (let item = 0; item < 6; item++) {
        const name = `r${round}-${item}`
        const created = await createHandle(url, auth, name)
        statuses.set(String(created.status), (statuses.get(String(created.status)) ?? 0) + 1)
        if (created.status !== 200) {
          refusals.push(created.text)
          continue
        }
        const saved = await call(url, `structured-data/${created.json<{ handleId: number }>().handleId}`, { method: 'PUT', token: auth })
        if (saved.status !== 200) refusals.push(saved.text)
        else firstRecord ??= { token: auth, name }
      }
      const answer = await health(url)
      expect(answer.status).toBe(200)
      expect(answer.json<{ memory: { usedBytes: number } }>().memory.usedBytes).toBeLessThanOrEqual(budget)
    }
    expect([...statuses.keys()].every((status) => Number(status) < 500)).toBe(true)
    expect(refusals.length).toBeGreaterThan(0)
    for (const text of refusals) expect(JSON.parse(text)).toMatchObject({ errorCode: -27, description: expect.stringContaining('budget of 3 MiB') })
    // The first record saved is still there: nothing a live token holds is evicted.
    const read = await call(url, `structured-data/read?name=${encodeURIComponent(nameOf(firstRecord!.name))}&typeTag=500`)
    expect(read.status).toBe(200)
  }, 60_000)

  it("limits one token's records to its share, and keeps the records of a revoked token (counted) until their ttl", async () => {
    server = await startServer({ port: 0, rateLimitPerSecond: 0, recordBytesPerToken: 300 * 1024 })
    const { url } = server
    const auth = await token(url)
    const answers = []
    for (let item = 0; item < 3; item++) {
      const created = await createHandle(url, auth, `share-${item}`)
      answers.push(await call(url, `structured-data/${created.json<{ handleId: number }>().handleId}`, { method: 'PUT', token: auth }))
    }
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 400])
    expect(answers[2]!.json()).toMatchObject({ errorCode: -27, description: expect.stringContaining("this token's share") })
    await call(url, 'auth', { method: 'DELETE', token: auth })
    const after = (await health(url)).json<{ tokens: number; records: number; memory: { recordBytes: number } }>()
    expect(after).toMatchObject({ tokens: 0, records: 2 })
    expect(after.memory.recordBytes).toBeGreaterThan(2 * MAX_STRUCTURED_DATA_BYTES)
  })
})

describe('deserialise', () => {
  it('checks a forged handle as a write: name, type tag and data size', async () => {
    server = await startServer({ port: 0, rateLimitPerSecond: 0 })
    const { url } = server
    const auth = await token(url)
    const forge = (fields: Record<string, unknown>) =>
      call(url, 'structured-data/deserialise', {
        method: 'POST',
        token: auth,
        headers: { 'content-type': 'application/octet-stream' },
        body: Buffer.from('signalbox-sd-1:' + JSON.stringify({ name: nameOf('ok'), typeTag: 500, data: 'AA==', version: 0, ...fields })),
      })
    expect((await forge({})).status).toBe(200)
    expect((await forge({ name: '../x\u0000' })).json()).toMatchObject({ errorCode: 400, description: 'Invalid id specified' })
    expect((await forge({ typeTag: -7.5 })).json()).toMatchObject({ errorCode: 400, description: 'Invalid tag type specified' })
    expect((await forge({ data: Buffer.alloc(180_000).toString('base64') })).json()).toMatchObject({ errorCode: -1 })
    expect((await forge({ version: -1 })).json()).toMatchObject({ errorCode: 400 })
    const dataId = await call(url, 'data-id/', {
      method: 'POST',
      token: auth,
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from('signalbox-id-1:' + JSON.stringify({ name: '../x', typeTag: 500 })),
    })
    expect(dataId.json()).toMatchObject({ errorCode: 400, description: 'Invalid id specified' })
  })

  it('names a missing typeTag or data (not the name)', async () => {
    server = await startServer({ port: 0, rateLimitPerSecond: 0 })
    const { url } = server
    const auth = await token(url)
    const create = (body: unknown) => call(url, 'structured-data', { method: 'POST', token: auth, body })
    expect((await create({ name: nameOf('x'), data: 'AA==' })).json()).toMatchObject({ description: 'typeTag is missing in request body' })
    expect((await create({ name: nameOf('x'), typeTag: 500 })).json()).toMatchObject({ description: 'data is missing in request body' })
    expect((await create({ typeTag: 500, data: 'AA==' })).json()).toMatchObject({ description: 'name is missing in request body' })
  })
})
