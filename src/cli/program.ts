/**
 * The `signalbox` command line as a commander program: `serve`, `join <room>`
 * and `demo`, their options with their defaults (shown by `--help`), the
 * stores they meet through, `--version`, and the exit codes: 0 on success, 1
 * on a failure (printed as `signalbox: ERR_…: message`), 2 on bad arguments.
 * Limits and defaults come from the layers that own them. docs/cli.md documents each command.
 *
 * @module
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import * as v from 'valibot'
import { MAX_TIMEOUT_MS } from '../engine/options.js'
import { isSignalingError, SignalingError, toSignalingError, type SignalingErrorCode } from '../errors.js'
import { ANSWER_TIMEOUT_MS, CONNECT_TIMEOUT_MS } from '../machines/signaling.types.js'
import { DEFAULT_APP_ID } from '../protocol/addresses.js'
import { DEFAULT_HOST, DEFAULT_PORT } from '../server/serve.js'
import { MAX_HANDLES_PER_TOKEN } from '../server/sessions.js'
import { REQUEST_TIMEOUT_MS } from '../stores/launcher/client.js'
import { SafeLauncherStore } from '../stores/launcher/store.js'
import { MemoryStore } from '../stores/memory.js'
import { DEFAULT_RECORD_TTL_MS, MAX_RECORD_TTL_MS } from '../stores/store.js'
import type { SignalStore } from '../stores/store.js'
import { runDemo } from './demo.js'
import { runJoin } from './join.js'
import { runJoinRoom } from './join-room.js'
import { DEFAULT_MAX_PEERS, MAX_ROOM_PEERS } from '../machines/room.types.js'
import { printable } from './printable.js'
import { runServe, type ServeCommandOptions } from './serve.js'
import { packageVersion } from './version.js'

/** Highest TCP port. */
export const MAX_PORT = 65_535
/** Exit code of a failure (`signalbox: ERR_…: message` on stderr). */
export const EXIT_FAILURE = 1
/** Exit code of bad arguments (commander's message on stderr), as shells' builtins use. */
export const EXIT_USAGE = 2

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

/** An option whose `--help` line ends in `(default: <shown>)`: with `value` as its default, or (none given) only described. */
function option(flags: string, description: string, shown: string, value?: unknown, parse?: (value: string) => unknown): Option {
  const made = new Option(flags, value === undefined ? `${description} (default: ${shown})` : description)
  if (parse !== undefined) made.argParser(parse)
  return value === undefined ? made : made.default(value, shown)
}

/** Prints the error as `signalbox: ERR_…: message` on stderr (`fallback` naming what is not a SignalingError) and exits 1. */
function fail(error: unknown, fallback: SignalingErrorCode): never {
  const known = toSignalingError(error, fallback)
  process.stderr.write(`signalbox: ${known.code}: ${printable(known.message)}\n`)
  process.exit(EXIT_FAILURE)
}

async function loadWrtc() {
  try {
    return (await import('@roamhq/wrtc')).default
  } catch (error) {
    throw new SignalingError('ERR_WEBRTC_UNSUPPORTED', "Node's WebRTC could not be loaded: install it with npm install @roamhq/wrtc.", { cause: error })
  }
}

/** The store `join` meets through: the server at `--server`, or (with a note on stderr) memory in this process. */
export function joinStore(options: { server?: string; push: boolean; requestTimeout?: number }): SignalStore {
  if (options.server !== undefined) {
    return new SafeLauncherStore({
      url: options.server,
      watch: options.push,
      ...(options.requestTimeout === undefined ? {} : { requestTimeoutMs: options.requestTimeout }),
    })
  }
  process.stderr.write('No --server given: using an in-memory store in this process, so only a participant in this same process can meet you (see signalbox demo).\n')
  return new MemoryStore()
}

/** The parsed `serve` flags: what runServe takes, less its output hooks. */
type ServeFlags = Omit<ServeCommandOptions, 'write'>

interface JoinFlags {
  server?: string
  message?: string
  json?: boolean
  push: boolean
  stay?: boolean
  appId?: string
  secret?: string
  answerTimeout?: number
  connectTimeout?: number
  requestTimeout?: number
  maxPeers?: number
}

/** Builds the `signalbox` program; `await createProgram().parseAsync()` runs it on `process.argv`. */
export function createProgram(): Command {
  const program = new Command()
    .name('signalbox')
    .description('Connect two WebRTC peers through a shared key-value store.')
    .version(packageVersion(), '-V, --version', 'print the version of signalbox')
    .showHelpAfterError()
    // Bad arguments exit 2 (help and version 0) after commander printed its message; inherited by the commands below.
    .exitOverride((error: CommanderError) => process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE))

  program
    .command('serve')
    .description('run a SAFE Launcher API 0.5 server (the store participants meet through)')
    .addOption(option('--host <host>', 'address to listen on', DEFAULT_HOST, DEFAULT_HOST))
    .addOption(option('--port <port>', 'port to listen on (0: any free port)', String(DEFAULT_PORT), DEFAULT_PORT, wholeNumber(0, MAX_PORT)))
    .addOption(option('--record-ttl <ms>', 'lifetime of a record nobody removed, in ms', String(DEFAULT_RECORD_TTL_MS), undefined, wholeNumber(1, MAX_RECORD_TTL_MS)))
    .addOption(option('--max-handles <count>', 'handles one token may hold open', String(MAX_HANDLES_PER_TOKEN), undefined, wholeNumber(1)))
    .addOption(option('--redis <url>', 'keep records, tokens, handles and rate limits in Redis (redis://host:port), shared by every instance using it', 'none, records in memory'))
    .addOption(option('--auth-key <key>', 'hand out tokens only to apps that send this key (header X-Signalbox-Auth-Key); at least 16 characters', 'none, anyone').env('SIGNALBOX_AUTH_KEY'))
    .addOption(option('--trust-proxy <addresses>', "believe X-Forwarded-For from this proxy (addresses or CIDR ranges, comma-separated, or 'loopback'), so per-address limits count the clients behind it", 'none'))
    .addOption(option('--quiet', 'no log line per request', 'off'))
    .action(async (flags: ServeFlags) => {
      await runServe(flags).catch((error: unknown) => fail(error, 'ERR_INVALID_OPTION'))
    })

  program
    .command('join')
    .description('join a room as one participant, with real WebRTC')
    .argument('<room>', 'the room to meet in')
    .addOption(option('--server <url>', 'a SAFE Launcher API, such as http://127.0.0.1:8100/0.5/', 'none, an in-memory store in this process'))
    .addOption(option('--message <text>', 'a line to send once connected', 'none'))
    .addOption(option('--json', 'one JSON object a line: { state, ms }, { waiting }, { sent }, { received }', 'off'))
    .addOption(option('--no-push', 'poll the server every 2 s instead of using its push read', 'push on'))
    .addOption(option('--stay', 'stay in the call when stdin ends (for join … </dev/null &): hang up with Ctrl-C or SIGTERM, or when the other side does', 'off'))
    .addOption(option('--app-id <id>', 'the app id in every address', DEFAULT_APP_ID))
    .addOption(option('--secret <secret>', 'a room secret: offer and answer are encrypted end to end; the other side needs the same one', 'none'))
    .addOption(option('--answer-timeout <ms>', 'how long the initiator waits for someone to answer, in ms', String(ANSWER_TIMEOUT_MS), undefined, wholeNumber(1, MAX_TIMEOUT_MS)))
    .addOption(option('--connect-timeout <ms>', 'how long the peers may take to connect, in ms', String(CONNECT_TIMEOUT_MS), undefined, wholeNumber(1, MAX_TIMEOUT_MS)))
    .addOption(option('--request-timeout <ms>', 'how long one request to --server may take before it counts as unavailable, in ms', String(REQUEST_TIMEOUT_MS), undefined, wholeNumber(1, MAX_TIMEOUT_MS)))
    .addOption(option('--max-peers <count>', 'a room of up to this many participants, all connected to each other; prints joins, leaves and everyone\'s messages', String(DEFAULT_MAX_PEERS), undefined, wholeNumber(DEFAULT_MAX_PEERS, MAX_ROOM_PEERS)))
    .action(async (room: string, flags: JoinFlags) => {
      const hangup = new AbortController()
      process.once('SIGINT', () => hangup.abort())
      process.once('SIGTERM', () => hangup.abort())
      try {
        // What a pair call and a room of many take alike.
        const participant = {
          room,
          store: joinStore(flags),
          wrtc: await loadWrtc(),
          json: flags.json === true,
          input: process.stdin,
          stay: flags.stay === true,
          signal: hangup.signal,
          ...(flags.message === undefined ? {} : { message: flags.message }),
          signaling: {
            ...(flags.appId === undefined ? {} : { appId: flags.appId }),
            ...(flags.secret === undefined ? {} : { secret: flags.secret }),
            ...(flags.answerTimeout === undefined ? {} : { answerTimeoutMs: flags.answerTimeout }),
            ...(flags.connectTimeout === undefined ? {} : { connectTimeoutMs: flags.connectTimeout }),
          },
        }
        const code =
          flags.maxPeers !== undefined && flags.maxPeers > DEFAULT_MAX_PEERS
            ? await runJoinRoom({ ...participant, maxPeers: flags.maxPeers })
            : await runJoin({
                ...participant,
                invite: {
                  ...(flags.server === undefined ? {} : { server: flags.server }),
                  ...(flags.appId === undefined ? {} : { appId: flags.appId }),
                  secret: flags.secret !== undefined,
                },
              })
        process.exit(code)
      } catch (error) {
        fail(error, isSignalingError(error) ? error.code : 'ERR_PEER')
      }
    })

  program
    .command('demo')
    .description('two participants in this process meet through the in-memory store and connect with real WebRTC')
    .addOption(option('--room <name>', 'the room to meet in', 'a random one'))
    .action(async (flags: { room?: string }) => {
      try {
        const options = { store: new MemoryStore(), wrtc: await loadWrtc(), ...(flags.room === undefined ? {} : { room: flags.room }) }
        process.exitCode = await runDemo(options)
      } catch (error) {
        fail(error, 'ERR_PEER')
      }
    })

  return program
}
