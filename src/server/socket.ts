/**
 * The server side of our socket extension (launcher/socket.ts): one WebSocket
 * per participant at `/0.5/socket`, each request frame answered by the same
 * routes as the HTTP request it stands for (Fastify's `inject`, with the
 * socket's client address), so tokens, validation, rate and memory limits
 * apply alike. Bounded per socket: frame size, requests in flight, bytes
 * waiting to be sent, and idle time.
 *
 * @module
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import * as v from 'valibot'
import type { WebSocket } from 'ws'
import { API_PREFIX } from '../launcher/api.js'
import { LauncherError } from '../launcher/errors.js'
import {
  MAX_SOCKET_REQUESTS_IN_FLIGHT,
  SOCKET_CLOSE_CODES,
  SOCKET_IDLE_MS,
  SOCKET_ROUTE,
  socketClientFrameSchema,
  type SocketAnswer,
  type SocketRequest,
} from '../launcher/socket.js'

/** Bytes of answers a socket may have waiting to be sent: a client that stops reading is closed past it, rather than held in memory. */
export const MAX_SOCKET_BUFFERED_BYTES = 4 * 1024 * 1024

/** What {@link registerSocketRoute} needs. */
export interface SocketRouteOptions {
  /** Answers one request as the server's routes do (the root app's `inject`). */
  inject: (request: InjectOptions) => Promise<LightMyRequestResponse>
  /** Requests in flight per socket. Default {@link MAX_SOCKET_REQUESTS_IN_FLIGHT}. */
  maxInFlight?: number
  /** Idle time before the server closes a socket, in ms. Default {@link SOCKET_IDLE_MS}. */
  idleMs?: number
}

/**
 * Registers `GET socket` (a WebSocket upgrade) on `api`, whose app has
 * `@fastify/websocket` registered.
 */
export function registerSocketRoute(api: FastifyInstance, options: SocketRouteOptions): void {
  const maxInFlight = options.maxInFlight ?? MAX_SOCKET_REQUESTS_IN_FLIGHT
  const idleMs = options.idleMs ?? SOCKET_IDLE_MS
  api.get(`/${SOCKET_ROUTE}`, { websocket: true }, (socket, request) => {
    const inFlight = new Map<number, AbortController>()
    const remoteAddress = request.ip
    let idle: NodeJS.Timeout | undefined
    const watchIdle = (): void => {
      clearTimeout(idle)
      if (inFlight.size === 0) idle = setTimeout(() => socket.close(SOCKET_CLOSE_CODES.idle, 'idle'), idleMs)
    }
    const refuse = (reason: string): void => socket.close(SOCKET_CLOSE_CODES.protocolError, reason)

    socket.on('message', (data, isBinary) => {
      const frame = isBinary ? undefined : parseFrame(data.toString())
      if (frame === undefined) return refuse('send JSON text frames: {id, method, path, headers?, body?} or {id, cancel: true}')
      if ('cancel' in frame) {
        inFlight.get(frame.id)?.abort()
        return
      }
      if (inFlight.has(frame.id)) return refuse(`request ${frame.id} is already in flight: use a new id per request`)
      if (inFlight.size >= maxInFlight) {
        send(socket, tooMany(frame.id, maxInFlight))
        return
      }
      const controller = new AbortController()
      inFlight.set(frame.id, controller)
      watchIdle()
      void answer(frame, options.inject, remoteAddress, controller.signal).then((answered) => {
        if (inFlight.get(frame.id) !== controller) return
        inFlight.delete(frame.id)
        watchIdle()
        // A cancelled request's answer is not wanted.
        if (!controller.signal.aborted) send(socket, answered)
      })
    })
    socket.on('close', () => {
      clearTimeout(idle)
      for (const controller of inFlight.values()) controller.abort()
      inFlight.clear()
    })
    watchIdle()
  })
}

/** The frame, or undefined when it is not a valid one. */
function parseFrame(text: string): v.InferOutput<typeof socketClientFrameSchema> | undefined {
  try {
    const parsed = v.safeParse(socketClientFrameSchema, JSON.parse(text))
    return parsed.success ? parsed.output : undefined
  } catch {
    return undefined
  }
}

/** The answer of the server's routes to `frame`, as if it had come over HTTP from `remoteAddress`. */
async function answer(frame: SocketRequest, inject: SocketRouteOptions['inject'], remoteAddress: string, signal: AbortSignal): Promise<SocketAnswer> {
  try {
    const response = await inject({
      method: frame.method,
      url: `${API_PREFIX}/${frame.path}`,
      headers: frame.headers ?? {},
      remoteAddress,
      signal,
      ...(frame.body === undefined ? {} : { payload: frame.body }),
    })
    const contentType = response.headers['content-type']
    return { id: frame.id, status: response.statusCode, body: response.body, ...(typeof contentType === 'string' ? { contentType } : {}) }
  } catch {
    // Cancelled (its answer is dropped) or the server closing.
    return errorAnswer(frame.id, new LauncherError(503, 503, 'The server is closing: retry'))
  }
}

/** The answer to a request past the socket's in-flight limit. */
function tooMany(id: number, limit: number): SocketAnswer {
  return errorAnswer(id, new LauncherError(429, 429, `Too many requests in flight on this socket (limit ${limit}): wait for answers before sending more`))
}

/** `error` as an answer frame, in the Launcher's error shape (as the routes answer it over HTTP). */
function errorAnswer(id: number, error: LauncherError): SocketAnswer {
  return { id, status: error.status, contentType: 'application/json', body: JSON.stringify(error.toBody()) }
}

/** Sends an answer, or closes a socket whose client has stopped reading. */
function send(socket: WebSocket, answer: SocketAnswer): void {
  if (socket.readyState !== socket.OPEN) return
  if (socket.bufferedAmount > MAX_SOCKET_BUFFERED_BYTES) {
    socket.terminate()
    return
  }
  socket.send(JSON.stringify(answer))
}
