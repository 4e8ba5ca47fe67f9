/**
 * The in-page half of the browser bench's one-page rows, bundled by esbuild
 * (signalbox from src/index.ts with its own peer, PeerJS 1.5 from its dist
 * build) and run in headless Chromium. Each function times, with the
 * page's clock, one handshake between two peers in this page: from the moment
 * before the first store or Peer object is made until both sides' data channels
 * are open. Each one gives up after `timeoutMs` (rejecting) and always closes
 * what it made.
 */
import { Peer, type DataConnection } from 'peerjs'
import { createSignaling, SafeLauncherStore, type SignalingSession } from '../../src/index.js'

/** Where PeerServer is (directly or through the delaying proxy). */
export interface PeerServerAddress {
  host: string
  port: number
}

/** The functions the page offers the bench, as `window.signalboxBench`. */
export interface InPageBench {
  /** Two signalbox participants (each its own SafeLauncherStore on `url`) join `room` at the same moment. */
  signalboxTogether(url: string, room: string, timeoutMs: number): Promise<number>
  /** The second participant joins once the first has stored its offer; timed from the second's start. */
  signalboxLate(url: string, room: string, timeoutMs: number): Promise<number>
  /** Two Peer objects start together; once both are open, the first connects to the second. */
  peerjsTogether(server: PeerServerAddress, ids: [string, string], timeoutMs: number): Promise<number>
  /** The second Peer starts once the first is open, and connects to it when its own is open; timed from the second's start. */
  peerjsLate(server: PeerServerAddress, ids: [string, string], timeoutMs: number): Promise<number>
}

declare global {
  interface Window {
    signalboxBench: InPageBench
  }
}

/** Most time cleaning up may take after an iteration, in ms. */
const CLEANUP_TIMEOUT_MS = 2_000

/** `promise`, or a rejection saying what did not happen within `timeoutMs`. */
function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${timeoutMs} ms`)), timeoutMs)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

async function hangUpAll(calls: SignalingSession[], stores: SafeLauncherStore[]): Promise<void> {
  await within(Promise.allSettled(calls.map((call) => call.hangup())), CLEANUP_TIMEOUT_MS, 'hang-up').catch(() => undefined)
  await within(Promise.allSettled(stores.map((store) => store.close())), CLEANUP_TIMEOUT_MS, 'closing the stores').catch(() => undefined)
}

async function signalboxTogether(url: string, room: string, timeoutMs: number): Promise<number> {
  const start = performance.now()
  const stores = [new SafeLauncherStore({ url }), new SafeLauncherStore({ url })]
  const calls = stores.map((store) => createSignaling({ store }).join(room))
  try {
    await within(Promise.all(calls.map((call) => call.connected)), timeoutMs, 'both signalbox participants connected')
    return performance.now() - start
  } finally {
    await hangUpAll(calls, stores)
  }
}

async function signalboxLate(url: string, room: string, timeoutMs: number): Promise<number> {
  const stores = [new SafeLauncherStore({ url })]
  let offerStored = () => {}
  const stored = new Promise<void>((resolve) => (offerStored = resolve))
  const first = createSignaling({ store: stores[0]! }).join(room, {
    onSnapshot: (snapshot) => {
      if (snapshot.value === 'pollingAnswer') offerStored()
    },
  })
  first.connected.catch(() => undefined)
  const calls = [first]
  try {
    await within(stored, timeoutMs, "the first signalbox participant's offer stored")
    const start = performance.now()
    stores.push(new SafeLauncherStore({ url }))
    calls.push(createSignaling({ store: stores[1]! }).join(room))
    await within(Promise.all(calls.map((call) => call.connected)), timeoutMs, 'both signalbox participants connected')
    return performance.now() - start
  } finally {
    await hangUpAll(calls, stores)
  }
}

/** A Peer with the id `id` on `server`, loopback only: no STUN or TURN servers. */
function makePeer(id: string, server: PeerServerAddress): Peer {
  return new Peer(id, { ...server, path: '/peerjs', key: 'peerjs', secure: false, config: { iceServers: [] }, debug: 0 })
}

function opened(peer: Peer): Promise<void> {
  return new Promise((resolve, reject) => {
    peer.once('open', () => resolve())
    peer.once('error', reject)
  })
}

/** `from` connects to `to`; resolves when the data connection is open on both sides. */
function connectBoth(from: Peer, to: Peer): Promise<void> {
  const incoming = new Promise<void>((resolve, reject) => {
    to.once('connection', (connection: DataConnection) => connection.once('open', () => resolve()))
    to.once('error', reject)
  })
  const outgoing = new Promise<void>((resolve, reject) => {
    from.connect(to.id).once('open', () => resolve())
    from.once('error', reject)
  })
  return Promise.all([incoming, outgoing]).then(() => undefined)
}

async function peerjsTogether(server: PeerServerAddress, ids: [string, string], timeoutMs: number): Promise<number> {
  const start = performance.now()
  const peers = ids.map((id) => makePeer(id, server))
  try {
    const [first, second] = peers as [Peer, Peer]
    await within(
      Promise.all(peers.map(opened)).then(() => connectBoth(first, second)),
      timeoutMs,
      'both PeerJS data connections open',
    )
    return performance.now() - start
  } finally {
    for (const peer of peers) peer.destroy()
  }
}

async function peerjsLate(server: PeerServerAddress, ids: [string, string], timeoutMs: number): Promise<number> {
  const peers = [makePeer(ids[0], server)]
  try {
    await within(opened(peers[0]!), timeoutMs, 'the first Peer open')
    const start = performance.now()
    const second = makePeer(ids[1], server)
    peers.push(second)
    await within(
      opened(second).then(() => connectBoth(second, peers[0]!)),
      timeoutMs,
      'both PeerJS data connections open',
    )
    return performance.now() - start
  } finally {
    for (const peer of peers) peer.destroy()
  }
}

window.signalboxBench = { signalboxTogether, signalboxLate, peerjsTogether, peerjsLate }
