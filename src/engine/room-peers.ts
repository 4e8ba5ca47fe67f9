/**
 * The peers of a room as its user sees them: a map of peer id to connected
 * peer, and the join and leave listeners, fed by following the pair
 * handshakes (the room machine's children, or the one call of a pair room).
 *
 * @module
 */
import type { AnyActorRef, Subscription } from 'xstate'
import type { PeerConnectedEvent } from '../actors/peer.js'
import type { PeerLike } from '../peer/types.js'

/** Called when a peer's connection opens: its id and the connected peer. */
export type PeerJoinListener<TPeer> = (id: string, peer: TPeer) => void
/** Called when a peer's connection is gone (it left, crashed, or the pair failed). */
export type PeerLeaveListener = (id: string) => void

/** The connected peers of a room and who listens for them. */
export class RoomPeers<TPeer extends PeerLike> {
  /** Peer id → connected peer. */
  readonly peers = new Map<string, TPeer>()
  private readonly joinListeners = new Set<PeerJoinListener<TPeer>>()
  private readonly leaveListeners = new Set<PeerLeaveListener>()
  private readonly followed = new Map<string, { pair: AnyActorRef; subscription: Subscription; joinedAs: () => string | null }>()

  /** Adds a join listener; returns its removal. */
  onJoin(listener: PeerJoinListener<TPeer>): () => void {
    this.joinListeners.add(listener)
    return () => this.joinListeners.delete(listener)
  }

  /** Adds a leave listener; returns its removal. */
  onLeave(listener: PeerLeaveListener): () => void {
    this.leaveListeners.add(listener)
    return () => this.leaveListeners.delete(listener)
  }

  /** The peer `id` connected: added to the map, the join listeners told. */
  join(id: string, peer: TPeer): void {
    if (this.peers.get(id) === peer) return
    if (this.peers.has(id)) this.leave(id)
    this.peers.set(id, peer)
    for (const listener of [...this.joinListeners]) listener(id, peer)
  }

  /** The peer `id` is gone: removed from the map, the leave listeners told (once). */
  leave(id: string): void {
    if (!this.peers.delete(id)) return
    for (const listener of [...this.leaveListeners]) listener(id)
  }

  /**
   * Follows the pair handshake `pair` (a signaling machine actor) as the
   * peer `id`: joined while it is `connected` with a peer, left when it leaves
   * `connected`. `idOf` may name the peer from the snapshot instead.
   */
  follow(id: string, pair: AnyActorRef, idOf: (snapshot: PairSnapshot) => string = () => id): void {
    if (this.followed.get(id)?.pair === pair) return
    this.unfollow(id)
    let peerActor: AnyActorRef | undefined
    let connectedPeer: TPeer | null = null
    let joinedAs: string | null = null
    const update = (snapshot: PairSnapshot): void => {
      const current = snapshot.children['peer']
      if (current !== undefined && current !== peerActor) {
        peerActor = current
        connectedPeer = null
        current.on('connected', (event) => {
          if (peerActor !== current) return
          connectedPeer = (event as PeerConnectedEvent<TPeer>).peer
          update(pair.getSnapshot() as PairSnapshot)
        })
      }
      if (snapshot.value === 'connected' && connectedPeer !== null) {
        joinedAs = idOf(snapshot)
        this.join(joinedAs, connectedPeer)
      } else if (joinedAs !== null) {
        this.leave(joinedAs)
        joinedAs = null
      }
    }
    const subscription = pair.subscribe({
      next: (snapshot) => update(snapshot as PairSnapshot),
      error: () => {
        if (joinedAs !== null) this.leave(joinedAs)
      },
    })
    this.followed.set(id, { pair, subscription, joinedAs: () => joinedAs })
    update(pair.getSnapshot() as PairSnapshot)
  }

  /** Stops following the pair of `id`; the peer leaves if it was connected. */
  unfollow(id: string): void {
    const followed = this.followed.get(id)
    if (followed === undefined) return
    followed.subscription.unsubscribe()
    this.followed.delete(id)
    const joinedAs = followed.joinedAs()
    if (joinedAs !== null) this.leave(joinedAs)
  }

  /** The room API's view of these peers: the map, the join and leave listeners, and `broadcast` to every connected peer. */
  members(): RoomMembers<TPeer> {
    return {
      peers: this.peers,
      onPeerJoin: (listener) => this.onJoin(listener),
      onPeerLeave: (listener) => this.onLeave(listener),
      broadcast: (data) => {
        for (const peer of this.peers.values()) peer.send(data)
      },
    }
  }

  /** The ids of the pairs followed. */
  followedIds(): string[] {
    return [...this.followed.keys()]
  }
}

/** What a room offers about its peers (part of `Room`, room.ts). */
export interface RoomMembers<TPeer> {
  /** Peer id → connected peer, for every peer connected now. */
  readonly peers: ReadonlyMap<string, TPeer>
  /** Calls `listener(id, peer)` for each peer that connects from now on; returns its removal. */
  onPeerJoin(listener: PeerJoinListener<TPeer>): () => void
  /** Calls `listener(id)` for each connected peer that goes (left, crashed, or its connection failed); returns its removal. */
  onPeerLeave(listener: PeerLeaveListener): () => void
  /** Sends `data` to every connected peer. */
  broadcast(data: string | Uint8Array): void
}

/** What {@link RoomPeers.follow} reads of a pair's snapshot. */
export interface PairSnapshot {
  value: unknown
  children: Record<string, AnyActorRef | undefined>
  context: { selfId?: string | null }
}
