/**
 * The server's cap on open connections: one for everyone together and one
 * per address, so that no client holding sockets open (push reads on many
 * free tokens, or idle sockets) can reset everyone else's connections. A
 * connection past a cap is answered `503` with a body that says which cap,
 * and closed.
 *
 * @module
 */
import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/** The caps of {@link limitConnections}. */
export interface ConnectionLimits {
  /** Most open connections, everyone together. */
  maxConnections: number
  /** Most open connections from one address; `undefined` for none (behind a trusted proxy every connection comes from the proxy). */
  maxConnectionsPerAddress: number | undefined
}

/** What {@link limitConnections} counts: for /health. */
export interface ConnectionCounter {
  readonly open: number
}

/** Counts `server`'s connections and answers those past a cap with 503. */
export function limitConnections(server: Server, limits: ConnectionLimits): ConnectionCounter {
  const perAddress = new Map<string, number>()
  const counter = { open: 0 }
  // Node's HTTP parser is the server's own 'connection' listener: a refused socket never reaches it.
  const http = server.listeners('connection') as ((socket: Socket) => void)[]
  server.removeAllListeners('connection')
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? ''
    const mine = perAddress.get(address) ?? 0
    const perAddressLimit = limits.maxConnectionsPerAddress
    if (perAddressLimit !== undefined && mine >= perAddressLimit) return refuse(socket, `your address holds its limit of ${perAddressLimit} open connections`)
    if (counter.open >= limits.maxConnections) return refuse(socket, `the server holds its limit of ${limits.maxConnections} open connections`)
    counter.open++
    perAddress.set(address, mine + 1)
    socket.once('close', () => {
      counter.open--
      const left = (perAddress.get(address) ?? 1) - 1
      if (left <= 0) perAddress.delete(address)
      else perAddress.set(address, left)
    })
    for (const listener of http) listener.call(server, socket)
  })
  return counter
}

/** Answers 503 at once (before the request is read) and closes the socket. */
function refuse(socket: Socket, reason: string): void {
  const body = JSON.stringify({ errorCode: 503, description: `Server busy: ${reason}; close connections you do not use, or try again in a few seconds` })
  socket.on('error', () => {})
  socket.end(`HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nRetry-After: 5\r\nConnection: close\r\n\r\n${body}`)
  // The parser never sees this socket: a client that does not read its answer is cut off.
  socket.setTimeout(5_000, () => socket.destroy())
}
