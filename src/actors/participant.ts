/**
 * What the actors of one participant share: its dependencies, its room keys,
 * the ledger of what it published, and store calls that retry transient
 * failures until their actor's `signal` aborts them.
 *
 * @module
 */
import { defer, firstValueFrom, Observable, race, type SchedulerLike } from 'rxjs'
import { SignalingError } from '../errors.js'
import { realClock, schedulerFromClock, type SignalingClock } from '../time/clock.js'
import { retryTransient, RETRY_BASE_DELAY_MS, STORE_RETRIES } from '../time/retry.js'
import { POLL_INTERVAL_MS } from '../time/polling.js'
import type { PeerFactory, PeerLike } from '../peer/types.js'
import { encodeRecord, type SessionSignal } from '../protocol/records.js'
import type { SignalStore } from '../stores/store.js'
import { PublishedRecords } from './ledger.js'
import { RoomKeys } from './room-keys.js'

/** What the machine's actors need from the outside world. */
export interface SignalingDeps<TPeer extends PeerLike = PeerLike> {
  /** Where offers and answers are stored. */
  store: SignalStore
  /** Makes the WebRTC peer. */
  createPeer: PeerFactory<TPeer>
  /** Local media for the peer (camera, microphone). */
  stream?: MediaStream | undefined
  /** Called with each peer as it is made (before it connects), to listen for its remote `stream` early. */
  onPeer?: ((peer: TPeer) => void) | undefined
  /**
   * The peers trickle ICE (`trickle: true` peers): the first description waits
   * for a candidate or the end of gathering. Candidates are folded into the
   * published record either way. Default false (a peer that signals once).
   */
  trickle?: boolean | undefined
  /** A room secret: offers and answers are encrypted end to end under a key derived from it and the room. */
  secret?: string | undefined
  /** Times polls, retries and record timestamps. Pass the same clock to `createActor`. Default: the wall clock. */
  clock?: SignalingClock
  /** Time between answer reads, in ms. Default {@link POLL_INTERVAL_MS}. */
  pollIntervalMs?: number
  /** Retries of a store call that failed transiently. Default {@link STORE_RETRIES}. */
  storeRetries?: number
  /** First retry backoff, in ms, doubling. Default {@link RETRY_BASE_DELAY_MS}. */
  retryDelayMs?: number
}

/** One participant's store side: its dependencies with defaults applied, and what its store actors share. */
export interface Participant {
  /** Where offers and answers are stored. */
  readonly store: SignalStore
  /** Times polls, retries and record timestamps. */
  readonly clock: SignalingClock
  /** The RxJS scheduler over {@link Participant.clock}. */
  readonly scheduler: SchedulerLike
  /** Time between answer reads, in ms. */
  readonly pollIntervalMs: number
  /** Retries of a transiently failed store call, and the first backoff in ms. */
  readonly retry: { readonly retries: number; readonly baseDelayMs: number }
  /** The room keys (sealing and opening of descriptions). */
  readonly keys: RoomKeys
  /** What this participant published, and its release. */
  readonly ledger: PublishedRecords
  /** Ids this participant wrote as its targetId: its own offer is never answered. */
  readonly ownSelfIds: Set<string>
  /** Its peers trickle: its records say so (`trickle: true`), and it follows the other side's. */
  readonly trickle: boolean
}

/** Makes the participant of `deps`; the secret is checked here (`ERR_INVALID_OPTION`). */
export function createParticipant(deps: Omit<SignalingDeps, 'createPeer' | 'stream' | 'onPeer'>): Participant {
  const clock = deps.clock ?? realClock
  const participant: Participant = {
    store: deps.store,
    clock,
    scheduler: schedulerFromClock(clock),
    pollIntervalMs: deps.pollIntervalMs ?? POLL_INTERVAL_MS,
    retry: { retries: deps.storeRetries ?? STORE_RETRIES, baseDelayMs: deps.retryDelayMs ?? RETRY_BASE_DELAY_MS },
    keys: new RoomKeys(deps.secret),
    // The release is the cleanup of a hang-up: nothing aborts it; a removal that keeps failing is left to the record's ttl.
    ledger: new PublishedRecords((address) => storeCall(participant, undefined, () => deps.store.remove(address))),
    ownSelfIds: new Set(),
    trickle: deps.trickle === true,
  }
  return participant
}

/**
 * Runs a store call, retrying transient failures with backoff on the
 * participant's clock. When `signal` aborts, the call and any retry still to
 * come stop at once and the promise rejects with the signal's reason (pass
 * the same `signal` to the store so it can abort the request in flight).
 */
export function storeCall<T>(participant: Participant, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
  const calls = defer(call).pipe(retryTransient<T>({ ...participant.retry, scheduler: participant.scheduler }))
  return firstValueFrom(signal === undefined ? calls : race(calls, abortion(signal)))
}

/** What {@link publishRecord} writes: our description, the id to answer at, and the record's lifetime. */
export interface PublishRequest {
  /** The store address of the record. */
  address: string
  /** The room whose key seals the description. */
  room: string
  /** The app id, part of the room key. */
  appId: string
  /** Our session description. */
  description: SessionSignal
  /** The id written as the record's `targetId`. */
  targetId: string
  /** The record's lifetime, in ms. */
  ttlMs: number
}

/**
 * Creates the record of our description at `request.address` (retried, booked
 * in the ledger, aborted by `signal`). Resolves `null`, or, when the store's
 * `createOrRead` answered a lost create with the record that won, its data;
 * rejects with `ERR_EXISTS` when lost otherwise.
 */
export async function publishRecord(participant: Participant, request: PublishRequest, signal: AbortSignal | undefined): Promise<string | null> {
  const { address, ttlMs } = request
  const record = await participant.keys.recordOf(request.description, request.room, request.appId, {
    targetId: request.targetId,
    now: participant.clock.now(),
    ttlMs,
    trickle: participant.trickle,
  })
  signal?.throwIfAborted()
  const data = encodeRecord(record)
  const { store, ledger } = participant
  let existing: string | null = null
  await storeCall(participant, signal, () =>
    ledger.create(address, async () => {
      if (store.createOrRead === undefined) return store.create(address, data, { ttlMs, signal })
      existing = await store.createOrRead(address, data, { ttlMs, signal })
      // Lost: a definite refusal, so that the ledger books no address of ours.
      if (existing !== null) throw new SignalingError('ERR_EXISTS')
    }).catch((error: unknown) => {
      if (existing === null) throw error
    }),
  )
  return existing
}

/** An observable that fails with the signal's reason once it aborts (at once if it has). */
function abortion(signal: AbortSignal): Observable<never> {
  return new Observable<never>((subscriber) => {
    const abort = (): void => subscriber.error(signal.reason)
    if (signal.aborted) {
      abort()
      return undefined
    }
    signal.addEventListener('abort', abort, { once: true })
    return () => signal.removeEventListener('abort', abort)
  })
}
