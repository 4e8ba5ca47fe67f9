/**
 * A deterministic stand-in for simple-peer: fake peers made by one
 * {@link FakePeerNetwork} signal, connect and exchange data with each other
 * through microtasks, with no WebRTC, so tests of a UI or of the machine run
 * in microseconds and always the same way.
 *
 * @module
 */
import type { PeerFactory, PeerLike } from '../peer/simple-peer.js'
import type { SessionSignal } from '../protocol/records.js'
import { nextTurn } from './time.js'

type Listener = (...args: never[]) => void

/** How the peers of a {@link FakePeerNetwork} behave. */
export interface FakePeerNetworkOptions {
  /** Produce the offer or answer when asked (default true); false leaves the machine waiting for its signal timeout. */
  signal?: boolean
  /** Connect once offer and answer are exchanged (default true); false leaves them waiting for the connect timeout. */
  connect?: boolean
}

/** Makes fake peers that find each other by the ids in their fake session descriptions. */
export class FakePeerNetwork {
  /** Every peer made, in order. */
  readonly peers: FakePeer[] = []
  /** What this network's peers do. */
  readonly options: Required<FakePeerNetworkOptions>

  /** @param options - see {@link FakePeerNetworkOptions} */
  constructor(options: FakePeerNetworkOptions = {}) {
    this.options = { signal: options.signal ?? true, connect: options.connect ?? true }
  }

  /** The {@link PeerFactory} to pass as `createPeer`. */
  readonly createPeer: PeerFactory<FakePeer> = ({ initiator }) => {
    const peer = new FakePeer(this, this.peers.length + 1, initiator)
    this.peers.push(peer)
    return peer
  }

  /** The peer with this id, if this network made it. */
  find(id: number): FakePeer | undefined {
    return this.peers[id - 1]
  }
}

/** A fake peer: the {@link PeerLike} surface of simple-peer, plus controls for tests. */
export class FakePeer implements PeerLike {
  /** The remote peer, once the descriptions name it. */
  remote: FakePeer | null = null
  /** True between `connect` and `close`. */
  connected = false
  /** True once destroyed. */
  destroyed = false
  /** Descriptions handed to {@link FakePeer.signal}, in order. */
  readonly signals: SessionSignal[] = []
  private readonly listeners = new Map<string, Set<Listener>>()

  /** Made by {@link FakePeerNetwork.createPeer}; the initiator signals its offer on the next microtask. */
  constructor(
    private readonly network: FakePeerNetwork,
    /** This peer's id in its network, from 1. */
    readonly id: number,
    /** True for the side that offers. */
    readonly initiator: boolean,
  ) {
    if (initiator && network.options.signal) this.later(() => this.emit('signal', { type: 'offer', sdp: `fake-offer:${id}` }))
  }

  signal(data: SessionSignal): void {
    if (this.destroyed) {
      this.fail('ERR_DESTROYED', 'cannot signal after peer is destroyed')
      return
    }
    this.signals.push(data)
    const remote = this.network.find(Number(/^fake-(?:offer|answer):(\d+)$/.exec(data.sdp)?.[1]))
    if (!this.initiator && data.type === 'offer') {
      this.remote = remote ?? null
      if (this.network.options.signal) this.later(() => this.emit('signal', { type: 'answer', sdp: `fake-answer:${this.id}` }))
    } else if (this.initiator && data.type === 'answer' && remote !== undefined) {
      this.remote = remote
      if (this.network.options.connect && remote.remote === this) {
        // Connecting takes network round trips: a later turn of the event loop, not a microtask.
        nextTurn(() => {
          if (this.destroyed || remote.destroyed) return
          this.connected = remote.connected = true
          remote.emit('connect')
          this.emit('connect')
        })
      }
    }
  }

  send(data: string | Uint8Array): void {
    const remote = this.remote
    if (!this.connected || remote === null) throw Object.assign(new Error('cannot send before connect'), { code: 'ERR_DATA_CHANNEL' })
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
    this.later(() => remote.connected && remote.emit('data', bytes))
  }

  destroy(error?: Error): void {
    if (this.destroyed) return
    this.destroyed = true
    const wasConnected = this.connected
    this.connected = false
    this.later(() => {
      if (error !== undefined) this.emit('error', error)
      this.emit('close')
    })
    if (wasConnected && this.remote !== null && !this.remote.destroyed) this.remote.destroy()
  }

  /** Test control: emits an `error` with simple-peer's `code`, as a failing connection would. */
  fail(code = 'ERR_ICE_CONNECTION_FAILURE', message = 'Ice connection failed.'): void {
    this.later(() => this.emit('error', Object.assign(new Error(message), { code })))
  }

  on(event: string, listener: Listener): this {
    let set = this.listeners.get(event)
    if (set === undefined) this.listeners.set(event, (set = new Set()))
    set.add(listener)
    return this
  }

  removeAllListeners(event?: string): this {
    if (event === undefined) this.listeners.clear()
    else this.listeners.delete(event)
    return this
  }

  private emit(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) (listener as (...values: unknown[]) => void)(...args)
  }

  private later(fn: () => void): void {
    queueMicrotask(fn)
  }
}
