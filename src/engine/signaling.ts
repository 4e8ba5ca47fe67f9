/**
 * The engine: `createSignaling(options)` wires a store, a WebRTC peer factory
 * and a clock into the statechart, and `join(room)` starts one call.
 *
 * @module
 */
import { createActor, waitFor, type Actor, type AnyActorRef, type SnapshotFrom } from 'xstate'
import { signalingMachine } from '../machines/signaling.machine.js'
import { SignalingError, toSignalingError } from '../errors.js'
import { provideSignaling } from '../actors/provide.js'
import type { PeerConnectedEvent } from '../actors/peer.js'
import { createPeerFactory } from '../peer/factory.js'
import type { PeerFactory, PeerLike, SimplePeerInstance } from '../peer/types.js'
import { validateRoomName } from '../protocol/addresses.js'
import { MemoryStore } from '../stores/memory.js'
import type { SignalStore } from '../stores/store.js'
import { createDeferred } from './deferred.js'
import { machineInputFrom, type SignalingOptions, trickleOf } from './options.js'

/** A running signaling machine. */
export type SignalingActor = Actor<typeof signalingMachine>

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
  /**
   * Ends the call: a connected peer first sends what it holds and tells the
   * other side (which closes, not fails), then it is destroyed and what this
   * participant published is removed. Resolves once removed.
   */
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
  const checked = machineInputFrom(options)
  const ownsStore = options.store === undefined
  const store = options.store ?? new MemoryStore(options.clock === undefined ? {} : { clock: options.clock })
  // A store whose lost create answers the winner: an offer ready before the room's read is published at once.
  const input = { ...checked, publishWhileReading: typeof (store as SignalStore).createOrRead === 'function' }
  // Trickle ICE: on by default with our own peer factory; a custom factory's as its peers do.
  const trickle = trickleOf(options)
  const createPeer =
    options.createPeer ??
    (createPeerFactory({
      trickle,
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
        trickle,
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
          else if (snapshot.value === 'hangingUp') return
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
          // A connected call drains and says goodbye first (hangingUp, bounded by the drain timeout), then closes.
          await waitFor(actor, (snapshot) => snapshot.status !== 'active')
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
