/**
 * The embedded SAFE-Launcher-compatible server (`signalbox serve`): the
 * Launcher's REST API version 0.5 under `/0.5/`, on Fastify, with records in a
 * record backend (memory by default, Redis on demand: see context.ts), within
 * the limits of limits.ts (docs/security.md).
 *
 * @module
 */
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import websocket from '@fastify/websocket'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { Subject } from 'rxjs'
import { API_PREFIX, AUTH_KEY_HEADER, bearerToken, TTL_HEADER } from '../launcher/api.js'
import { SOCKET_FRAME_OVERHEAD_BYTES, SOCKET_IDLE_MS } from '../launcher/socket.js'
import { checkCount, checkMs } from '../validate.js'
import type { BudgetedTable } from './budgeted-table.js'
import { limitConnections } from './connections.js'
import type { Redis } from 'ioredis'
import { realClock } from '../time/clock.js'
import { checkBackendOptions, contextLimits, openBackend, openRedisSessions, sessionOptions, type ServerContext, type ServerOptions } from './context.js'
import { clientError, pathOf, registerErrorHandlers, routerError } from './errors.js'
import { registerHealthRoute } from './health.js'
import { BODY_LIMIT_BYTES, MAX_TOKENS, RATE_LIMIT_PER_SECOND } from './limits.js'
import { connectionLimits, listenerOptions } from './listener.js'
import { registerAuthRoutes } from './routes/auth.js'
import { registerDataIdRoutes } from './routes/data-id.js'
import { registerReadRoute } from './routes/read.js'
import { registerOneRequestWrites, registerStructuredDataRoutes } from './routes/structured-data.js'
import { registerWatchRoute } from './routes/watch.js'
import { isPromise, type Session, type SessionStore } from './session-store.js'
import { SessionRegistry } from './sessions.js'
import { registerSocketRoute } from './socket.js'
import { registerWebRoutes } from './web.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The session of the request's bearer token; null without one. */
    session: Session | null
  }
}

/** The prefix of the rate limiter's counters in Redis. */
const RATE_LIMIT_REDIS_PREFIX = 'signalbox:rate:'

/**
 * Builds the server (not yet listening): `await app.listen({ host, port })`.
 * The record backend is opened while the app gets ready. With `redisUrl`, the
 * Redis client is loaded then (and only then), and records, tokens, handles
 * and rate limits all live in Redis: any instance answers any request.
 */
export function createServerApp(options: ServerOptions = {}): FastifyInstance {
  checkBackendOptions(options)
  const { budget, limits: sessionLimits } = sessionOptions(options)
  // In memory, made now and answering at once; in Redis, opened while the app gets ready (below).
  let sessions: SessionStore | undefined = options.redisUrl === undefined ? new SessionRegistry(budget, options.clock ?? realClock, sessionLimits) : undefined
  let redis: Redis | undefined
  const sessionsNow = (): SessionStore => sessions!
  const closing = new Subject<void>()
  const limits = contextLimits(options)
  let context: (ServerContext & { backend: BudgetedTable }) | undefined
  const socketIdleMs = checkMs('socketIdleMs', options.socketIdleMs ?? SOCKET_IDLE_MS)
  const bodyLimit = checkCount('bodyLimit', options.bodyLimit ?? BODY_LIMIT_BYTES, 1024, 64 * 1024 * 1024)
  const app = Fastify({
    logger: false,
    bodyLimit,
    forceCloseConnections: true,
    frameworkErrors: routerError,
    clientErrorHandler: clientError,
    ...listenerOptions(options),
  })
  const connections = limitConnections(app.server, connectionLimits(options))

  app.decorateRequest('session', null)
  // Raw bytes for every body that is not JSON, with or without a Content-Type (safe-js sends deserialise's bytes without one).
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
  void app.register(cors, {
    origin: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', TTL_HEADER, AUTH_KEY_HEADER],
    maxAge: 600,
    // An OPTIONS request that is not a preflight goes on to the routes, whose answers keep the error shape.
    strictPreflight: false,
  })

  const redisUrl = options.redisUrl
  if (redisUrl !== undefined) {
    void app.register(async () => {
      const store = await openRedisSessions(redisUrl, sessionLimits)
      sessions = store
      redis = store.redis
    })
  }

  const perSecond = checkCount('rateLimitPerSecond', options.rateLimitPerSecond ?? RATE_LIMIT_PER_SECOND, 0, 1e7)
  if (perSecond > 0) {
    // Options as a function: read when the plugin loads, after the Redis client above (then the counters are shared in Redis).
    void app.register(rateLimit, () => ({
      max: perSecond,
      timeWindow: 1000,
      ...(redis === undefined
        ? { cache: sessionLimits.maxTokens ?? MAX_TOKENS }
        : // Redis down: the request goes on, and fails with 503 at its session or record.
          { redis, nameSpace: RATE_LIMIT_REDIS_PREFIX, skipOnError: true }),
      // request.ip is the client behind a trusted proxy (trustProxy), the socket's address otherwise.
      keyGenerator: (request) => bearerToken(request.headers.authorization) ?? request.ip,
      errorResponseBuilder: (_request, limit) => ({
        statusCode: 429,
        errorCode: 429,
        description: `Too many requests: at most ${limit.max} a second per token (or per address without one); retry in ${Math.ceil(limit.ttl / 1000)} s`,
      }),
    }))
  }

  // A request with a token must carry a valid one: an unknown, revoked or idle-expired token gets a bare 401, as from the Launcher.
  // (Callback style: on the hot path of every request, it spares a promise where the sessions answer at once, in memory.)
  app.addHook('onRequest', (request, reply, done) => {
    const header = request.headers.authorization
    if (header === undefined) return done()
    const token = bearerToken(header)
    const found = token === undefined ? undefined : sessionsNow().find(token)
    if (isPromise(found)) found.then((session) => admit(request, reply, done, session), done)
    else admit(request, reply, done, found)
  })

  const log = options.log
  if (log !== undefined) {
    // The path only: a query string may carry what is nobody's business (a page's ?secret=, a record's name).
    app.addHook('onResponse', async (request, reply) => {
      log(`${new Date().toISOString()} ${request.method} ${pathOf(request.url)} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`)
    })
  }

  app.addHook('preClose', async () => {
    closing.next()
    closing.complete()
  })
  app.addHook('onClose', async () => {
    await sessions?.close()
    // A backend the server made (Redis) closes with it; one passed in belongs to the caller.
    if (options.backend === undefined) await context?.backend.close()
    else context?.backend.release()
  })

  registerErrorHandlers(app, log)
  if (options.webRoot !== undefined) registerWebRoutes(app, options.webRoot)

  void app.register(async (root) => {
    const backend = await openBackend(options, budget, sessionsNow())
    const ready = { backend, sessions: sessionsNow(), budget, closing, ...limits }
    context = ready
    registerHealthRoute(root, { context: () => ready, connections, startedAt: Date.now() })
    await root.register(
      async (api) => {
        registerAuthRoutes(api, ready)
        registerDataIdRoutes(api, ready)
        registerStructuredDataRoutes(api, ready)
        if (options.extensions !== false) {
          registerWatchRoute(api, ready)
          registerReadRoute(api, ready)
          registerOneRequestWrites(api, ready)
          // Our socket extension (server/socket.ts), in its own scope: the WebSocket plugin's hooks run on its route only.
          await api.register(async (scope) => {
            // A frame holds at most one request body.
            await scope.register(websocket, { options: { maxPayload: bodyLimit + SOCKET_FRAME_OVERHEAD_BYTES } })
            registerSocketRoute(scope, { inject: (request) => app.inject(request), idleMs: socketIdleMs })
          })
        }
      },
      { prefix: API_PREFIX },
    )
  })
  return app
}

/** Lets a request with a valid token on (its session on the request), or answers a bare 401 as the Launcher did. */
function admit(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void, session: Session | undefined): void {
  if (session === undefined) {
    void reply.code(401).send()
    return
  }
  request.session = session
  done()
}
