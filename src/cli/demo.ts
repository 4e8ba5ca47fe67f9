/**
 * `signalbox demo`: the whole flow in one process, on the embedded default.
 * Alice joins a room through the in-memory store and waits; Bob joins and
 * answers; both connect with real WebRTC, say hello over the data channel,
 * and hang up. Every state each enters is printed with the time since start.
 *
 * @module
 */
import { createSignaling } from '../engine/signaling.js'
import type { SignalingOptions } from '../engine/options.js'
import { isSignalingError } from '../errors.js'
import type { SimplePeerInstance } from '../peer/simple-peer.js'
import type { MemoryStore } from '../stores/memory.js'
import { printable } from './printable.js'

/** What {@link runDemo} needs. */
export interface DemoOptions {
  /** Node's WebRTC implementation (`@roamhq/wrtc`). */
  wrtc: NonNullable<SignalingOptions['wrtc']>
  /** Where alice meets bob (bob is its `client()`): the command line gives a new in-memory store. */
  store: MemoryStore
  /** The room to meet in. Default: `demo-` and a random suffix. */
  room?: string
  /** Where lines go. Default: stdout. */
  write?: (line: string) => void
}

/** How long the demo waits for each side before giving up, in ms. */
const DEMO_TIMEOUT_MS = 20_000
const NAME_WIDTH = 5

/** Runs the demo; resolves with the exit code (0 when both sides connected, talked and hung up). */
export async function runDemo(options: DemoOptions): Promise<number> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const room = options.room ?? `demo-${Math.floor(Math.random() * 1e6)}`
  const startedAt = performance.now()
  const stamp = () => `+${Math.round(performance.now() - startedAt).toString().padStart(5)} ms`
  const say = (who: string, text: string) => write(`${stamp()}  ${who.padEnd(NAME_WIDTH)}  ${text}`)
  const store = options.store
  const engine = (participantStore: MemoryStore) =>
    createSignaling({ store: participantStore, wrtc: options.wrtc, answerTimeoutMs: DEMO_TIMEOUT_MS, connectTimeoutMs: DEMO_TIMEOUT_MS })
  const paths: Record<string, string[]> = { alice: [], bob: [] }
  const join = (who: string, participantStore: MemoryStore) =>
    engine(participantStore).join(room, {
      onSnapshot: (snapshot) => {
        if (paths[who]!.at(-1) === snapshot.value) return
        paths[who]!.push(snapshot.value)
        const error = snapshot.context.error
        say(who, snapshot.value === 'failed' && error !== null ? `failed  ${error.code}: ${printable(error.message)}` : snapshot.value)
      },
    })

  write(`signalbox demo: alice and bob meet in room "${room}" through the in-memory store, then connect with real WebRTC.`)
  write('')
  try {
    const alice = join('alice', store)
    await new Promise<void>((resolve, reject) => {
      alice.actor.subscribe((snapshot) => snapshot.value === 'pollingAnswer' && resolve())
      alice.connected.catch(reject)
    })
    const bob = join('bob', store.client())
    const [alicePeer, bobPeer] = await Promise.all([alice.connected, bob.connected])
    const heard = (who: string, peer: SimplePeerInstance) =>
      new Promise<void>((resolve) =>
        peer.once('data', (data: Uint8Array) => {
          say(who, `received "${printable(new TextDecoder().decode(data))}"`)
          resolve()
        }),
      )
    const bothHeard = Promise.all([heard('bob', bobPeer), heard('alice', alicePeer)])
    alicePeer.send('hello from alice')
    bobPeer.send('hello from bob')
    await bothHeard
    const bobClosed = new Promise<void>((resolve) => bob.actor.subscribe((snapshot) => snapshot.value === 'closed' && resolve()))
    await alice.hangup()
    await bobClosed
    await bob.hangup()
    write('')
    for (const [who, path] of Object.entries(paths)) write(`${who.padEnd(NAME_WIDTH)}  ${path.join(' → ')}`)
    write(`store: ${store.size} records left`)
    return 0
  } catch (error) {
    write('')
    write(isSignalingError(error) ? `demo failed: ${error.code}: ${printable(error.message)}` : `demo failed: ${printable(String(error))}`)
    return 1
  }
}
