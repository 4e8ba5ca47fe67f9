/**
 * `signalbox join <room>`: one participant from the command line, with real
 * WebRTC. Prints each state it enters (or one JSON object a line), says while
 * it waits who should join and how, sends `--message` and the lines read on
 * stdin once connected, prints what it receives, and ends after a hang-up
 * (Ctrl-C, SIGTERM, or the end of stdin unless `stay`) or when the other side
 * closes. Everything that came from outside is printed through ./printable.ts.
 *
 * @module
 */
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { createSignaling, type SignalingSession } from '../engine/signaling.js'
import type { SignalingOptions } from '../engine/options.js'
import { isSignalingError, SignalingError } from '../errors.js'
import type { SimplePeerInstance } from '../peer/simple-peer.js'
import type { SignalStore } from '../stores/store.js'
import { invitation, type InviteOptions } from './invite.js'
import { createOutput, KEEP_ALIVE_MS } from './output.js'
import { printable, printableLines } from './printable.js'

/** What {@link runJoin} needs. */
export interface JoinCommandOptions {
  room: string
  /** Node's WebRTC implementation (`@roamhq/wrtc`). */
  wrtc: NonNullable<SignalingOptions['wrtc']>
  /** Where to meet: the command line chooses it (`--server`); this participant closes it when done. */
  store: SignalStore
  /** One JSON object a line instead of text. */
  json?: boolean
  /** A line to send once connected. */
  message?: string
  /** Lines to send once connected; its end hangs up (unless {@link JoinCommandOptions.stay}). */
  input?: Readable
  /** Keep the call when `input` ends: only a hang-up (`signal`) or the other side closing ends it. */
  stay?: boolean
  /** The meeting flags, to tell the other participant how to join while waiting. Default: no server. */
  invite?: Omit<InviteOptions, 'room'>
  /** Where lines go. Default: stdout. */
  write?: (line: string) => void
  /** Where the failure line (`signalbox: ERR_…: message`) goes. Default: stderr. */
  writeError?: (line: string) => void
  /** Engine options: timeouts, app id, ICE servers, room secret. */
  signaling?: Omit<SignalingOptions, 'store' | 'wrtc' | 'createPeer'>
  /** Hangs up when aborted (the CLI aborts on SIGINT and SIGTERM). */
  signal?: AbortSignal
}

/** Longest wait for the data channel to send what is queued before hanging up, in ms. */
const DRAIN_TIMEOUT_MS = 2_000
const DRAIN_CHECK_MS = 20

/** Runs one participant; resolves with the exit code: 0 after a hang-up or the other side closing, 1 on failure. */
export async function runJoin(options: JoinCommandOptions): Promise<number> {
  const { write, writeError, emit } = createOutput(options)
  const reportFailure = (error: SignalingError) => writeError(`signalbox: ${error.code}: ${printable(error.message)}`)

  const store = options.store
  let invited = false
  const invite = (answerTimeoutMs: number) => {
    if (invited) return
    invited = true
    const { command, lines } = invitation({ ...options.invite, room: options.room }, answerTimeoutMs)
    if (options.json !== true) for (const line of lines) write(line)
    else emit('', { waiting: { room: options.room, answerTimeoutMs, ...(command === undefined ? {} : { command }), sameSecret: options.invite?.secret === true } })
  }

  let session: SignalingSession<SimplePeerInstance>
  try {
    session = createSignaling({ ...options.signaling, store, wrtc: options.wrtc }).join(options.room, {
      onSnapshot: (() => {
        let last: string | undefined
        return (snapshot) => {
          if (snapshot.value === last) return
          last = snapshot.value
          const error = snapshot.context.error
          if (snapshot.value === 'failed' && error !== null) {
            emit(`failed  ${error.code}: ${printable(error.message)}`, { state: 'failed', error: { code: error.code, message: error.message } })
          } else {
            emit(snapshot.value, { state: snapshot.value })
          }
          if (snapshot.value === 'pollingAnswer') invite(snapshot.context.answerTimeoutMs)
        }
      })(),
    })
  } catch (error) {
    await store.close?.()
    throw error
  }

  const keepAlive = setInterval(() => {}, KEEP_ALIVE_MS)
  const queued: string[] = options.message === undefined ? [] : [options.message]
  let inputEnded = options.input === undefined
  let peer: SimplePeerInstance | null = null
  let hangingUp: Promise<void> | null = null
  const hangup = (): Promise<void> => (hangingUp ??= (async () => {
    if (peer !== null) await drain(peer)
    await session.hangup()
  })())
  const hangupAtEndOfInput = () => options.stay !== true && options.input !== undefined && inputEnded
  const send = (line: string) => {
    peer!.send(line)
    emit(`> ${printable(line)}`, { sent: line })
  }

  const lines = options.input === undefined ? undefined : createInterface({ input: options.input, crlfDelay: Infinity })
  lines?.on('line', (line) => (peer === null ? queued.push(line) : send(line)))
  lines?.on('close', () => {
    inputEnded = true
    if (peer !== null && hangupAtEndOfInput()) void hangup()
  })
  options.signal?.addEventListener('abort', () => void hangup(), { once: true })

  const ended = new Promise<'closed' | 'failed'>((resolve) => {
    session.actor.subscribe((snapshot) => {
      if (snapshot.value === 'closed') resolve('closed')
      else if (snapshot.value === 'failed') resolve('failed')
    })
  })

  try {
    try {
      peer = await session.connected
      peer.on('data', (data: Uint8Array) => {
        const text = new TextDecoder().decode(data)
        if (options.json === true) emit('', { received: text })
        else for (const line of printableLines(text)) emit(`< ${line}`, {})
      })
      // Every line read before stdin ended (and --message) goes out before the hang-up below.
      for (const line of queued.splice(0)) send(line)
      if (hangupAtEndOfInput()) void hangup()
    } catch (error) {
      if (!isSignalingError(error, 'ERR_CLOSED')) {
        reportFailure(isSignalingError(error) ? error : new SignalingError('ERR_PEER', String(error)))
        lines?.close()
        await session.hangup()
        await store.close?.()
        return 1
      }
    }
    const outcome = await ended
    if (outcome === 'failed') {
      reportFailure(session.actor.getSnapshot().context.error ?? new SignalingError('ERR_PEER'))
      await session.hangup()
    } else {
      await hangingUp
    }
    lines?.close()
    await store.close?.()
    return outcome === 'closed' ? 0 : 1
  } finally {
    clearInterval(keepAlive)
  }
}

/**
 * Waits until the data channel has handed what is queued to the connection
 * (simple-peer's `bufferSize`, its channel's `bufferedAmount`), at most
 * {@link DRAIN_TIMEOUT_MS}, so lines sent just before a hang-up are not dropped
 * here. Delivery of what the transport still holds when the peer is destroyed
 * is the engine's hang-up (issue 15, item 11).
 */
async function drain(peer: SimplePeerInstance): Promise<void> {
  for (let waited = 0; waited < DRAIN_TIMEOUT_MS && peer.bufferSize > 0; waited += DRAIN_CHECK_MS) {
    await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS))
  }
}
