/**
 * What the route handlers share: who may write, whose handles a request uses,
 * the record lifetime a client asks for, and cipher options.
 *
 * @module
 */
import type { FastifyRequest } from 'fastify'
import * as v from 'valibot'
import { LOW_LEVEL_API, TTL_HEADER } from '../../launcher/api.js'
import { LAUNCHER_CODES, launcherError, lowLevelApiNotGranted, unauthorised } from '../../launcher/errors.js'
import type { ServerContext } from '../context.js'
import { cipherOptsSchema, parseRequest, ttlSchema } from '../requests.js'
import type { Handles } from '../handles.js'
import type { Session } from '../session-store.js'

/** The session of a write: 401 without a token, 403 without `LOW_LEVEL_API`. */
export function requireWriter(request: FastifyRequest): Session {
  const session = request.session
  if (session === null) throw unauthorised()
  if (!session.permissions.includes(LOW_LEVEL_API)) throw lowLevelApiNotGranted()
  return session
}

/** The handles a request works with: its token's, or the shared table of requests without one. */
export function handlesOf(request: FastifyRequest, context: ServerContext): Handles {
  return request.session?.handles ?? context.sessions.anonymous
}

/** The record lifetime for a save: the client's `X-Signalbox-Ttl-Ms`, or the server's default. */
export function ttlOf(request: FastifyRequest, context: ServerContext): number {
  const header = request.headers[TTL_HEADER]
  if (header === undefined) return context.recordTtlMs
  return parseRequest(ttlSchema(context.maxRecordTtlMs), header)
}

/** Accepts no cipher options (plain) or a plain cipher-opts handle of this session; -1517 otherwise. */
export async function checkCipherOpts(value: unknown, handles: Handles): Promise<void> {
  const id = v.parse(cipherOptsSchema, value)
  if (id !== undefined) await handles.get(id, 'cipherOpts')
}

/** The reply to a request for an encryption signalbox does not offer. */
export function unsupportedEncryption(encryption: string): Error {
  return launcherError(
    LAUNCHER_CODES.UNSUPPORTED_OPERATION,
    `${LAUNCHER_CODES.UNSUPPORTED_OPERATION.description}: signalbox serve offers PLAIN cipher options only, not ${encryption}; encrypt end to end with a room secret instead`,
  )
}
