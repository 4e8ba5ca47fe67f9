/**
 * The `signalbox` command line as a commander program: `serve`, `join <room>`
 * and `demo`, their options, and the stores they meet through. Limits come
 * from the layers that own them. docs/cli.md documents each command.
 *
 * @module
 */
import { Command, InvalidArgumentError } from 'commander'
import * as v from 'valibot'
import { MAX_TIMEOUT_MS } from '../engine/options.js'
import { isSignalingError } from '../errors.js'
import { DEFAULT_HOST, DEFAULT_PORT } from '../server/serve.js'
import { SafeLauncherStore } from '../stores/launcher/store.js'
import { MemoryStore } from '../stores/memory.js'
import { MAX_RECORD_TTL_MS } from '../stores/store.js'
import type { SignalStore } from '../stores/store.js'
import { runDemo } from './demo.js'
import { runJoin } from './join.js'
import { runServe } from './serve.js'

/** Highest TCP port. */
export const MAX_PORT = 65_535

/** A commander parser for whole numbers from `min` to `max` (without `max`, any size the server then checks). */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  const schema = v.pipe(v.string(), v.digits(), v.transform(Number), v.minValue(min), v.maxValue(max))
  const range = max === Number.MAX_SAFE_INTEGER ? `from ${min}` : `from ${min} to ${max}`
  return (value) => {
    const parsed = v.safeParse(schema, value)
    if (!parsed.success) throw new InvalidArgumentError(`use a whole number ${range}`)
    return parsed.output
  }
}

/** Prints the error (its code first) on stderr and exits 1. */
function fail(error: unknown): never {
  const text = isSignalingError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error)
  process.stderr.write(`signalbox: ${text}\n`)
  process.exit(1)
}

async function loadWrtc() {
  return (await import('@roamhq/wrtc')).default
}

/** The store `join` meets through: the server at `--server`, or (with a note on stderr) memory in this process. */
export function joinStore(options: { server?: string; push: boolean }): SignalStore {
  if (options.server !== undefined) return new SafeLauncherStore({ url: options.server, watch: options.push })
  process.stderr.write('No --server given: using an in-memory store in this process, so only a participant in this same process can meet you (see signalbox demo).\n')
  return new MemoryStore()
}

interface ServeFlags {
  host: string
  port: number
  recordTtl?: number
  maxHandles?: number
  redis?: string
  quiet?: boolean
}

interface JoinFlags {
  server?: string
  message?: string
  json?: boolean
  push: boolean
  appId?: string
  secret?: string
  answerTimeout?: number
  connectTimeout?: number
}

/** Builds the `signalbox` program; `await createProgram().parseAsync()` runs it on `process.argv`. */
export function createProgram(): Command {
  const program = new Command()
    .name('signalbox')
    .description('Connect two WebRTC peers through a shared key-value store.')
    .showHelpAfterError()

  program
    .command('serve')
    .description('run a SAFE Launcher API 0.5 server (the store participants meet through)')
    .option('--host <host>', 'address to listen on', DEFAULT_HOST)
    .option('--port <port>', 'port to listen on (0: any free port)', wholeNumber(0, MAX_PORT), DEFAULT_PORT)
    .option('--record-ttl <ms>', 'lifetime of a record nobody removed, in ms', wholeNumber(1, MAX_RECORD_TTL_MS))
    .option('--max-handles <count>', 'handles one token may hold open', wholeNumber(1))
    .option('--redis <url>', 'keep records in Redis (redis://host:port), shared by every instance using it')
    .option('--quiet', 'no log line per request')
    .action(async (flags: ServeFlags) => {
      await runServe(flags).catch(fail)
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
    .option('--answer-timeout <ms>', 'how long to wait for someone to answer', wholeNumber(1, MAX_TIMEOUT_MS))
    .option('--connect-timeout <ms>', 'how long the peers may take to connect', wholeNumber(1, MAX_TIMEOUT_MS))
    .action(async (room: string, flags: JoinFlags) => {
      const hangup = new AbortController()
      process.once('SIGINT', () => hangup.abort())
      process.once('SIGTERM', () => hangup.abort())
      try {
        const code = await runJoin({
          room,
          store: joinStore(flags),
          wrtc: await loadWrtc(),
          json: flags.json === true,
          input: process.stdin,
          signal: hangup.signal,
          ...(flags.message === undefined ? {} : { message: flags.message }),
          signaling: {
            ...(flags.appId === undefined ? {} : { appId: flags.appId }),
            ...(flags.secret === undefined ? {} : { secret: flags.secret }),
            ...(flags.answerTimeout === undefined ? {} : { answerTimeoutMs: flags.answerTimeout }),
            ...(flags.connectTimeout === undefined ? {} : { connectTimeoutMs: flags.connectTimeout }),
          },
        })
        process.exit(code)
      } catch (error) {
        fail(error)
      }
    })

  program
    .command('demo')
    .description('two participants in this process meet through the in-memory store and connect with real WebRTC')
    .option('--room <name>', 'the room to meet in (default: a random one)')
    .action(async (flags: { room?: string }) => {
      const options = { store: new MemoryStore(), wrtc: await loadWrtc(), ...(flags.room === undefined ? {} : { room: flags.room }) }
      process.exitCode = await runDemo(options)
    })

  return program
}
