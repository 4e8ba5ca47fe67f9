/**
 * Our one-request read extension (not in the Launcher):
 * `GET structured-data/read?name=<base64>&typeTag=500` answers the data's
 * bytes, as `GET structured-data/:handleId` does, without taking and dropping
 * a data-id and a structured-data handle first (3 requests become 1; a poll
 * costs one request).
 *
 * @module
 */
import type { FastifyInstance } from 'fastify'
import type { ServerContext } from '../context.js'
import { LAUNCHER_ROUTES } from '../../launcher/api.js'
import { LAUNCHER_CODES, launcherError } from '../../launcher/errors.js'
import { dataIdBody, parseRequest, recordAddress } from '../requests.js'

/** Registers the one-request read. */
export function registerReadRoute(api: FastifyInstance, context: ServerContext): void {
  api.get<{ Querystring: Record<string, string> }>(`/${LAUNCHER_ROUTES.read}`, async (request, reply) => {
    const { name, typeTag } = parseRequest(dataIdBody, request.query)
    const entry = await context.backend.get(recordAddress(typeTag, name))
    if (entry === null) throw launcherError(LAUNCHER_CODES.NO_SUCH_DATA)
    return reply.type('application/octet-stream').send(Buffer.from(entry.data, 'base64'))
  })
}
