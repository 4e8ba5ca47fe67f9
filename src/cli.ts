#!/usr/bin/env node
/**
 * The `signalbox` command line: `serve`, `join <room>`, `demo`.
 * docs/cli.md documents each command.
 *
 * @module
 */
import { Command, InvalidArgumentError } from 'commander'
import { runDemo } from './cli/demo.js'
import { isSignalingError } from './errors.js'
import { runJoin } from './cli/join.js'
import { DEFAULT_HOST, DEFAULT_PORT, startServer, stopOnSignals } from './server/serve.js'
import { findWebRoot } from './server/web.js'

/** A commander parser for whole numbers from `min` to `max`. */
function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const number = Number(value)
    if (!/^\d+$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`use a whole number from ${min} to ${max}`)
    }
    return number
  }
}

async function loadWrtc() {
  return (await import('@roamhq/wrtc')).default
}

function fail(error: unknown): never {
  const text = isSignalingError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error)
  process.stderr.write(`signalbox: ${text}\n`)
  process.exit(1)
}

const program = new Command()
  .name('signalbox')
  .description('Connect two WebRTC peers through a shared key-value store.')
  .showHelpAfterError()

program
  .command('serve')
  .description('run a SAFE Launcher API 0.5 server (the store participants meet through)')
  .option('--host <host>', 'address to listen on', DEFAULT_HOST)
  .option('--port <port>', 'port to listen on (0: any free port)', wholeNumber(0, 65_535), DEFAULT_PORT)
  .option('--record-ttl <ms>', 'lifetime of a record nobody removed, in ms', wholeNumber(1, 86_400_000))
  .option('--max-handles <count>', 'handles one token may hold open', wholeNumber(1, 1_000_000))
  .option('--redis <url>', 'keep records in Redis (redis://host:port), shared by every instance using it')
  .option('--quiet', 'no log line per request')
  .action(async (options: { host: string; port: number; recordTtl?: number; maxHandles?: number; redis?: string; quiet?: boolean }) => {
    const webRoot = findWebRoot()
    try {
      const server = await startServer({
        host: options.host,
        port: options.port,
        ...(options.recordTtl === undefined ? {} : { recordTtlMs: options.recordTtl }),
        ...(options.maxHandles === undefined ? {} : { maxHandlesPerToken: options.maxHandles }),
        ...(options.redis === undefined ? {} : { redisUrl: options.redis }),
        ...(webRoot === undefined ? {} : { webRoot }),
        ...(options.quiet === true ? {} : { log: (line: string) => process.stdout.write(`${line}\n`) }),
      })
      const records = options.redis === undefined ? 'records in memory' : `records in Redis at ${options.redis}`
      process.stdout.write(`signalbox serve: SAFE Launcher API 0.5 at ${server.url} (health: ${server.url.replace(/0\.5\/$/, 'health')}; ${records})\n`)
      const page = server.url.replace(/0\.5\/$/, '?room=demo')
      process.stdout.write(webRoot === undefined ? 'signalbox serve: no browser page (run npm run build)\n' : `signalbox serve: video call page at ${page}\n`)
      stopOnSignals(server, () => {
        process.stdout.write('signalbox serve: stopped\n')
        process.exit(0)
      })
    } catch (error) {
      const code = (error as { code?: unknown }).code
      if (code === 'EADDRINUSE') fail(new Error(`port ${options.port} on ${options.host} is in use: stop what runs there or pass another --port`))
      fail(error)
    }
  })

program
  .command('join')
  .description('join a room as one participant, with real WebRTC')
  .argument('<room>', 'the room to meet in')
  .option('--server <url>', 'a SAFE Launcher API, such as http://127.0.0.1:8100/0.5/ (default: an in-memory store in this process)')
  .option('--message <text>', 'a line to send once connected')
  .option('--json', 'one JSON object a line: { state, ms }, { sent }, { received }')
  .option('--no-push', 'poll the server every 2 s instead of using its push read')
  .option('--app-id <id>', 'the app id in every address (default example.signaling.v1)')
  .option('--secret <secret>', 'a room secret: offer and answer are encrypted end to end; the other side needs the same one')
  .option('--answer-timeout <ms>', 'how long to wait for someone to answer', wholeNumber(1, 43_200_000))
  .option('--connect-timeout <ms>', 'how long the peers may take to connect', wholeNumber(1, 43_200_000))
  .action(
    async (
      room: string,
      options: {
        server?: string
        message?: string
        json?: boolean
        push: boolean
        appId?: string
        secret?: string
        answerTimeout?: number
        connectTimeout?: number
      },
    ) => {
      const hangup = new AbortController()
      process.once('SIGINT', () => hangup.abort())
      process.once('SIGTERM', () => hangup.abort())
      try {
        const code = await runJoin({
          room,
          wrtc: await loadWrtc(),
          push: options.push,
          json: options.json === true,
          input: process.stdin,
          signal: hangup.signal,
          ...(options.server === undefined ? {} : { server: options.server }),
          ...(options.message === undefined ? {} : { message: options.message }),
          signaling: {
            ...(options.appId === undefined ? {} : { appId: options.appId }),
            ...(options.secret === undefined ? {} : { secret: options.secret }),
            ...(options.answerTimeout === undefined ? {} : { answerTimeoutMs: options.answerTimeout }),
            ...(options.connectTimeout === undefined ? {} : { connectTimeoutMs: options.connectTimeout }),
          },
        })
        process.exit(code)
      } catch (error) {
        fail(error)
      }
    },
  )

program
  .command('demo')
  .description('two participants in this process meet through the in-memory store and connect with real WebRTC')
  .option('--room <name>', 'the room to meet in (default: a random one)')
  .action(async (options: { room?: string }) => {
    process.exitCode = await runDemo({ wrtc: await loadWrtc(), ...(options.room === undefined ? {} : { room: options.room }) })
  })

await program.parseAsync()
