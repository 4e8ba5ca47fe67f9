/**
 * The signaling statechart's vocabulary: its default timeouts, input, context,
 * events, and the input and output of each actor it invokes by name.
 *
 * @module
 */
import type { SignalingError } from '../errors.js'
import type { SessionSignal } from '../protocol/records.js'

/** How long the peer may take to produce its offer or answer, in ms. */
export const SIGNAL_TIMEOUT_MS = 15_000
/** How long the initiator waits for someone to answer, in ms. */
export const ANSWER_TIMEOUT_MS = 120_000
/** How long the peers may take to connect once offer and answer are exchanged, in ms. */
export const CONNECT_TIMEOUT_MS = 30_000
/** How long a hang-up waits for the data channel to send what it holds and for the other side to close on our word, in ms. */
export const HANGUP_DRAIN_TIMEOUT_MS = 2_000
/** How many times one join reads the room again after losing the race to create it (glare). */
export const MAX_JOIN_ATTEMPTS = 3

/** Which side of the call a participant is. */
export type SignalingRole = 'initiator' | 'recipient'

/** An offer found in a room: what to answer, and where to store the answer. */
export interface RoomOffer {
  signal: SessionSignal
  targetId: string
  /** Its writer trickles (the record says `trickle: true`): the answer may go before it has a candidate. */
  trickles?: boolean
}

/** What the machine starts with; every field is optional. */
export interface SignalingInput {
  /** Join this room at once instead of waiting for `JOIN`. */
  room?: string
  /** Part of every store address. Default `example.signaling.v1`. */
  appId?: string
  /** See {@link SIGNAL_TIMEOUT_MS}. */
  signalTimeoutMs?: number
  /** See {@link ANSWER_TIMEOUT_MS}. */
  answerTimeoutMs?: number
  /** See {@link CONNECT_TIMEOUT_MS}. */
  connectTimeoutMs?: number
  /** See {@link MAX_JOIN_ATTEMPTS}. */
  maxJoinAttempts?: number
  /** See {@link HANGUP_DRAIN_TIMEOUT_MS}. */
  drainTimeoutMs?: number
  /**
   * Publish our offer as soon as it is ready, while the room is still being
   * read: for a store whose lost create answers the record that won
   * (`createOrRead`), so that losing costs no more than the read. Default false.
   */
  publishWhileReading?: boolean
}

/** The machine's context: plain data only, so inspectors can show all of it. */
export interface SignalingContext {
  room: string | null
  appId: string
  role: SignalingRole | null
  /** The id at which this participant's answer is expected (initiator) or which it wrote in its answer (recipient). */
  selfId: string | null
  /** The id the other side asked us to answer at (recipient). */
  targetId: string | null
  localSignal: SessionSignal | null
  remoteSignal: SessionSignal | null
  /** The offer answered says its writer trickles: our answer goes out before its first candidate. */
  offerTrickles: boolean
  /** The description our record was created with (the trickle writer updates the record from there). */
  publishedSignal: SessionSignal | null
  /** Set when the recipient's peer connected before its answer was acknowledged by the store. */
  peerConnected: boolean
  /** True while connected peers exchange new descriptions over the control channel (media added or removed, ICE restart). */
  renegotiating: boolean
  error: SignalingError | null
  /** Attempts of this join so far (glare sends the loser back to `joining`). */
  attempt: number
  signalTimeoutMs: number
  answerTimeoutMs: number
  connectTimeoutMs: number
  maxJoinAttempts: number
  drainTimeoutMs: number
  /** See {@link SignalingInput.publishWhileReading}. */
  publishWhileReading: boolean
}

/** Events the machine accepts. `PEER.*` come from the peer actor. */
export type SignalingEvent =
  | { type: 'JOIN'; room: string }
  | { type: 'HANGUP' }
  | { type: 'RETRY' }
  | { type: 'PEER.SIGNAL'; signal: SessionSignal }
  | { type: 'STORE.SIGNAL'; signal: SessionSignal }
  | { type: 'PEER.CONNECT' }
  | { type: 'PEER.ERROR'; error: SignalingError }
  | { type: 'PEER.CLOSE' }
  /** The other side hung up (its word on the control channel). */
  | { type: 'PEER.HANGUP' }
  /** Our hang-up is done (a peer without a control channel). */
  | { type: 'PEER.HUNG_UP' }
  /** A renegotiation description from the other side, over the control channel. */
  | { type: 'PEER.RENEGOTIATE'; signal: object }
  | { type: 'PEER.REMOTE_SIGNAL'; signal: object }
  /** A renegotiation finished: the connection is stable again. */
  | { type: 'PEER.NEGOTIATED' }
  /** The room's read (a child spawned while joining, which goes on beside our own create): what it found. */
  | { type: 'xstate.done.actor.readRoom'; output: RoomOffer | null; actorId?: string }
  /** The room's read failed. */
  | { type: 'xstate.error.actor.readRoom'; error: unknown; actorId?: string }

/**
 * What the machine sends its peer actor: a remote description from the store
 * (`SIGNAL`) or from the control channel (`APPLY`); a local renegotiation
 * description to send over the control channel (`RELAY`); `HANGUP`.
 */
export type PeerCommand =
  | { type: 'SIGNAL'; signal: SessionSignal }
  | { type: 'APPLY'; signal: object }
  | { type: 'RELAY'; signal: object }
  | { type: 'HANGUP' }

/** Input of the `peer` actor. */
export interface PeerActorInput {
  initiator: boolean
  /** Signal the first description at once, before any candidate (an answer to an offer whose writer trickles). */
  signalAtOnce?: boolean
}
/** Input of the `readRoom` actor. */
export interface ReadRoomInput {
  room: string
  appId: string
  /**
   * When set, a room read empty is watched (where the store pushes) for up to
   * this long, in ms: the read answers with the first offer that appears, so
   * that of two who start together the one whose offer is later hears of the
   * other's as it is stored, not when its own create loses. The read answers
   * `null` once our own offer appears, the wait is over, or the watch fails.
   */
  waitForOfferMs?: number
}
/** Input of the `publishOffer` actor. */
export interface PublishOfferInput {
  room: string
  appId: string
  signal: SessionSignal
  /** The offer's lifetime: the answer timeout plus the connect timeout, so a crashed initiator's offer goes away. */
  ttlMs: number
}
/** Output of `publishOffer` and `publishAnswer`: the id this participant wrote as its `targetId`, and the description written. */
export interface PublishOutput {
  selfId: string
  /** The description the record was created with; the trickle writer takes the one published when absent. */
  published?: SessionSignal
}
/** Output of `publishOffer`: as {@link PublishOutput}, or the offer that won the room when the store answered a lost create with it (no re-read). */
export interface PublishOfferOutput extends PublishOutput {
  /** Someone offered first, and the store's answer carried their offer: answer it at once. */
  lostTo?: RoomOffer
}
/** What the trickle actors (`trickleCandidates`, `followRemote`) need to find the records of a call. */
export interface TrickleInput {
  role: SignalingRole
  room: string
  appId: string
  /** Our id (initiator: where the answer is; recipient: our answer's targetId). */
  selfId: string | null
  /** The initiator's id (recipient only): where our answer is, and the targetId of the offer followed. */
  targetId: string | null
}
/** Input of the `trickleCandidates` actor: the record's description as created, and the latest. */
export interface TrickleCandidatesInput extends TrickleInput {
  published: SessionSignal
  latest: SessionSignal
  ttlMs: number
}
/** What the machine sends the `trickleCandidates` actor: our description with every candidate so far. */
export type TrickleCommand = { type: 'SIGNAL'; signal: SessionSignal }
/** Input of the `pollAnswer` actor: where the answer is expected, and the offer to publish again should the store lose it. */
export interface PollAnswerInput {
  selfId: string
  appId: string
  room: string
  signal: SessionSignal
  ttlMs: number
}
/** Input of the `withdrawOffer` actor: the offer to take back, and how long the claim on its answer address lasts. */
export interface WithdrawOfferInput {
  room: string
  appId: string
  selfId: string
  /** The claim's lifetime, in ms: longer than anyone who read the offer may take to answer it. */
  ttlMs: number
}
/** Input of the `holdRoom` actor: the room of a call in progress, and our role in it. */
export interface HoldRoomInput {
  room: string
  appId: string
  role: SignalingRole
}
/** Input of the `confirmOffer` actor: the offer answered (its room and the `targetId` it named). */
export interface ConfirmOfferInput {
  room: string
  appId: string
  targetId: string
}
/** Input of the `publishAnswer` actor. */
export interface PublishAnswerInput {
  room: string
  appId: string
  targetId: string
  signal: SessionSignal
  /** The answer's lifetime: the connect timeout (the recipient gives up then). */
  ttlMs: number
}
