/**
 * The I/O behind the statechart's names: store calls, the answer poll, the
 * peer, holding the room during a call, and the release of records.
 * `provideSignaling(deps)` returns the machine with these provided; tests pass
 * a fake store, peer or clock the same way, without module mocking.
 *
 * @module
 */
import { defer, finalize, firstValueFrom, from, mergeMap, startWith, timer, type Observable } from 'rxjs'
import { fromCallback, fromObservable, fromPromise, type EventObject } from 'xstate'
import {
  signalingMachine,
  type HoldRoomInput,
  type PeerActorInput,
  type PeerCommand,
  type PollAnswerInput,
  type PublishAnswerInput,
  type PublishOfferInput,
  type PublishOutput,
  type ReadRoomInput,
  type RoomOffer,
  type SignalingEvent,
} from '../machines/signaling.machine.js'
import { realClock, schedulerFromClock, type SignalingClock } from '../time/clock.js'
import { deriveRoomKey, openSignal, sealSignal, validateSecret } from '../protocol/sealing.js'
import { SignalingError } from '../errors.js'
import { peerError, type PeerFactory, type PeerLike } from '../peer/simple-peer.js'
import { POLL_INTERVAL_MS, pollForRecord } from '../time/polling.js'
import {
  answerAddress,
  badRecordError,
  createBusyRecord,
  createRecord,
  createSealedRecord,
  createSelfId,
  decodeRecord,
  encodeRecord,
  isRecordExpired,
  roomAddress,
  type RecordOptions,
  type SessionSignal,
  type SignalRecord,
} from '../protocol/records.js'
import { retryTransient, RETRY_BASE_DELAY_MS, STORE_RETRIES } from '../time/retry.js'
import type { SignalStore } from '../stores/store.js'

/** How long the busy marker of a call in progress lives without being renewed, in ms: a crashed initiator frees its room after this. */
export const BUSY_TTL_MS = 3 * 60 * 1000
/** How often a call in progress renews its room's busy marker, in ms. */
export const BUSY_REFRESH_MS = 60 * 1000

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

/** The machine with its actors provided, and what the engine needs to follow it. */
export interface ProvidedSignaling<TPeer extends PeerLike = PeerLike> {
  /** `signalingMachine` with every actor and action implemented. */
  machine: typeof signalingMachine
  /** The peer of the current attempt, or `null` before one is made and after it is stopped. */
  readonly peer: TPeer | null
  /** Resolves once every release of records started so far has finished. */
  settled(): Promise<void>
}

/**
 * Implements the machine's actors and actions over `deps`. One call per
 * participant: it remembers what that participant published, to remove it.
 */
export function provideSignaling<TPeer extends PeerLike>(deps: SignalingDeps<TPeer>): ProvidedSignaling<TPeer> {
  const { store, createPeer } = deps
  const secret = deps.secret === undefined ? undefined : validateSecret(deps.secret)
  const clock = deps.clock ?? realClock
  const scheduler = schedulerFromClock(clock)
  const retryOptions = {
    retries: deps.storeRetries ?? STORE_RETRIES,
    baseDelayMs: deps.retryDelayMs ?? RETRY_BASE_DELAY_MS,
    scheduler,
  }
  /** Addresses this participant created and has not removed yet. */
  const created = new Set<string>()
  /** Creates not yet answered: a release waits for them, so nothing lands after it. */
  const inflight = new Set<Promise<unknown>>()
  /** Ids this participant wrote as its targetId: its own offer is never answered. */
  const ownSelfIds = new Set<string>()
  const releases = new Set<Promise<void>>()
  /** Room keys by app id and room, derived once (PBKDF2 is slow by design) and while the peer gathers ICE. */
  const keys = new Map<string, Promise<CryptoKey>>()
  let currentPeer: TPeer | null = null

  const storeCall = <T>(call: () => Promise<T>): Promise<T> => firstValueFrom(defer(call).pipe(retryTransient<T>(retryOptions)))

  const keyFor = (room: string, appId: string): Promise<CryptoKey> | undefined => {
    if (secret === undefined) return undefined
    const id = `${appId}\u0000${room}`
    let key = keys.get(id)
    if (key === undefined) keys.set(id, (key = deriveRoomKey(secret, room, appId)))
    return key
  }

  /** The record of our description: sealed with the room key when there is a secret. */
  const recordOf = async (signal: SessionSignal, room: string, appId: string, options: RecordOptions): Promise<SignalRecord> => {
    const key = keyFor(room, appId)
    return key === undefined ? createRecord(signal, options) : createSealedRecord(await sealSignal(await key, signal), options)
  }

  /** The other side's description from its record: opened with the room key, refused when secrets disagree. */
  const signalOf = async (record: SignalRecord, room: string, appId: string): Promise<SessionSignal> => {
    const key = keyFor(room, appId)
    if (key === undefined) {
      if (record.enc !== undefined) {
        throw new SignalingError('ERR_BAD_SECRET', "The other participant's description is encrypted with a room secret: join with the same secret.")
      }
      return record.payload!
    }
    if (record.enc === undefined) {
      throw new SignalingError('ERR_BAD_SECRET', "The other participant's description is not encrypted, but this call has a room secret: both sides must join with the same secret.")
    }
    return openSignal(await key, record.enc)
  }

  const createRecordAt = async (address: string, record: SignalRecord, ttlMs: number): Promise<void> => {
    const write = storeCall(() => store.create(address, encodeRecord(record), { ttlMs }))
    inflight.add(write)
    try {
      await write
      created.add(address)
    } finally {
      inflight.delete(write)
    }
  }

  const release = async (): Promise<void> => {
    await Promise.allSettled([...inflight])
    await Promise.all(
      [...created].map(async (address) => {
        try {
          await storeCall(() => store.remove(address))
        } catch {
          // The record expires on its own (its ttl); a failed removal must not fail the hang-up.
        }
        created.delete(address)
      }),
    )
  }

  const answerOf = async (data: string | null, input: PollAnswerInput): Promise<SessionSignal | null> => {
    if (data === null) return null
    const record = decodeRecord(data, 'answer')
    if (isRecordExpired(record, clock.now())) return null
    if (record.busy === true) throw badRecordError('it marks a busy room where an answer was expected')
    return signalOf(record, input.room, input.appId)
  }

  /**
   * One poll: the answer, or null. While there is none, make sure our offer is
   * still in the room: a store that lost it (a restart) gets it again, and a
   * room someone else has offered in since fails the poll with `ERR_EXISTS`.
   */
  const pollOnce = async (input: PollAnswerInput, active: () => boolean): Promise<SessionSignal | null> => {
    const answer = await answerOf(await store.read(answerAddress(input.selfId, input.appId)), input)
    if (answer !== null) return answer
    const room = roomAddress(input.room, input.appId)
    const data = await store.read(room)
    // A poll that outlived its state (the answer timed out, or HANGUP) must not publish again after the release.
    if (!active()) return null
    if (data === null) {
      const now = clock.now()
      const record = await recordOf(input.signal, input.room, input.appId, { targetId: input.selfId, now, ttlMs: input.ttlMs })
      await createRecordAt(room, record, input.ttlMs)
    } else if (decodeRecord(data, 'offer').targetId !== input.selfId) {
      throw new SignalingError('ERR_EXISTS', `Another participant offers in room "${input.room}" since the store lost our offer: answering them instead.`)
    }
    return null
  }

  const machine = signalingMachine.provide({
    actors: {
      readRoom: fromPromise<RoomOffer | null, ReadRoomInput>(async ({ input }) => {
        void keyFor(input.room, input.appId)?.catch(() => {})
        const address = roomAddress(input.room, input.appId)
        const data = await storeCall(() => store.read(address))
        if (data === null) return null
        const record = decodeRecord(data, 'offer')
        if (isRecordExpired(record, clock.now())) return null
        if (record.busy === true) {
          throw new SignalingError('ERR_ROOM_BUSY', `A call is in progress in room "${input.room}": wait for it to end or pick another room.`)
        }
        if (record.targetId === undefined) throw badRecordError('the offer names no targetId to answer at')
        if (ownSelfIds.has(record.targetId)) {
          // Our own earlier offer (a retried create that had landed): take it back and offer again.
          await storeCall(() => store.remove(address))
          created.delete(address)
          return null
        }
        return { signal: await signalOf(record, input.room, input.appId), targetId: record.targetId }
      }),
      publishOffer: fromPromise<PublishOutput, PublishOfferInput>(async ({ input }) => {
        const selfId = createSelfId(input.room)
        ownSelfIds.add(selfId)
        const record = await recordOf(input.signal, input.room, input.appId, { targetId: selfId, now: clock.now(), ttlMs: input.ttlMs })
        await createRecordAt(roomAddress(input.room, input.appId), record, input.ttlMs)
        return { selfId }
      }),
      pollAnswer: fromObservable<SessionSignal, PollAnswerInput>(({ input }) => {
        const address = answerAddress(input.selfId, input.appId)
        const watch: Observable<SessionSignal | null> | undefined = store.watch?.(address).pipe(mergeMap((data) => from(answerOf(data, input))))
        let active = true
        return pollForRecord(() => pollOnce(input, () => active), {
          intervalMs: deps.pollIntervalMs ?? POLL_INTERVAL_MS,
          retries: retryOptions.retries,
          retryDelayMs: retryOptions.baseDelayMs,
          scheduler,
          ...(watch === undefined ? {} : { watch }),
        }).pipe(
          finalize(() => {
            active = false
          }),
        )
      }),
      publishAnswer: fromPromise<PublishOutput, PublishAnswerInput>(async ({ input }) => {
        const selfId = createSelfId(input.room)
        const record = await recordOf(input.signal, input.room, input.appId, { targetId: selfId, now: clock.now(), ttlMs: input.ttlMs })
        await createRecordAt(answerAddress(input.targetId, input.appId), record, input.ttlMs)
        return { selfId }
      }),
      peer: fromCallback<PeerCommand, PeerActorInput>(({ input, sendBack, receive }) => {
        let stopped = false
        const report = (event: SignalingEvent): void => {
          if (!stopped) sendBack(event)
        }
        let peer: TPeer
        try {
          peer = createPeer({ initiator: input.initiator, stream: deps.stream })
        } catch (error) {
          report({ type: 'PEER.ERROR', error: peerError(error) })
          return
        }
        currentPeer = peer
        deps.onPeer?.(peer)
        peer.on('signal', (signal) => report({ type: 'PEER.SIGNAL', signal }))
        peer.on('connect', () => report({ type: 'PEER.CONNECT' }))
        peer.on('error', (error) => report({ type: 'PEER.ERROR', error: peerError(error) }))
        peer.on('close', () => report({ type: 'PEER.CLOSE' }))
        receive((command) => {
          try {
            peer.signal(command.signal)
          } catch (error) {
            report({ type: 'PEER.ERROR', error: peerError(error) })
          }
        })
        return () => {
          stopped = true
          if (currentPeer === peer) currentPeer = null
          peer.destroy()
        }
      }),
      holdRoom: fromCallback<EventObject, HoldRoomInput>(({ input }) => {
        if (input.role !== 'initiator') return
        const address = roomAddress(input.room, input.appId)
        let active = true
        /** Our offer becomes the busy marker, renewed while the call lasts; a failure leaves the room looking free, never the call hurt. */
        const hold = async (): Promise<void> => {
          const marker = createBusyRecord({ now: clock.now(), ttlMs: BUSY_TTL_MS, room: input.room })
          try {
            await store.update(address, encodeRecord(marker), { ttlMs: BUSY_TTL_MS })
          } catch (error) {
            // Gone (expired, or lost by the store): put the marker back, unless the call ended meanwhile.
            if (active && error instanceof SignalingError && error.code === 'ERR_NOT_FOUND') await createRecordAt(address, marker, BUSY_TTL_MS).catch(() => {})
          }
        }
        const subscription = timer(BUSY_REFRESH_MS, BUSY_REFRESH_MS, scheduler)
          .pipe(startWith(0))
          .subscribe(() => {
            if (!active) return
            // A release waits for writes in flight, so a marker never lands after the call's records are removed.
            const write = hold()
            inflight.add(write)
            void write.finally(() => inflight.delete(write))
          })
        return () => {
          active = false
          subscription.unsubscribe()
        }
      }),
    },
    actions: {
      releaseRecords: () => {
        const done = release()
        releases.add(done)
        void done.finally(() => releases.delete(done))
      },
    },
  })

  return {
    machine,
    get peer() {
      return currentPeer
    },
    async settled() {
      while (releases.size > 0) await Promise.allSettled([...releases])
    },
  }
}
