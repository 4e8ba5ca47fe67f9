/**
 * Failures in the Launcher's answer shape, wherever they happen: in a route
 * (the error handler), in Fastify's router or body parser, in the rate limiter,
 * or in Node's HTTP parser before Fastify sees the request.
 *
 * @module
 */
import type { Socket } from 'node:net'
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import { LauncherError, toLauncherError } from '../launcher/errors.js'

/** Answers every error a route throws in the Launcher's shape; an unexpected one is a logged 500. */
export function registerErrorHandlers(app: FastifyInstance, log: ((line: string) => void) | undefined): void {
  app.setErrorHandler(async (error, request, reply) => {
    const answer = toLauncherError(error) ?? frameworkError(error)
    if (answer === null) {
      log?.(`${new Date().toISOString()} ${request.method} ${pathOf(request.url)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      return reply.code(500).send({ errorCode: 500, description: 'Internal server error' })
    }
    return reply.code(answer.status).send(answer.toBody())
  })

  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({ errorCode: 404, description: `No such endpoint: ${request.method} ${pathOf(request.url)}` }),
  )
}

/** Requests the router refuses (a bad URL, an over-long parameter) get the error shape (Fastify's `frameworkErrors`). */
export function routerError(error: FastifyError, _request: unknown, reply: FastifyReply): void {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400
  void reply.code(status).send({ errorCode: status, description: error.message })
}

/** A request URL without its query string: what the log and error texts show (a query may carry a secret). */
export function pathOf(url: string): string {
  return url.split('?')[0]!
}

/** What Node's parser errors are answered with: status, reason phrase, description. */
const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'Request header fields too large: send smaller headers'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'Request timeout: the request (headers and body) took too long to arrive; send it at once'],
}
const MALFORMED: [number, string, string] = [400, 'Bad Request', 'Malformed HTTP request']

/** Requests Node's parser refuses before Fastify (huge headers, garbage, too slow) get the Launcher's error shape too (Fastify's `clientErrorHandler`). */
export function clientError(error: Error, socket: Socket): void {
  const [status, reason, description] = CLIENT_ERRORS[(error as { code?: string }).code ?? ''] ?? MALFORMED
  const body = JSON.stringify({ errorCode: status, description })
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  } else {
    socket.destroy()
  }
}

/** Fastify's own errors (bad JSON, body too large, unsupported media type) and the rate limiter's, in the Launcher's shape. */
function frameworkError(error: unknown): LauncherError | null {
  const { statusCode: status, errorCode, description } = error as { statusCode?: unknown; errorCode?: unknown; description?: unknown }
  if (typeof status !== 'number' || status < 400 || status >= 500) return null
  if (typeof errorCode === 'number' && typeof description === 'string') return new LauncherError(status, errorCode, description)
  const message = error instanceof Error ? error.message : 'Bad request'
  return new LauncherError(status, 400, message)
}
