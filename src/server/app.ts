/**
 * The embedded SAFE-Launcher-compatible server (`signalbox serve`): the
 * Launcher's REST API version 0.5 under `/0.5/`, on Fastify, with records in a
 * {@link RecordBackend} (memory by default).
 *
 * @module
 */
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import { Subject } from 'rxjs'
import { realClock, type SignalingClock } from '../time/clock.js'
import { MAX_MEMORY_RECORDS, MemoryRecords } from '../stores/memory.js'
import { RedisRecords } from '../stores/redis.js'
import type { RecordBackend } from '../stores/records.js'
import { DEFAULT_RECORD_TTL_MS, MAX_RECORD_TTL_MS } from '../stores/store.js'
import { checkCount, checkMs } from '../validate.js'
import { LauncherError, toLauncherError } from '../launcher/errors.js'
import { registerAuthRoutes } from './routes/auth.js'
import { registerDataIdRoutes } from './routes/data-id.js'
import { registerReadRoute } from './routes/read.js'
import { registerStructuredDataRoutes } from './routes/structured-data.js'
import { registerWatchRoute, MAX_WATCHES_PER_TOKEN } from './routes/watch.js'
import { SessionRegistry, type Session, type SessionLimits } from './sessions.js'
import { registerWebRoutes } from './web.js'

/** The API version prefix the seed app's clients use. */
export const API_PREFIX = '/0.5'
/** Largest request body, in bytes: room for 100 KiB of data as base64 in JSON. */
export const BODY_LIMIT_BYTES = 256 * 1024

declare module 'fastify' {
  interface FastifyRequest {
    /** The session of the request's bearer token; null without one. */
    session: Session | null
  }
}

/** Options of {@link createServerApp}; all optional. */
export interface ServerOptions extends SessionLimits {
  /** Where records live. Default: Redis at `redisUrl` if given, else a new {@link MemoryRecords} on `clock`. */
  backend?: RecordBackend
  /** Keep records in Redis (`redis://host:port`), shared with other instances using the same Redis. */
  redisUrl?: string
  /** Times record expiry (with the default backend). Default: the wall clock. */
  clock?: SignalingClock
  /** Lifetime of a record nobody removed, in ms, when the client names none. Default 10 minutes. */
  recordTtlMs?: number
  /** Longest lifetime a client may ask for with `X-Signalbox-Ttl-Ms`. Default one day. */
  maxRecordTtlMs?: number
  /** Most push reads one token may hold open. Default {@link MAX_WATCHES_PER_TOKEN}. */
  maxWatchesPerToken?: number
  /** Largest request body in bytes. Default {@link BODY_LIMIT_BYTES}. */
  bodyLimit?: number
  /** Serve the browser page from this directory at `/` (see `findWebRoot`); no page by default. */
  webRoot?: string
  /** Receives one line per request; none by default (quiet). */
  log?: (line: string) => void
  /** Offer our extensions (push read, one-request read); false answers like a plain Launcher. Default true. */
  extensions?: boolean
  /** Most records held (with the default backend). Default {@link MAX_MEMORY_RECORDS}. */
  maxRecords?: number
  /** Requests one token (or, without one, one address) may make per second; `429` beyond. 0 turns the limit off. Default {@link RATE_LIMIT_PER_SECOND}. */
  rateLimitPerSecond?: number
}

/** Default requests per second per token (or per address without one): a handshake makes about 20. */
export const RATE_LIMIT_PER_SECOND = 200

/** What the routes share. */
export interface ServerContext {
  backend: RecordBackend
  sessions: SessionRegistry
  recordTtlMs: number
  maxRecordTtlMs: number
  maxWatchesPerToken: number
  /** Fires when the server starts closing: open push reads answer at once. */
  closing: Subject<void>
}

/** Builds the server (not yet listening): `await app.listen({ host, port })`. */
export function createServerApp(options: ServerOptions = {}): FastifyInstance {
  const context: ServerContext = {
    backend:
      options.backend ??
      (options.redisUrl !== undefined
        ? new RedisRecords({ url: options.redisUrl, ...(options.clock === undefined ? {} : { clock: options.clock }) })
        : new MemoryRecords(options.clock ?? realClock, checkCount('maxRecords', options.maxRecords ?? MAX_MEMORY_RECORDS, 1, 1e8))),
    sessions: new SessionRegistry({
      ...(options.maxHandlesPerToken === undefined ? {} : { maxHandlesPerToken: checkCount('maxHandlesPerToken', options.maxHandlesPerToken, 1, 1e6) }),
      ...(options.maxAnonymousHandles === undefined ? {} : { maxAnonymousHandles: checkCount('maxAnonymousHandles', options.maxAnonymousHandles, 1, 1e7) }),
      ...(options.maxTokens === undefined ? {} : { maxTokens: checkCount('maxTokens', options.maxTokens, 1, 1e7) }),
    }),
    recordTtlMs: checkMs('recordTtlMs', options.recordTtlMs ?? DEFAULT_RECORD_TTL_MS, 1, MAX_RECORD_TTL_MS),
    maxRecordTtlMs: checkMs('maxRecordTtlMs', options.maxRecordTtlMs ?? MAX_RECORD_TTL_MS, 1, MAX_RECORD_TTL_MS),
    maxWatchesPerToken: checkCount('maxWatchesPerToken', options.maxWatchesPerToken ?? MAX_WATCHES_PER_TOKEN, 1, 10_000),
    closing: new Subject<void>(),
  }
  const startedAt = Date.now()
  const app = Fastify({
    logger: false,
    bodyLimit: checkCount('bodyLimit', options.bodyLimit ?? BODY_LIMIT_BYTES, 1024, 64 * 1024 * 1024),
    forceCloseConnections: true,
    // Requests the router refuses (a bad URL, an over-long parameter) get the error shape.
    frameworkErrors: (error, _request, reply) => {
      const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400
      void (reply as FastifyReply).code(status).send({ errorCode: status, description: error.message })
    },
    // Requests Node's parser refuses before Fastify (huge headers, garbage) get the Launcher's error shape too.
    clientErrorHandler: (error, socket) => {
      const tooLarge = (error as { code?: string }).code === 'HPE_HEADER_OVERFLOW'
      const status = tooLarge ? 431 : 400
      const body = JSON.stringify({
        errorCode: status,
        description: tooLarge ? 'Request header fields too large: send smaller headers' : 'Malformed HTTP request',
      })
      if (socket.writable) {
        socket.end(`HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
      } else {
        socket.destroy()
      }
    },
  })

  app.decorateRequest('session', null)
  app.addContentTypeParser(['application/octet-stream', 'text/plain'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
  void app.register(cors, {
    origin: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Signalbox-Ttl-Ms'],
    maxAge: 600,
    // An OPTIONS request that is not a preflight goes on to the routes, whose answers keep the error shape.
    strictPreflight: false,
  })

  const perSecond = checkCount('rateLimitPerSecond', options.rateLimitPerSecond ?? RATE_LIMIT_PER_SECOND, 0, 1e7)
  if (perSecond > 0) {
    void app.register(rateLimit, {
      max: perSecond,
      timeWindow: 1000,
      cache: context.sessions.maxTokensHint,
      keyGenerator: (request) => /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? request.ip,
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
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
    const session = token === undefined ? undefined : context.sessions.find(token)
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
    context.closing.next()
    context.closing.complete()
  })
  // A backend the server made (Redis) closes with it; one passed in belongs to the caller.
  if (options.backend === undefined) app.addHook('onClose', async () => context.backend.close?.())

  app.setErrorHandler(async (error, request, reply) => {
    const answer = toLauncherError(error) ?? frameworkError(error)
    if (answer === null) {
      log?.(`${new Date().toISOString()} ${request.method} ${request.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      return reply.code(500).send({ errorCode: 500, description: 'Internal server error' })
    }
    return reply.code(answer.status).send(answer.toBody())
  })

  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ errorCode: 404, description: `No such endpoint: ${request.method} ${request.url.split('?')[0]}` }),
  )

  if (options.webRoot !== undefined) registerWebRoutes(app, options.webRoot)

  app.get('/health', async () => ({
    status: 'ok',
    uptimeMs: Date.now() - startedAt,
    tokens: context.sessions.size,
    handles: context.sessions.openHandles,
    ...(context.backend.count === undefined ? {} : { records: await context.backend.count() }),
  }))

  void app.register(
    async (api) => {
      registerAuthRoutes(api, context)
      registerDataIdRoutes(api, context)
      registerStructuredDataRoutes(api, context)
      if (options.extensions !== false) {
        registerWatchRoute(api, context)
        registerReadRoute(api, context)
      }
    },
    { prefix: API_PREFIX },
  )
  return app
}

/** Fastify's own errors (bad JSON, body too large, unsupported media type) and the rate limiter's, in the Launcher's shape. */
function frameworkError(error: unknown): LauncherError | null {
  const { statusCode: status, errorCode, description } = error as { statusCode?: unknown; errorCode?: unknown; description?: unknown }
  if (typeof status !== 'number' || status < 400 || status >= 500) return null
  if (typeof errorCode === 'number' && typeof description === 'string') return new LauncherError(status, errorCode, description)
  const message = error instanceof Error ? error.message : 'Bad request'
  return new LauncherError(status, 400, message)
}
