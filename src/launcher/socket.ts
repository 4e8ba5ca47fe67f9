/**
 * Our socket extension of the Launcher API, as both sides speak it: one
 * WebSocket per participant at `socket` (under the API prefix) carrying the
 * Launcher's own requests and answers as JSON text frames, so a browser makes
 * no HTTP request per call (each costs main-thread time in `fetch`, and
 * Chromium holds at most 6 connections per server). The server answers each
 * frame exactly as it answers the same HTTP request (same routes, validation,
 * tokens and limits); a Launcher without it refuses the upgrade and the client
 * makes its requests over HTTP.
 *
 * @module
 */
import * as v from 'valibot'
import { AUTH_KEY_HEADER, TTL_HEADER } from './api.js'

/** The socket's route, relative to the API prefix (our extension). */
export const SOCKET_ROUTE = 'socket'

/** Requests one socket may have in flight at once; past it a request is answered 429 (a participant in a room of 8 holds about 30). */
export const MAX_SOCKET_REQUESTS_IN_FLIGHT = 128
/** A socket that sends nothing and has nothing in flight for this long, in ms, is closed by the server (the client opens another when it needs one). */
export const SOCKET_IDLE_MS = 2 * 60_000
/** Bytes a frame may take beyond its request's body: method, path, headers and the envelope. */
export const SOCKET_FRAME_OVERHEAD_BYTES = 16 * 1024
/** Longest request path carried in a frame, in characters. */
export const MAX_SOCKET_PATH_CHARS = 2048

/** WebSocket close codes the server uses (RFC 6455: 1000 normal, 1001 going away, 1008 policy violation). */
export const SOCKET_CLOSE_CODES = { idle: 1000, serverClosing: 1001, protocolError: 1008 } as const

/** The HTTP methods a frame may carry. */
export const SOCKET_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/** The request headers a frame may carry (lower case); others are not forwarded. */
export const SOCKET_REQUEST_HEADERS = ['authorization', 'content-type', TTL_HEADER, AUTH_KEY_HEADER] as const

const idSchema = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER))

/** A request frame: the client's id for it, and the HTTP request it stands for (`path` relative to the API prefix). */
export const socketRequestSchema = v.strictObject({
  id: idSchema,
  method: v.picklist(SOCKET_METHODS),
  path: v.pipe(v.string(), v.maxLength(MAX_SOCKET_PATH_CHARS), v.check((path) => !path.startsWith('/') && !path.includes('..'), 'a path relative to the API prefix')),
  headers: v.optional(v.record(v.picklist(SOCKET_REQUEST_HEADERS), v.string())),
  body: v.optional(v.string()),
})

/** A cancel frame: the client no longer wants the answer to request `id` (the server stops it, as for a closed HTTP request). */
export const socketCancelSchema = v.strictObject({ id: idSchema, cancel: v.literal(true) })

/** Any frame a client sends. */
export const socketClientFrameSchema = v.union([socketRequestSchema, socketCancelSchema])

/** The answer frame to request `id`: the HTTP answer's status, content type and body. */
export const socketAnswerSchema = v.strictObject({
  id: idSchema,
  status: v.pipe(v.number(), v.integer(), v.minValue(200), v.maxValue(599)),
  contentType: v.optional(v.string()),
  body: v.string(),
})

/** A request frame. */
export type SocketRequest = v.InferOutput<typeof socketRequestSchema>
/** A frame a client sends. */
export type SocketClientFrame = v.InferOutput<typeof socketClientFrameSchema>
/** An answer frame. */
export type SocketAnswer = v.InferOutput<typeof socketAnswerSchema>
