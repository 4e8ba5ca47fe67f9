/**
 * A delaying loopback TCP proxy for the bench: it forwards every byte between a
 * client and a server on 127.0.0.1, each direction `oneWayDelayMs` late, so a
 * request and its answer cost `2 × oneWayDelayMs` more, as over a network with
 * that round-trip time. Only data is delayed: the TCP handshake with the proxy is
 * local, so a new connection costs no extra round trip (a real network's would).
 * Bounded: at most `maxConnections` at once, loopback only, and `close()` ends
 * every connection.
 */
import { once } from 'node:events'
import { createServer, connect, type AddressInfo, type Socket } from 'node:net'

/** One-way delay the bench's 50 ms rows use: 25 ms each way, 50 ms round trip. */
export const BENCH_ONE_WAY_DELAY_MS = 25
/** Most connections the proxy holds at once by default. */
export const PROXY_MAX_CONNECTIONS = 256

/** Where a proxy is and how to stop it. */
export interface DelayProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number
  /** Stops listening and destroys every connection. */
  close(): Promise<void>
}

/** What the proxy forwards to and how late. */
export interface DelayProxyOptions {
  /** The server's port on 127.0.0.1. */
  targetPort: number
  /** Delay added to each direction, in ms. */
  oneWayDelayMs: number
  /** Most connections at once. Default {@link PROXY_MAX_CONNECTIONS}. */
  maxConnections?: number
}

/** Forwards `from`'s bytes to `to`, each chunk `delayMs` late, in order; the end and errors follow as late. */
function forwardLate(from: Socket, to: Socket, delayMs: number): void {
  // Timers of one duration fire in the order they were set, so chunks keep their order.
  from.on('data', (chunk) => {
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk)
    }, delayMs)
  })
  from.on('end', () => setTimeout(() => to.end(), delayMs))
  from.on('close', () => setTimeout(() => to.destroy(), delayMs))
  from.on('error', () => from.destroy())
}

/** Starts a delaying proxy on 127.0.0.1 (a free port) in front of `targetPort`. */
export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }
  const server = createServer({ noDelay: true }, (client) => {
    const upstream = connect({ host: '127.0.0.1', port: options.targetPort, noDelay: true })
    track(client)
    track(upstream)
    forwardLate(client, upstream, options.oneWayDelayMs)
    forwardLate(upstream, client, options.oneWayDelayMs)
  })
  server.maxConnections = options.maxConnections ?? PROXY_MAX_CONNECTIONS
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await closed
    },
  }
}
