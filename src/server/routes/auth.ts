/**
 * `POST auth`, `GET auth`, `DELETE auth`: tokens. Every app is granted what it
 * asks for at once (there is no user to confirm, unlike the Launcher's dialog),
 * when it sends the server's key if the server has one (`serve --auth-key`),
 * within the token limits of sessions.ts.
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ServerContext } from '../context.js'
import { unauthorised, wrongAuthKey } from '../../launcher/errors.js'
import { authBody, parseRequest } from '../requests.js'
import { AUTH_KEY_HEADER, LAUNCHER_ROUTES } from '../../launcher/api.js'

/** Registers the auth endpoints. */
export function registerAuthRoutes(api: FastifyInstance, context: ServerContext): void {
  const key = context.authKey === undefined ? undefined : digest(context.authKey)
  api.post(`/${LAUNCHER_ROUTES.auth}`, async (request) => {
    if (key !== undefined && !hasKey(request, key)) throw wrongAuthKey()
    const { app, permissions } = parseRequest(authBody, request.body)
    const session = await context.sessions.open(app, permissions, await context.backend.newOwner(), request.ip)
    return { token: session.token, permissions: session.permissions }
  })

  api.get(`/${LAUNCHER_ROUTES.auth}`, async (request, reply) => {
    if (request.session === null) throw unauthorised()
    return reply.code(200).send()
  })

  api.delete(`/${LAUNCHER_ROUTES.auth}`, async (request, reply) => {
    if (request.session === null) throw unauthorised()
    await context.sessions.revoke(request.session.token)
    return reply.code(200).send()
  })
}

/** Whether the request carries the server's key (compared in constant time, as digests of equal length). */
function hasKey(request: FastifyRequest, key: Buffer): boolean {
  const sent = request.headers[AUTH_KEY_HEADER]
  return typeof sent === 'string' && timingSafeEqual(digest(sent), key)
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}
