/**
 * What `signalbox join` says while it waits as the initiator: who should join,
 * the exact command for them to run (never the secret's value), and how long
 * this side will wait.
 *
 * @module
 */
import { printable } from './printable.js'

/** How the other participant reaches this one: the meeting flags of this `join`. */
export interface InviteOptions {
  /** The room joined. */
  room: string
  /** The `--server` URL; none when meeting through an in-memory store in this process. */
  server?: string
  /** The `--app-id`, when not the default. */
  appId?: string
  /** Whether a `--secret` was given (its value is never printed). */
  secret?: boolean
}

/** What the waiting participant prints, as text lines and as one JSON-ready object. */
export interface Invitation {
  /** The command the other participant runs (only with a server). */
  command?: string
  /** Lines for a person. */
  lines: string[]
}

const MS_PER_SECOND = 1000
const SECONDS_PER_MINUTE = 60
const MINUTES_PER_HOUR = 60

/** Characters a POSIX shell takes literally without quotes. */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/

/** Quotes `word` for a POSIX shell when it needs quoting (single quotes; a `'` inside as `'\''`). */
export function shellQuote(word: string): string {
  return SHELL_SAFE.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`
}

/**
 * A duration for people: `2 minutes`, `1 minute 30 seconds`, `1 hour`, `1.5 seconds`, `250 ms`.
 */
export function formatDuration(ms: number): string {
  if (ms < MS_PER_SECOND) return `${ms} ms`
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`
  const totalSeconds = ms / MS_PER_SECOND
  const hours = Math.floor(totalSeconds / (SECONDS_PER_MINUTE * MINUTES_PER_HOUR))
  const minutes = Math.floor(totalSeconds / SECONDS_PER_MINUTE) % MINUTES_PER_HOUR
  const seconds = Math.round((totalSeconds % SECONDS_PER_MINUTE) * 10) / 10
  const parts = [
    ...(hours > 0 ? [plural(hours, 'hour')] : []),
    ...(minutes > 0 ? [plural(minutes, 'minute')] : []),
    ...(seconds > 0 ? [plural(seconds, 'second')] : []),
  ]
  return parts.join(' ')
}

/** The command the other participant runs to join this room: same room, server and app id; the secret only named. */
export function inviteCommand(options: InviteOptions & { server: string }): string {
  const words = ['signalbox', 'join', options.room, '--server', options.server]
  if (options.appId !== undefined) words.push('--app-id', options.appId)
  return words.map((word) => shellQuote(printable(word))).join(' ')
}

/** What to say while waiting `answerTimeoutMs` for someone to answer. */
export function invitation(options: InviteOptions, answerTimeoutMs: number): Invitation {
  const wait = formatDuration(answerTimeoutMs)
  const room = JSON.stringify(printable(options.room))
  if (options.server === undefined) {
    return {
      lines: [
        `waiting up to ${wait} for another participant in this process to join room ${room}:`,
        '  without --server the store is in this process, so nobody elsewhere can reach it;',
        '  run signalbox serve and join with --server <its URL> to meet someone on another terminal or machine',
      ],
    }
  }
  const command = inviteCommand({ ...options, server: options.server })
  return {
    command,
    lines: [
      `waiting up to ${wait} for someone to join room ${room}; ask them to run:`,
      `  ${command}${options.secret === true ? '   (with the same --secret)' : ''}`,
    ],
  }
}
