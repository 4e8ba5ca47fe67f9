/**
 * What tests of many participants on one machine share: every participant
 * comes from 127.0.0.1, so the per-address caps that answer one hostile client
 * (docs/security.md) would count them all as one and are lifted; and the wait
 * until every participant of a room is connected to every other.
 */
import type { PeerLike, Room } from '../../src/index.js'
import type { ServerOptions } from '../../src/server/index.js'

/** The per-address caps lifted for many participants from one address (the global caps stay). */
export const ONE_ADDRESS_CROWD = {
  maxTokensPerAddress: 10_000,
  newTokensPerAddressPerMinute: 10_000,
  maxConnectionsPerAddress: 10_000,
  recordBytesPerAddress: 2 ** 30,
} as const satisfies ServerOptions

/** True when every participant of `room` is connected to every other. */
export function isMeshed<TPeer extends PeerLike>(room: Room<TPeer>[]): boolean {
  return room.every((participant) => participant.peers.size === room.length - 1)
}

/** Resolves once every participant of `room` is connected to every other. */
export function fullMesh<TPeer extends PeerLike>(room: Room<TPeer>[]): Promise<void> {
  return new Promise((resolve) => {
    const check = () => isMeshed(room) && resolve()
    for (const participant of room) participant.onPeerJoin(check)
    check()
  })
}
