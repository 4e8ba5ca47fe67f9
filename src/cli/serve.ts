/**
 * `signalbox serve`: starts the SAFE Launcher API 0.5 server, prints where it
 * listens, and stops it gracefully on SIGINT and SIGTERM. Its request log
 * lines carry what clients sent (the URL), so they are printed through ./printable.ts.
 *
 * @module
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os'
import { SignalingError } from '../errors.js'
import { startServer, stopOnSignals } from '../server/serve.js'
import { findWebRoot } from '../server/web.js'
import { printable } from './printable.js'

/** What {@link runServe} needs: the parsed `serve` options. */
export interface ServeCommandOptions {
  host: string
  port: number
  /** Lifetime of a record nobody removed, in ms. */
  recordTtl?: number
  /** Handles one token may hold open. */
  maxHandles?: number
  /** Keep records in Redis at this URL. */
  redis?: string
  /** No log line per request. */
  quiet?: boolean
  /** Hand out tokens only with this key. */
  authKey?: string
  /** Believe X-Forwarded-For from these proxy addresses (comma-separated) or `loopback`. */
  trustProxy?: string
  /** Where lines go. Default: stdout. */
  write?: (line: string) => void
  /** Called once the server stopped on a signal. Default: exit 0. */
  onStopped?: () => void
}

/** Starts the server and prints its banner; rejects when it cannot listen (a port in use: `ERR_INVALID_OPTION` naming the port). */
export async function runServe(options: ServeCommandOptions): Promise<void> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const webRoot = findWebRoot()
  let server
  try {
    server = await startServer({
      host: options.host,
      port: options.port,
      ...(options.recordTtl === undefined ? {} : { recordTtlMs: options.recordTtl }),
      ...(options.maxHandles === undefined ? {} : { maxHandlesPerToken: options.maxHandles }),
      ...(options.redis === undefined ? {} : { redisUrl: options.redis }),
      ...(options.authKey === undefined ? {} : { authKey: options.authKey }),
      ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
      ...(webRoot === undefined ? {} : { webRoot }),
      ...(options.quiet === true ? {} : { log: (line: string) => write(printable(line)) }),
    })
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EADDRINUSE') {
      throw new SignalingError('ERR_INVALID_OPTION', `Port ${options.port} on ${options.host} is in use: stop what runs there or pass another --port.`, { cause: error })
    }
    throw error
  }
  const records = options.redis === undefined ? 'records in memory' : `records in Redis at ${options.redis}`
  const { local, network } = pageAddresses(options.host, server.port, networkInterfaces())
  const api = `${local}0.5/`
  write(`signalbox serve: SAFE Launcher API 0.5 at ${api} (health: ${local}health; ${records})`)
  if (webRoot === undefined) write('signalbox serve: no browser page (run npm run build)')
  else {
    write(`signalbox serve: video call page at ${local}?room=demo`)
    if (network !== undefined) {
      const where = network.length === 0 ? 'no network address found' : network.map((origin) => `${origin}?room=demo`).join(', ')
      write(`signalbox serve: from other machines: ${where} (plain HTTP there: data calls only, no camera or room secret; put HTTPS in front for those)`)
    }
  }
  stopOnSignals(server, () => {
    write('signalbox serve: stopped')
    ;(options.onStopped ?? (() => process.exit(0)))()
  })
}

/** Hosts that listen on every interface. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]'])

/**
 * Where people open the page, as origins ending in `/`: `local` on this
 * machine (a wildcard host is reached at 127.0.0.1, not at `0.0.0.0`); and,
 * when the server listens on every interface, `network`: this machine's
 * non-internal IPv4 addresses, for other machines (undefined otherwise).
 */
export function pageAddresses(
  host: string,
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): { local: string; network: string[] | undefined } {
  if (!WILDCARD_HOSTS.has(host)) return { local: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`, network: undefined }
  const network = Object.values(interfaces)
    .flatMap((infos) => infos ?? [])
    .filter((info) => info.family === 'IPv4' && !info.internal)
    .map((info) => `http://${info.address}:${port}/`)
  return { local: `http://127.0.0.1:${port}/`, network }
}
