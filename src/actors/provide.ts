/**
 * The I/O behind the statechart's names, one file per actor: `readRoom`,
 * `publishOffer`, `pollAnswer`, `publishAnswer`, `peer`, `holdRoom`,
 * `withdrawOffer`, `trickleCandidates`, `followRemote`, and the
 * `releaseRecords` action. `provideSignaling(deps)` returns the machine with
 * these provided; tests pass a fake store, peer or clock the same way, without
 * module mocking. Every actor stops its work when XState stops it.
 *
 * @module
 */
import { signalingMachine } from '../machines/signaling.machine.js'
import type { PeerLike } from '../peer/types.js'
import { holdRoomActor, type BusyTiming } from './hold-room.js'
import { createParticipant, type SignalingDeps } from './participant.js'
import { peerActor } from './peer.js'
import { pollAnswerActor } from './poll-answer.js'
import { publishAnswerActor } from './publish-answer.js'
import { confirmOfferActor } from './confirm-offer.js'
import { publishOfferActor } from './publish-offer.js'
import { readRoomActor } from './read-room.js'
import { releaseRecordsAction } from './release-records.js'
import { followRemoteActor } from './follow-remote.js'
import { trickleCandidatesActor } from './trickle-candidates.js'
import { withdrawOfferActor } from './withdraw-offer.js'

/** The machine with its actors provided, and the end of its cleanup. */
export interface ProvidedSignaling {
  /** `signalingMachine` with every actor and action implemented. */
  machine: typeof signalingMachine
  /** Resolves once every release of records started so far (on entering `failed` or `closed`) has finished. */
  released(): Promise<void>
}

/**
 * Implements the machine's actors and actions over `deps`. One call per
 * participant: it remembers what that participant published, to remove it.
 * `busy` sets the busy marker's lifetime (the pairs of a room of many hold
 * theirs as briefly as their slot); the pair call keeps the seed's.
 */
export function provideSignaling<TPeer extends PeerLike>(deps: SignalingDeps<TPeer>, busy?: BusyTiming): ProvidedSignaling {
  const participant = createParticipant(deps)
  const machine = signalingMachine.provide({
    actors: {
      readRoom: readRoomActor(participant),
      publishOffer: publishOfferActor(participant),
      pollAnswer: pollAnswerActor(participant),
      publishAnswer: publishAnswerActor(participant),
      confirmOffer: confirmOfferActor(participant),
      peer: peerActor(deps),
      holdRoom: holdRoomActor(participant, busy),
      withdrawOffer: withdrawOfferActor(participant),
      trickleCandidates: trickleCandidatesActor(participant),
      // With trickle: false, the seed's behaviour: the other side's first description is all this participant reads.
      ...(deps.trickle === true ? { followRemote: followRemoteActor(participant) } : {}),
    },
    actions: { releaseRecords: releaseRecordsAction(participant) },
  })
  return { machine, released: () => participant.ledger.released() }
}
