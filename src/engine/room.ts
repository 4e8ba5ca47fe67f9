/**
 * Rooms of many: `joinRoom(room, { maxPeers })` joins a room of up to
 * `maxPeers` participants, each connected to every other (a full mesh), with
 * an API a Trystero user recognises: `room.peers`, `onPeerJoin`,
 * `onPeerLeave`, `broadcast`, `leave`. With `maxPeers: 2` (the default) it is
 * the pair call of `createSignaling().join()`, records byte for byte the seed's.
 *
 * @module
 */
import { createActor, type Actor, type AnyActorRef } from 'xstate'
import { provideRoom } from '../actors/room/provide.js'
import { SignalingError } from '../errors.js'
import { roomMachine } from '../machines/room.machine.js'
import { DEFAULT_MAX_PEERS, MAX_ROOM_PEERS } from '../machines/room.types.js'
import { createPeerFactory } from '../peer/factory.js'
import type { PeerFactory, PeerLike, SimplePeerInstance } from '../peer/types.js'
import { pairRoomName, validateRoomName } from '../protocol/addresses.js'
import { MemoryStore } from '../stores/memory.js'
import { checkCount } from '../validate.js'
import { machineInputFrom, type SignalingOptions } from './options.js'
import { RoomPeers, type RoomMembers } from './room-peers.js'
import { createSignaling, type SignalingActor } from './signaling.js'

/** Random bytes in a participant's peer id: 64 bits. */
const PEER_ID_RANDOM_BYTES = 8
/** States of the pair call in which a participant of a two-person room is in the room (it offers, or answers). */
const PAIR_JOINED_STATES = new Set(['pollingAnswer', 'creatingAnswer', 'publishingAnswer', 'connecting', 'connected'])

/** A running room machine. */
export type RoomActor = Actor<typeof roomMachine>

/** Options of {@link joinRoom}: the engine's options, and the room's. */
export interface RoomOptions<TPeer extends PeerLike = SimplePeerInstance> extends SignalingOptions<TPeer> {
  /** How many participants the room allows, from 2 to 32; every participant should use the same. Default 2 (the seed's pair call). */
  maxPeers?: number
  /** Local media to send to every peer. */
  stream?: MediaStream
  /** Called with each peer as it is made, before it connects: listen for its remote `stream` here. */
  onPeer?: (peer: TPeer) => void
}

/** One participant in a room. */
export interface Room<TPeer extends PeerLike = SimplePeerInstance> extends RoomMembers<TPeer> {
  /** The room's name. */
  readonly name: string
  /** How many participants the room allows. */
  readonly maxPeers: number
  /** This participant's peer id, as the others see it (in a two-person room: the call's id, once known). */
  readonly selfId: string
  /** The XState actor: the room machine (its pairs are its children), or the pair call's signaling machine when `maxPeers` is 2. */
  readonly actor: RoomActor | SignalingActor
  /** Resolves once this participant is in the room; rejects with `ERR_ROOM_FULL` (or `ERR_ROOM_BUSY` with `maxPeers` 2). */
  readonly joined: Promise<void>
  /** Leaves the room: every connection closes (on every side), this participant's records are removed. Resolves once removed. */
  leave(): Promise<void>
}

/** A random peer id: 64 bits in hex. */
function createPeerId(): string {
  let hex = ''
  for (const byte of crypto.getRandomValues(new Uint8Array(PEER_ID_RANDOM_BYTES))) hex += byte.toString(16).padStart(2, '0')
  return hex
}

/**
 * Joins `room`, a room of up to `options.maxPeers` participants: throws
 * `ERR_INVALID_ROOM` or `ERR_INVALID_OPTION` at once; `room.joined` rejects
 * with `ERR_ROOM_FULL` when every slot is taken.
 *
 * @example
 * ```ts
 * const room = joinRoom('demo', { maxPeers: 4, store, wrtc })
 * room.onPeerJoin((id, peer) => peer.on('data', (data) => console.log(id, String(data))))
 * room.onPeerLeave((id) => console.log(id, 'left'))
 * room.broadcast('hello everyone')
 * await room.leave()
 * ```
 */
export function joinRoom<TPeer extends PeerLike = SimplePeerInstance>(room: string, options: RoomOptions<TPeer> = {}): Room<TPeer> {
  validateRoomName(room)
  const { maxPeers: requested, stream, onPeer, ...signalingOptions } = options
  const maxPeers = checkCount('maxPeers', requested ?? DEFAULT_MAX_PEERS, DEFAULT_MAX_PEERS, MAX_ROOM_PEERS)
  if (maxPeers === DEFAULT_MAX_PEERS) return joinPairRoom(room, signalingOptions, { stream, onPeer })
  // The longest room name derived (the last pair's) must be a valid room name too.
  validateRoomName(pairRoomName(room, maxPeers - 2, maxPeers - 1))
  const input = machineInputFrom(signalingOptions)
  if (options.createPeer?.trickle === true) {
    throw new SignalingError(
      'ERR_INVALID_OPTION',
      'Invalid createPeer: a room of more than two does not trickle ICE, so the candidates of peers made with trickle: true would never reach the others. Make them with trickle: false (createSimplePeerFactory() does by default).',
    )
  }
  const ownsStore = options.store === undefined
  const store = options.store ?? new MemoryStore(options.clock === undefined ? {} : { clock: options.clock })
  const createPeer =
    options.createPeer ??
    (createPeerFactory({
      ...(options.wrtc === undefined ? {} : { wrtc: options.wrtc }),
      ...(options.iceServers === undefined ? {} : { iceServers: options.iceServers }),
    }) as unknown as PeerFactory<TPeer>)
  const provided = provideRoom<TPeer>({
    store,
    createPeer,
    stream,
    onPeer,
    secret: options.secret,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    ...(options.storeRetries === undefined ? {} : { storeRetries: options.storeRetries }),
    ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
  })
  const { appId, ...pair } = input
  const selfId = createPeerId()
  const actor = createActor(provided.machine, {
    input: { room, peerId: selfId, maxPeers, ...(appId === undefined ? {} : { appId }), pair },
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.inspect === undefined ? {} : { inspect: options.inspect as never }),
  })
  const peers = new RoomPeers<TPeer>()
  const joined = new Promise<void>((resolve, reject) => {
    actor.subscribe((snapshot) => {
      if (snapshot.matches('present')) resolve()
      else if (snapshot.value === 'failed') reject(snapshot.context.error ?? new SignalingError('ERR_STORE_UNAVAILABLE'))
      else if (snapshot.value === 'left') reject(new SignalingError('ERR_CLOSED', 'Left the room before joining it: join again.'))
    })
  })
  joined.catch(() => {})
  actor.subscribe({
    next(snapshot) {
      const children = snapshot.children as Record<string, AnyActorRef | undefined>
      for (const id of Object.keys(snapshot.context.pairs)) {
        const pairActor = children[id]
        if (pairActor !== undefined) peers.follow(id, pairActor)
      }
      for (const id of peers.followedIds()) if (!(id in snapshot.context.pairs) || snapshot.status !== 'active') peers.unfollow(id)
    },
  })
  actor.start()
  let leaving: Promise<void> | null = null
  return {
    name: room,
    maxPeers,
    selfId,
    ...peers.members(),
    actor,
    joined,
    leave: () =>
      (leaving ??= (async () => {
        if (actor.getSnapshot().status === 'active') actor.send({ type: 'LEAVE' })
        for (const id of peers.followedIds()) peers.unfollow(id)
        await provided.released()
        if (ownsStore) await store.close?.()
      })()),
  }
}

/** A two-person room: the pair call of `createSignaling().join()`, unchanged, behind the room API. */
function joinPairRoom<TPeer extends PeerLike>(
  room: string,
  options: SignalingOptions<TPeer>,
  joinOptions: Pick<RoomOptions<TPeer>, 'stream' | 'onPeer'>,
): Room<TPeer> {
  const signaling = createSignaling<TPeer>(options)
  const session = signaling.join(room, {
    ...(joinOptions.stream === undefined ? {} : { stream: joinOptions.stream }),
    ...(joinOptions.onPeer === undefined ? {} : { onPeer: joinOptions.onPeer }),
  })
  const peers = new RoomPeers<TPeer>()
  const callId = (): string => session.actor.getSnapshot().context.selfId ?? room
  const joined = new Promise<void>((resolve, reject) => {
    session.actor.subscribe((snapshot) => {
      if (PAIR_JOINED_STATES.has(snapshot.value)) resolve()
      else if (snapshot.value === 'failed') reject(snapshot.context.error ?? new SignalingError('ERR_PEER'))
      else if (snapshot.value === 'closed') reject(new SignalingError('ERR_CLOSED', 'Left the room before joining it: join again.'))
    })
  })
  joined.catch(() => {})
  peers.follow('pair', session.actor as AnyActorRef, callId)
  let leaving: Promise<void> | null = null
  return {
    name: room,
    maxPeers: DEFAULT_MAX_PEERS,
    get selfId() {
      return callId()
    },
    ...peers.members(),
    actor: session.actor,
    joined,
    leave: () =>
      (leaving ??= (async () => {
        await session.hangup()
        peers.unfollow('pair')
        await signaling.close()
      })()),
  }
}
