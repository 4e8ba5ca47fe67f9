/**
 * `POST data-id/structured-data`, `DELETE data-id/:handleId`, and the cipher
 * options a client may ask for before creating structured data.
 *
 * @module
 */
import type { FastifyInstance } from 'fastify'
import type { ServerContext } from '../context.js'
import { LAUNCHER_ROUTES } from '../../launcher/api.js'
import { badRequest } from '../../launcher/errors.js'
import { dataIdBody, handleIdParam, parseRequest, parseSerialised, serialisedDataIdBody } from '../requests.js'
import type { DataIdHandle } from '../sessions.js'
import { handlesOf, unsupportedEncryption } from './shared.js'

type HandleParams = { Params: { handleId: string } }
/** Marks the bytes of a serialised data-id handle. */
const SERIALISED_PREFIX = 'signalbox-id-1:'

/** Registers the data-id and cipher-opts endpoints. */
export function registerDataIdRoutes(api: FastifyInstance, context: ServerContext): void {
  api.post(`/${LAUNCHER_ROUTES.dataId}`, async (request) => {
    const { name, typeTag } = parseRequest(dataIdBody, request.body)
    return { handleId: await handlesOf(request, context).add({ kind: 'dataId', name, typeTag }) }
  })

  api.delete<HandleParams>(`/${LAUNCHER_ROUTES.dataIdHandle}`, async (request, reply) => {
    await handlesOf(request, context).drop(handleIdParam(request.params.handleId), 'dataId')
    return reply.code(200).send()
  })

  api.get<HandleParams>(`/${LAUNCHER_ROUTES.dataIdHandle}`, async (request, reply) => {
    const { name, typeTag } = await handlesOf(request, context).get(handleIdParam(request.params.handleId), 'dataId')
    return reply.type('application/octet-stream').send(Buffer.from(SERIALISED_PREFIX + JSON.stringify({ name, typeTag })))
  })

  api.post(`/${LAUNCHER_ROUTES.dataIdDeserialise}`, async (request) => ({ handleId: await handlesOf(request, context).add(deserialise(request.body)) }))

  api.get<{ Params: { encType: string; keyHandle?: string } }>(`/${LAUNCHER_ROUTES.cipherOpts}`, async (request) => {
    const encryption = request.params.encType.toUpperCase()
    if (encryption === 'SYMMETRIC' || encryption === 'ANONYMOUS') throw unsupportedEncryption(encryption)
    if (encryption !== 'PLAIN') throw badRequest('Invalid encryption type: use PLAIN')
    return { handleId: await handlesOf(request, context).add({ kind: 'cipherOpts', encryption: 'PLAIN' }) }
  })

  api.delete<HandleParams>(`/${LAUNCHER_ROUTES.cipherOptsHandle}`, async (request, reply) => {
    await handlesOf(request, context).drop(handleIdParam(request.params.handleId), 'cipherOpts')
    return reply.code(200).send()
  })
}

/** A data-id handle from the bytes `GET data-id/:handleId` gave, checked as a new one is; -2 for bytes that are not one. */
function deserialise(body: unknown): DataIdHandle {
  const { name, typeTag } = parseSerialised(serialisedDataIdBody, SERIALISED_PREFIX, body)
  return { kind: 'dataId', name, typeTag }
}
