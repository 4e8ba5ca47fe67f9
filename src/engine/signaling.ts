/**
 * The engine: `createSignaling(options)` wires a store, a WebRTC peer factory
 * and a clock into the statechart, and `join(room)` starts one call.
 *
 * @module
 */
import { createActor, type Actor, type ActorOptions, type AnyActorRef, type SnapshotFrom } from 'xstate'
import { signalingMachine, type SignalingInput } from '../machines/signaling.machine.js'
import type { SignalingClock } from '../time/clock.js'
import { validateSecret } from '../protocol/sealing.js'
import { SignalingError, toSignalingError } from '../errors.js'
import { provideSignaling } from '../actors/provide.js'
import type { PeerConnectedEvent } from '../actors/peer.js'
import { createSimplePeerFactory, type PeerFactory, type PeerLike, type SimplePeerFactoryOptions, type SimplePeerInstance } from '../peer/simple-peer.js'
import { validateRoomName } from '../protocol/records.js'
import { MemoryStore } from '../stores/memory.js'
import { isSignalStore, type SignalStore } from '../stores/store.js'
import { checkCount, checkMs } from '../validate.js'
import { createDeferred } from './deferred.js'

/** Longest timeout accepted, in ms: 12 hours, so an offer's lifetime (answer + connect timeout) stays within a store's one-day limit. */
export const MAX_TIMEOUT_MS = 12 * 60 * 60 * 1000

/** A running signaling machine. */
export type SignalingActor = Actor<typeof signalingMachine>

/** Options of {@link createSignaling}; all optional. */
export interface SignalingOptions<TPeer extends PeerLike = SimplePeerInstance> {
  /** Where offers and answers meet. Default: a new {@link MemoryStore} (participants in this process). */
  store?: SignalStore
  /** Node's WebRTC implementation: `import wrtc from '@roamhq/wrtc'`. Not needed in browsers. */
  wrtc?: SimplePeerFactoryOptions['wrtc']
  /** STUN and TURN servers for the peers. Default: none. */
  iceServers?: RTCIceServer[]
  /** Makes peers instead of simple-peer (then `wrtc` and `iceServers` are unused); `signalbox/testing` has a fake. */
  createPeer?: PeerFactory<TPeer>
  /** Part of every store address. Default `example.signaling.v1` (the seed's). */
  appId?: string
  /** The clock of delays, polls and timestamps; XState's `SimulatedClock` in tests. Default: the wall clock. */
  clock?: SignalingClock
  /** Time between answer reads, in ms. Default 2000. */
  pollIntervalMs?: number
  /** How long the peer may take to produce its description, in ms. Default 15000. */
  signalTimeoutMs?: number
  /** How long the initiator waits for an answer, in ms. Default 120000. */
  answerTimeoutMs?: number
  /** How long the peers may take to connect after the exchange, in ms. Default 30000. */
  connectTimeoutMs?: number
  /** Retries of a store call that failed transiently. Default 3. */
  storeRetries?: number
  /** First retry backoff, in ms, doubling. Default 250. */
  retryDelayMs?: number
  /**
   * A room secret: offers and answers are encrypted end to end (AES-GCM, key from
   * PBKDF2 of the secret, the app id and the room), so the store never sees SDP or
   * IP addresses. Both participants need the same secret (`ERR_BAD_SECRET` otherwise).
   */
  secret?: string
  /** An XState inspector (for example `createBrowserInspector().inspect` from `@statelyai/inspect`). */
  inspect?: ActorOptions<typeof signalingMachine>['inspect']
}

/** A snapshot of the signaling machine: `value` is the state name, `context` the data. */
export type SignalingSnapshot = SnapshotFrom<typeof signalingMachine>

/** Options of one {@link Signaling.join}. */
export interface JoinOptions<TPeer extends PeerLike = SimplePeerInstance> {
  /** Local media to send (camera, microphone); none for a data-only call. */
  stream?: MediaStream
  /** Called with every snapshot from the very first (`idle`), before `join` returns. */
  onSnapshot?: (snapshot: SignalingSnapshot) => void
  /** Called with each peer as it is made, before it connects: listen for its remote `stream` here. */
  onPeer?: (peer: TPeer) => void
}

/** One participant's call in one room. */
export interface SignalingSession<TPeer extends PeerLike = SimplePeerInstance> {
  /** The room joined. */
  readonly room: string
  /** The XState actor: subscribe to it, inspect it, send it `HANGUP` or `RETRY`. */
  readonly actor: SignalingActor
  /**
   * The connected peer (data channel open) of the current attempt. Rejects with
   * the {@link SignalingError} of `failed`, or `ERR_CLOSED` when hung up first.
   * After {@link SignalingSession.retry} it is the new attempt's promise.
   */
  readonly connected: Promise<TPeer>
  /** Joins again after `failed`; resolves as {@link SignalingSession.connected}. */
  retry(): Promise<TPeer>
  /** Ends the call: the peer is destroyed and what this participant published is removed. Resolves once removed. */
  hangup(): Promise<void>
}

/** What {@link createSignaling} returns. */
export interface Signaling<TPeer extends PeerLike = SimplePeerInstance> {
  /** The store in use. */
  readonly store: SignalStore
  /** Starts a call in `room`; throws `ERR_INVALID_ROOM` for a bad name. */
  join(room: string, options?: JoinOptions<TPeer>): SignalingSession<TPeer>
  /** Hangs up every call; closes the store if it was made here. */
  close(): Promise<void>
}

/**
 * Creates a signaling engine.
 *
 * @example
 * ```ts
 * import wrtc from '@roamhq/wrtc'
 * const signaling = createSignaling({ wrtc })
 * const call = signaling.join('my-room')
 * call.actor.subscribe((snapshot) => console.log(snapshot.value))
 * const peer = await call.connected
 * peer.send('hello')
 * await call.hangup()
 * ```
 */
export function createSignaling<TPeer extends PeerLike = SimplePeerInstance>(
  options: SignalingOptions<TPeer> = {},
): Signaling<TPeer> {
  const input = machineInput(options)
  if (options.secret !== undefined) validateSecret(options.secret)
  if (options.store !== undefined && !isSignalStore(options.store)) {
    throw new SignalingError('ERR_INVALID_OPTION', 'Invalid store: pass an object with create, update, read and remove methods (a SignalStore).')
  }
  if (options.createPeer !== undefined && typeof options.createPeer !== 'function') {
    throw new SignalingError('ERR_INVALID_OPTION', 'Invalid createPeer: pass a function that makes a peer.')
  }
  const ownsStore = options.store === undefined
  const store = options.store ?? new MemoryStore(options.clock === undefined ? {} : { clock: options.clock })
  const createPeer =
    options.createPeer ??
    (createSimplePeerFactory({
      ...(options.wrtc === undefined ? {} : { wrtc: options.wrtc }),
      ...(options.iceServers === undefined ? {} : { iceServers: options.iceServers }),
    }) as unknown as PeerFactory<TPeer>)
  const sessions = new Set<SignalingSession<TPeer>>()
  let closed = false

  return {
    store,
    join(room, joinOptions = {}) {
      if (closed) throw new SignalingError('ERR_CLOSED', 'This signaling engine was closed: create a new one with createSignaling().')
      validateRoomName(room)
      const provided = provideSignaling<TPeer>({
        store,
        createPeer,
        stream: joinOptions.stream,
        onPeer: joinOptions.onPeer,
        secret: options.secret,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
        ...(options.storeRetries === undefined ? {} : { storeRetries: options.storeRetries }),
        ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
      })
      if (joinOptions.onSnapshot !== undefined && typeof joinOptions.onSnapshot !== 'function') {
        throw new SignalingError('ERR_INVALID_OPTION', 'Invalid onSnapshot: pass a function.')
      }
      const actor = createActor(provided.machine, {
        input,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
      })
      let attempt = createDeferred<TPeer>()
      /** The peer actor followed, and the peer it emitted once connected. */
      let peerActor: AnyActorRef | undefined
      let connectedPeer: TPeer | null = null
      if (joinOptions.onSnapshot !== undefined) actor.subscribe(joinOptions.onSnapshot)
      actor.subscribe({
        next(snapshot) {
          const current = snapshot.children.peer
          if (current !== undefined && current !== peerActor) {
            peerActor = current
            connectedPeer = null
            current.on('connected', (event) => {
              if (peerActor === current) connectedPeer = (event as PeerConnectedEvent<TPeer>).peer
            })
          }
          if (snapshot.value === 'connected' && connectedPeer !== null) attempt.resolve(connectedPeer)
          else if (snapshot.value === 'failed') attempt.reject(snapshot.context.error ?? new SignalingError('ERR_PEER'))
          else if (snapshot.value === 'closed') attempt.reject(new SignalingError('ERR_CLOSED'))
          else if (attempt.settled) attempt = createDeferred<TPeer>()
        },
        error(error) {
          attempt.reject(toSignalingError(error, 'ERR_PEER'))
        },
      })
      const session: SignalingSession<TPeer> = {
        room,
        actor,
        get connected() {
          return attempt.promise
        },
        retry() {
          actor.send({ type: 'RETRY' })
          return attempt.promise
        },
        async hangup() {
          // A call that already ended (closed) has nothing to hang up; its records are released already.
          if (actor.getSnapshot().status === 'active') actor.send({ type: 'HANGUP' })
          // HANGUP aborted the store calls in flight; the release removes whatever of ours may have landed.
          await provided.released()
          sessions.delete(session)
        },
      }
      sessions.add(session)
      actor.start()
      actor.send({ type: 'JOIN', room })
      return session
    },
    async close() {
      closed = true
      await Promise.all([...sessions].map((session) => session.hangup()))
      if (ownsStore) await store.close?.()
    },
  }
}

/** The machine input from the options, each checked (`ERR_INVALID_OPTION`). */
function machineInput(options: SignalingOptions<PeerLike>): Omit<SignalingInput, 'room'> {
  if (typeof options !== 'object' || options === null) {
    throw new SignalingError('ERR_INVALID_OPTION', 'Invalid options: pass an object, or nothing for the defaults.')
  }
  if (options.appId !== undefined && (typeof options.appId !== 'string' || options.appId.length === 0 || options.appId.length > 256)) {
    throw new SignalingError('ERR_INVALID_OPTION', 'Invalid appId: use a non-empty string of at most 256 characters.')
  }
  if (options.pollIntervalMs !== undefined) checkMs('pollIntervalMs', options.pollIntervalMs)
  if (options.storeRetries !== undefined) checkCount('storeRetries', options.storeRetries, 0, 20)
  if (options.retryDelayMs !== undefined) checkMs('retryDelayMs', options.retryDelayMs, 0)
  const input: Omit<SignalingInput, 'room'> = {}
  if (options.appId !== undefined) input.appId = options.appId
  if (options.signalTimeoutMs !== undefined) input.signalTimeoutMs = checkMs('signalTimeoutMs', options.signalTimeoutMs, 1, MAX_TIMEOUT_MS)
  if (options.answerTimeoutMs !== undefined) input.answerTimeoutMs = checkMs('answerTimeoutMs', options.answerTimeoutMs, 1, MAX_TIMEOUT_MS)
  if (options.connectTimeoutMs !== undefined) input.connectTimeoutMs = checkMs('connectTimeoutMs', options.connectTimeoutMs, 1, MAX_TIMEOUT_MS)
  return input
}
