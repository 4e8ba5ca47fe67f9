/**
 * Starting and stopping the server: `startServer()` listens and returns its
 * URL; `stopOnSignals()` closes it gracefully on SIGINT and SIGTERM.
 *
 * @module
 */
import type { FastifyInstance } from 'fastify'
import { API_PREFIX } from '../launcher/api.js'
import { createServerApp } from './app.js'
import type { ServerOptions } from './context.js'

/** Where `signalbox serve` listens by default: loopback only. */
export const DEFAULT_HOST = '127.0.0.1'
/** The SAFE Launcher's port. */
export const DEFAULT_PORT = 8100

/** Options of {@link startServer}. */
export interface StartServerOptions extends ServerOptions {
  /** Default {@link DEFAULT_HOST}. */
  host?: string
  /** Default {@link DEFAULT_PORT}; 0 picks a free port. */
  port?: number
}

/** A listening server. */
export interface RunningServer {
  /** The Fastify instance. */
  app: FastifyInstance
  /** The API's base URL, such as `http://127.0.0.1:8100/0.5/`: give it to `SafeLauncherStore`. */
  url: string
  /** The port it listens on. */
  port: number
  /** Stops accepting requests, answers open push reads, and closes. */
  close(): Promise<void>
}

/** Starts the Launcher-compatible server. */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const app = createServerApp(options)
  const host = options.host ?? DEFAULT_HOST
  await app.listen({ host, port: options.port ?? DEFAULT_PORT })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? DEFAULT_PORT)
  const urlHost = host.includes(':') ? `[${host}]` : host
  return { app, url: `http://${urlHost}:${port}${API_PREFIX}/`, port, close: () => app.close() }
}

/** Closes `server` on the first SIGINT or SIGTERM, then calls `onClosed`. */
export function stopOnSignals(server: RunningServer, onClosed: () => void): void {
  const stop = (): void => {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    void server.close().finally(onClosed)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
