/**
 * `signalbox join <room>`: one participant from the command line, with real
 * WebRTC. Prints each state it enters (or one JSON object a line), sends
 * `--message` and the lines typed on stdin once connected, prints what it
 * receives, and ends after a hang-up (Ctrl-C, or the end of stdin) or when the
 * other side closes.
 *
 * @module
 */
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { createSignaling, type SignalingSession } from '../engine/signaling.js'
import type { SignalingOptions } from '../engine/options.js'
import { isSignalingError } from '../errors.js'
import type { SimplePeerInstance } from '../peer/simple-peer.js'
import type { SignalStore } from '../stores/store.js'

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
  /** Lines to send once connected; its end hangs up. */
  input?: Readable
  /** Where lines go. Default: stdout. */
  write?: (line: string) => void
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
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const startedAt = performance.now()
  const ms = () => Math.round(performance.now() - startedAt)
  const emit = (text: string, fields: Record<string, unknown>) =>
    write(options.json === true ? JSON.stringify({ ...fields, ms: ms() }) : `+${String(ms()).padStart(6)} ms  ${text}`)

  const store = options.store

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
            emit(`failed  ${error.code}: ${error.message}`, { state: 'failed', error: { code: error.code, message: error.message } })
          } else {
            emit(snapshot.value, { state: snapshot.value })
          }
        }
      })(),
    })
  } catch (error) {
    await store.close?.()
    throw error
  }

  const queued: string[] = options.message === undefined ? [] : [options.message]
  let inputEnded = options.input === undefined
  let peer: SimplePeerInstance | null = null
  let hangingUp: Promise<void> | null = null
  const hangup = (): Promise<void> => (hangingUp ??= (async () => {
    if (peer !== null) await drain(peer)
    await session.hangup()
  })())
  const send = (line: string) => {
    peer!.send(line)
    emit(`> ${line}`, { sent: line })
  }

  const lines = options.input === undefined ? undefined : createInterface({ input: options.input, crlfDelay: Infinity })
  lines?.on('line', (line) => (peer === null ? queued.push(line) : send(line)))
  lines?.on('close', () => {
    inputEnded = true
    if (peer !== null) void hangup()
  })
  options.signal?.addEventListener('abort', () => void hangup(), { once: true })

  const ended = new Promise<'closed' | 'failed'>((resolve) => {
    session.actor.subscribe((snapshot) => {
      if (snapshot.value === 'closed') resolve('closed')
      else if (snapshot.value === 'failed') resolve('failed')
    })
  })

  try {
    peer = await session.connected
    peer.on('data', (data: Uint8Array) => {
      const text = new TextDecoder().decode(data)
      emit(`< ${text}`, { received: text })
    })
    for (const line of queued.splice(0)) send(line)
    if (inputEnded && options.input !== undefined) void hangup()
  } catch (error) {
    if (!isSignalingError(error, 'ERR_CLOSED')) {
      lines?.close()
      await session.hangup()
      await store.close?.()
      return 1
    }
  }
  const outcome = await ended
  if (outcome === 'failed') await session.hangup()
  else await hangingUp
  lines?.close()
  await store.close?.()
  return outcome === 'closed' ? 0 : 1
}

/** Waits until the data channel has sent what is queued (so a last message is not lost), at most {@link DRAIN_TIMEOUT_MS}. */
async function drain(peer: SimplePeerInstance): Promise<void> {
  for (let waited = 0; waited < DRAIN_TIMEOUT_MS && peer.bufferSize > 0; waited += DRAIN_CHECK_MS) {
    await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS))
  }
}
