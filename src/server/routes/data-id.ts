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
import { dataIdBody, handleIdParam, parseRequest } from '../requests.js'
import { handlesOf, unsupportedEncryption } from './shared.js'

type HandleParams = { Params: { handleId: string } }

/** Registers the data-id and cipher-opts endpoints. */
export function registerDataIdRoutes(api: FastifyInstance, context: ServerContext): void {
  api.post(`/${LAUNCHER_ROUTES.dataId}`, async (request) => {
    const { name, typeTag } = parseRequest(dataIdBody, request.body)
    return { handleId: handlesOf(request, context).add({ kind: 'dataId', name, typeTag }) }
  })

  api.delete<HandleParams>(`/${LAUNCHER_ROUTES.dataIdHandle}`, async (request, reply) => {
    handlesOf(request, context).drop(handleIdParam(request.params.handleId), 'dataId')
    return reply.code(200).send()
  })

  api.get<{ Params: { encType: string; keyHandle?: string } }>(`/${LAUNCHER_ROUTES.cipherOpts}`, async (request) => {
    const encryption = request.params.encType.toUpperCase()
    if (encryption === 'SYMMETRIC' || encryption === 'ANONYMOUS') throw unsupportedEncryption(encryption)
    if (encryption !== 'PLAIN') throw badRequest('Invalid encryption type: use PLAIN')
    return { handleId: handlesOf(request, context).add({ kind: 'cipherOpts', encryption: 'PLAIN' }) }
  })

  api.delete<HandleParams>(`/${LAUNCHER_ROUTES.cipherOptsHandle}`, async (request, reply) => {
    handlesOf(request, context).drop(handleIdParam(request.params.handleId), 'cipherOpts')
    return reply.code(200).send()
  })
}
