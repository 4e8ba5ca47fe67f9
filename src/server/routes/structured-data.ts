/**
 * The structured-data endpoints: create a local handle, save it (PUT), read it
 * through a data id, update (PATCH then POST), delete, drop handles, and the
 * helpers (data id, metadata, size check, serialise and deserialise).
 * Only the owner (the token that created the data) may update or delete it.
 *
 * @module
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ServerContext } from '../context.js'
import { SignalingError } from '../../errors.js'
import { LAUNCHER_ROUTES as ROUTES, VERSIONED_TYPE_TAG } from '../../launcher/api.js'
import { LAUNCHER_CODES, launcherError } from '../../launcher/errors.js'
import {
  checkDataSize,
  createBody,
  dataIdBody,
  handleIdParam,
  MAX_STRUCTURED_DATA_BYTES,
  parseRequest,
  parseSerialised,
  recordAddress,
  serialisedStructuredDataBody,
  updateBody,
} from '../requests.js'
import type { Handles, StructuredDataHandle } from '../handles.js'
import { checkCipherOpts, handlesOf, requireWriter, ttlOf } from './shared.js'

type HandleParams = { Params: { handleId: string } }
/** Marks the bytes of a serialised structured-data handle. */
const SERIALISED_PREFIX = 'signalbox-sd-1:'

/** Registers the structured-data endpoints. */
export function registerStructuredDataRoutes(api: FastifyInstance, context: ServerContext): void {
  const { backend } = context
  const structuredData = async (request: FastifyRequest<HandleParams>, table: Handles = handlesOf(request, context)) =>
    table.get(handleIdParam(request.params.handleId), 'structuredData')
  /** Writes back what a save changed in the handle (its version and owner). */
  const saved = (request: FastifyRequest<HandleParams>, table: Handles, handle: StructuredDataHandle) =>
    table.replace(handleIdParam(request.params.handleId), handle)
  const isOwner = (request: FastifyRequest, handle: StructuredDataHandle) =>
    request.session !== null && handle.owner === request.session.owner
  const metadata = (request: FastifyRequest, handle: StructuredDataHandle) => ({
    isOwner: isOwner(request, handle),
    version: handle.version,
    dataVersionLength: handle.typeTag === VERSIONED_TYPE_TAG ? 1 : 0,
  })

  const create = async (request: FastifyRequest) => {
    const session = requireWriter(request)
    const { name, typeTag, cipherOpts, data } = parseRequest(createBody, request.body)
    await checkCipherOpts(cipherOpts, session.handles)
    checkDataSize(data)
    return { handleId: await session.handles.add({ kind: 'structuredData', name, typeTag, data, version: 0, owner: session.owner }) }
  }
  // With the Launcher's trailing slash (as safe-js sends it), and without.
  api.post(`/${ROUTES.structuredData}`, create)
  api.post(`/${ROUTES.structuredData.replace(/\/$/, '')}`, create)

  api.put<HandleParams>(`/${ROUTES.structuredDataItem}`, async (request, reply) => {
    const session = requireWriter(request)
    const handle = await structuredData(request, session.handles)
    const entry = await backend.create(recordAddress(handle.typeTag, handle.name), handle.data, session.owner, ttlOf(request, context))
    await saved(request, session.handles, { ...handle, version: entry.version, owner: session.owner })
    return reply.code(200).send()
  })

  api.get<{ Params: { dataIdHandle: string } }>(`/${ROUTES.structuredDataFromDataId}`, async (request) => {
    const handles = handlesOf(request, context)
    const dataId = await handles.get(handleIdParam(request.params.dataIdHandle), 'dataId')
    const entry = await backend.get(recordAddress(dataId.typeTag, dataId.name))
    if (entry === null) throw launcherError(LAUNCHER_CODES.NO_SUCH_DATA)
    const handle: StructuredDataHandle = {
      kind: 'structuredData',
      name: dataId.name,
      typeTag: dataId.typeTag,
      data: entry.data,
      version: entry.version,
      owner: entry.owner,
    }
    return { handleId: await handles.add(handle), ...metadata(request, handle) }
  })

  api.get<HandleParams>(`/${ROUTES.metadata}`, async (request) => metadata(request, await structuredData(request)))

  api.get<HandleParams>(`/${ROUTES.dataIdOf}`, async (request) => {
    const handle = await structuredData(request)
    return { handleId: await handlesOf(request, context).add({ kind: 'dataId', name: handle.name, typeTag: handle.typeTag }) }
  })

  api.get<HandleParams>(`/${ROUTES.validateSize}`, async (request) => {
    const valid = Buffer.byteLength((await structuredData(request)).data, 'base64') <= MAX_STRUCTURED_DATA_BYTES
    return { isValid: valid, valid }
  })

  api.get<HandleParams>(`/${ROUTES.serialise}`, async (request, reply) => {
    const { name, typeTag, data, version } = await structuredData(request)
    const bytes = Buffer.from(SERIALISED_PREFIX + JSON.stringify({ name, typeTag, data, version }))
    return reply.type('application/octet-stream').send(bytes)
  })

  api.post(`/${ROUTES.deserialise}`, async (request) => {
    const handle = deserialise(request.body)
    const entry = await backend.get(recordAddress(handle.typeTag, handle.name))
    handle.owner = entry?.owner ?? null
    return { handleId: await handlesOf(request, context).add(handle), isOwner: isOwner(request, handle), version: handle.version }
  })

  api.get<{ Params: { handleId: string; version?: string } }>(`/${ROUTES.structuredDataRead}`, async (request, reply) => {
    const handle = await structuredData(request)
    return reply.type('application/octet-stream').send(Buffer.from(handle.data, 'base64'))
  })

  api.patch<HandleParams>(`/${ROUTES.structuredDataItem}`, async (request, reply) => {
    const session = requireWriter(request)
    const handle = await structuredData(request, session.handles)
    const body = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : request.body
    const { data, cipherOpts } = parseRequest(updateBody, body)
    await checkCipherOpts(cipherOpts, session.handles)
    checkDataSize(data)
    await session.handles.replace(handleIdParam(request.params.handleId), { ...handle, data })
    return reply.code(200).send()
  })

  api.post<HandleParams>(`/${ROUTES.structuredDataItem}`, async (request, reply) => {
    const session = requireWriter(request)
    const handle = await structuredData(request, session.handles)
    const entry = await backend.update(recordAddress(handle.typeTag, handle.name), handle.data, session.owner, ttlOf(request, context))
    await saved(request, session.handles, { ...handle, version: entry.version })
    return reply.code(200).send()
  })

  api.delete<HandleParams>(`/${ROUTES.dropStructuredData}`, async (request, reply) => {
    await handlesOf(request, context).drop(handleIdParam(request.params.handleId), 'structuredData')
    return reply.code(200).send()
  })

  api.delete<HandleParams>(`/${ROUTES.structuredDataItem}`, async (request, reply) => {
    const session = requireWriter(request)
    const handle = await structuredData(request, session.handles)
    const address = recordAddress(handle.typeTag, handle.name)
    if ((await backend.get(address)) === null) throw launcherError(LAUNCHER_CODES.MUTATION_NO_SUCH_DATA)
    await backend.remove(address, session.owner)
    return reply.code(200).send()
  })
}

/**
 * OUR EXTENSION, not in the Launcher (docs/server.md, "One-request writes"):
 * `POST structured-data/create-and-save` creates and saves in one request what
 * `POST structured-data` + `PUT structured-data/:handleId` do in two, and a
 * create that loses (DataExists) answers `{ created: false, data }` with the
 * record that won, so the loser of a race needs no read;
 * `POST structured-data/update-and-save` replaces the owner's data in one
 * request instead of a data id, a handle, `PATCH` and `POST`;
 * `POST structured-data/remove-by-name` removes the owner's record in one
 * request instead of a data id, a handle, `DELETE` and two drops. No handle is
 * taken. A real Launcher answers neither; clients fall back to its routes.
 */
export function registerOneRequestWrites(api: FastifyInstance, context: ServerContext): void {
  const { backend } = context
  const parse = async (request: FastifyRequest) => {
    const session = requireWriter(request)
    const { name, typeTag, cipherOpts, data } = parseRequest(createBody, request.body)
    await checkCipherOpts(cipherOpts, session.handles)
    checkDataSize(data)
    return { session, address: recordAddress(typeTag, name), data }
  }
  api.post(`/${ROUTES.createAndSave}`, async (request) => {
    const { session, address, data } = await parse(request)
    try {
      await backend.create(address, data, session.owner, ttlOf(request, context))
      return { created: true }
    } catch (error) {
      if (!(error instanceof SignalingError && error.code === 'ERR_EXISTS')) throw error
      const winner = await backend.get(address)
      // Gone again in between: the client reads the room as before.
      return winner === null ? { created: false } : { created: false, data: winner.data }
    }
  })
  api.post(`/${ROUTES.updateAndSave}`, async (request) => {
    const { session, address, data } = await parse(request)
    await backend.update(address, data, session.owner, ttlOf(request, context))
    return { updated: true }
  })
  // Removes the owner's record by name, without a data id and a handle first; absent is fine, as the store contract has it.
  api.post(`/${ROUTES.removeByName}`, async (request) => {
    const session = requireWriter(request)
    const { name, typeTag } = parseRequest(dataIdBody, request.body)
    const address = recordAddress(typeTag, name)
    if ((await backend.get(address)) === null) return { removed: false }
    await backend.remove(address, session.owner)
    return { removed: true }
  })
}

/** A structured-data handle from the bytes `serialise` gave, checked as a create is (name, type tag, data size); -2 for bytes that are not one. */
function deserialise(body: unknown): StructuredDataHandle {
  const { name, typeTag, data, version } = parseSerialised(serialisedStructuredDataBody, SERIALISED_PREFIX, body)
  checkDataSize(data)
  return { kind: 'structuredData', name, typeTag, data, version, owner: null }
}
