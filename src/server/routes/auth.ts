/**
 * `POST auth`, `GET auth`, `DELETE auth`: tokens. Every app is granted what it
 * asks for at once (there is no user to confirm, unlike the Launcher's dialog).
 *
 * @module
 */
import type { FastifyInstance } from 'fastify'
import type { ServerContext } from '../context.js'
import { unauthorised } from '../../launcher/errors.js'
import { authBody, parseRequest } from '../requests.js'
import { LAUNCHER_ROUTES } from '../../launcher/api.js'

/** Registers the auth endpoints. */
export function registerAuthRoutes(api: FastifyInstance, context: ServerContext): void {
  api.post(`/${LAUNCHER_ROUTES.auth}`, async (request) => {
    const { app, permissions } = parseRequest(authBody, request.body)
    const session = context.sessions.open(app, permissions, await context.backend.newOwner())
    return { token: session.token, permissions: session.permissions }
  })

  api.get(`/${LAUNCHER_ROUTES.auth}`, async (request, reply) => {
    if (request.session === null) throw unauthorised()
    return reply.code(200).send()
  })

  api.delete(`/${LAUNCHER_ROUTES.auth}`, async (request, reply) => {
    if (request.session === null) throw unauthorised()
    context.sessions.revoke(request.session.token)
    return reply.code(200).send()
  })
}
