/**
 * The embedded SAFE-Launcher-compatible server (`signalbox serve`): the
 * Launcher's REST API version 0.5 under `/0.5/`, on Fastify, with records in a
 * record backend (memory by default, Redis on demand: see context.ts).
 *
 * @module
 */
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import Fastify, { type FastifyInstance } from 'fastify'
import { Subject } from 'rxjs'
import { API_PREFIX, bearerToken, TTL_HEADER } from '../launcher/api.js'
import type { SharedTable } from '../stores/table.js'
import { checkCount } from '../validate.js'
import { checkBackendOptions, contextLimits, createSessions, openBackend, type ServerContext, type ServerOptions } from './context.js'
import { clientError, registerErrorHandlers, routerError } from './errors.js'
import { BODY_LIMIT_BYTES, RATE_LIMIT_PER_SECOND } from './limits.js'
import { registerAuthRoutes } from './routes/auth.js'
import { registerDataIdRoutes } from './routes/data-id.js'
import { registerReadRoute } from './routes/read.js'
import { registerOneRequestWrites, registerStructuredDataRoutes } from './routes/structured-data.js'
import { registerWatchRoute } from './routes/watch.js'
import type { Session } from './sessions.js'
import { registerWebRoutes } from './web.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The session of the request's bearer token; null without one. */
    session: Session | null
  }
}

/**
 * Builds the server (not yet listening): `await app.listen({ host, port })`.
 * The record backend is opened while the app gets ready (Redis is loaded then,
 * and only when `redisUrl` is given).
 */
export function createServerApp(options: ServerOptions = {}): FastifyInstance {
  checkBackendOptions(options)
  const sessions = createSessions(options)
  const closing = new Subject<void>()
  const limits = contextLimits(options)
  let backend: SharedTable | undefined
  const startedAt = Date.now()
  const app = Fastify({
    logger: false,
    bodyLimit: checkCount('bodyLimit', options.bodyLimit ?? BODY_LIMIT_BYTES, 1024, 64 * 1024 * 1024),
    forceCloseConnections: true,
    frameworkErrors: routerError,
    clientErrorHandler: clientError,
  })

  app.decorateRequest('session', null)
  // Raw bytes for every body that is not JSON, with or without a Content-Type (safe-js sends deserialise's bytes without one).
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
  void app.register(cors, {
    origin: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', TTL_HEADER],
    maxAge: 600,
    // An OPTIONS request that is not a preflight goes on to the routes, whose answers keep the error shape.
    strictPreflight: false,
  })

  const perSecond = checkCount('rateLimitPerSecond', options.rateLimitPerSecond ?? RATE_LIMIT_PER_SECOND, 0, 1e7)
  if (perSecond > 0) {
    void app.register(rateLimit, {
      max: perSecond,
      timeWindow: 1000,
      cache: sessions.maxTokensHint,
      keyGenerator: (request) => bearerToken(request.headers.authorization) ?? request.ip,
      errorResponseBuilder: (_request, limit) => ({
        statusCode: 429,
        errorCode: 429,
        description: `Too many requests: at most ${limit.max} a second per token (or per address without one); retry in ${Math.ceil(limit.ttl / 1000)} s`,
      }),
    })
  }

  // A request with a token must carry a valid one: an unknown or revoked token gets a bare 401, as from the Launcher.
  // (Callback style: on the hot path of every request, it spares a promise.)
  app.addHook('onRequest', (request, reply, done) => {
    const header = request.headers.authorization
    if (header === undefined) return done()
    const token = bearerToken(header)
    const session = token === undefined ? undefined : sessions.find(token)
    if (session === undefined) {
      void reply.code(401).send()
      return
    }
    request.session = session
    done()
  })

  const log = options.log
  if (log !== undefined) {
    app.addHook('onResponse', async (request, reply) => {
      log(`${new Date().toISOString()} ${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`)
    })
  }

  app.addHook('preClose', async () => {
    closing.next()
    closing.complete()
  })
  // A backend the server made (Redis) closes with it; one passed in belongs to the caller.
  if (options.backend === undefined) app.addHook('onClose', async () => backend?.close?.())

  registerErrorHandlers(app, log)
  if (options.webRoot !== undefined) registerWebRoutes(app, options.webRoot)

  void app.register(async (root) => {
    backend = await openBackend(options)
    const context: ServerContext = { backend, sessions, closing, ...limits }
    root.get('/health', async () => ({
      status: 'ok',
      uptimeMs: Date.now() - startedAt,
      tokens: sessions.size,
      handles: sessions.openHandles,
      ...(context.backend.count === undefined ? {} : { records: await context.backend.count() }),
    }))
    await root.register(
      async (api) => {
        registerAuthRoutes(api, context)
        registerDataIdRoutes(api, context)
        registerStructuredDataRoutes(api, context)
        if (options.extensions !== false) {
          registerWatchRoute(api, context)
          registerReadRoute(api, context)
          registerOneRequestWrites(api, context)
        }
      },
      { prefix: API_PREFIX },
    )
  })
  return app
}
