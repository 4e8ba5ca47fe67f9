/**
 * A round-robin HTTP load balancer on loopback, for the tests and the bench:
 * every request goes to the next instance in turn (with two, always the other
 * one than the last), as a Kubernetes Service, a cloud load balancer or nginx's
 * default upstream do: nothing routes a client back to the instance that gave
 * it its token. As nginx's `proxy_next_upstream error`, a request whose
 * instance refuses the connection (it is restarting) goes to the next one.
 * Long requests (push reads) are simply awaited; a client that goes away
 * aborts its request upstream too. Loopback only; `close()` ends everything.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'

/** A running round-robin proxy. */
export interface RoundRobinProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number
  /** The Launcher API's base URL through the proxy. */
  url: string
  /** How many requests each instance (by port) answered. */
  readonly served: Map<number, number>
  /** How many answers of each status the clients got. */
  readonly statuses: Map<number, number>
  /** Answers, by status, that came after their client had gone (it aborted the request): nobody got them. */
  readonly dropped: Map<number, number>
  /** Points the proxy at other instances (a restarted one on a new port). */
  setTargets(ports: number[]): void
  /** Stops listening and ends every connection. */
  close(): Promise<void>
}

/** Most bytes of a request body the proxy holds (it keeps the body to send it again to the next instance). */
const MAX_BODY_BYTES = 1024 * 1024
/** Most connections the proxy keeps open to each instance. */
const MAX_UPSTREAM_SOCKETS = 256
/**
 * How long an idle connection to an instance is kept, in ms: below the
 * instance's own keep-alive timeout (5 s), so the proxy, not the instance,
 * closes it and never sends a request on a connection being closed.
 */
const UPSTREAM_IDLE_MS = 4_000
/** How long an idle client connection is kept, in ms: above the clients' own (fetch keeps one 4 s), so the client closes it first. */
const CLIENT_IDLE_MS = 10_000
/** Tries of one request: each instance once, and at least twice (a connection reset before any answer is tried again). */
const minAttempts = (targets: number) => Math.max(2, targets)

/** Starts a round-robin proxy on 127.0.0.1 (a free port) in front of the instances on `ports`. */
export async function startRoundRobinProxy(ports: number[]): Promise<RoundRobinProxy> {
  let targets = [...ports]
  let next = 0
  const served = new Map<number, number>()
  const statuses = new Map<number, number>()
  const dropped = new Map<number, number>()
  // `timeout` closes idle connections only: a request waiting for its answer (a push read) is left alone.
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_UPSTREAM_SOCKETS, timeout: UPSTREAM_IDLE_MS })

  const forward = (request: IncomingMessage, response: ServerResponse, body: Buffer, tried: number): void => {
    const port = targets[next++ % targets.length]!
    const upstream = http.request({ host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers, agent }, (answer) => {
      served.set(port, (served.get(port) ?? 0) + 1)
      // A client that aborted its request may be answered still (a push read its close revoked the token of): nobody gets that.
      const tally = response.destroyed ? dropped : statuses
      tally.set(answer.statusCode ?? 0, (tally.get(answer.statusCode ?? 0) ?? 0) + 1)
      response.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(response)
    })
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (response.headersSent) return void response.destroy()
      // Refused (restarting) or reset before any answer: the next instance (each once, and at least two tries).
      if (tried + 1 < minAttempts(targets.length) && (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET')) return forward(request, response, body, tried + 1)
      statuses.set(502, (statuses.get(502) ?? 0) + 1)
      response.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ errorCode: 502, description: `Bad gateway: ${error.message}` }))
    })
    response.once('close', () => {
      if (!response.writableFinished) upstream.destroy()
    })
    upstream.end(body)
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) request.destroy()
      else chunks.push(chunk)
    })
    request.on('end', () => forward(request, response, Buffer.concat(chunks), 0))
  })
  server.keepAliveTimeout = CLIENT_IDLE_MS
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  return {
    port,
    url: `http://127.0.0.1:${port}/0.5/`,
    served,
    statuses,
    dropped,
    setTargets(ports) {
      targets = [...ports]
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      agent.destroy()
      await closed
    },
  }
}
