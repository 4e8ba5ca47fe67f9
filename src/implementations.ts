/**
 * The I/O behind the statechart's names: store calls, the answer poll, the
 * peer and the release of records. `provideSignaling(deps)` returns the
 * machine with these provided; tests pass a fake store, peer or clock the
 * same way, without module mocking.
 *
 * @module
 */
import { defer, firstValueFrom, from, map, type Observable } from 'rxjs'
import { fromCallback, fromObservable, fromPromise } from 'xstate'
import {
  signalingMachine,
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
import { realClock, schedulerFromClock, type SignalingClock } from './clock.js'
import { peerError, type PeerFactory, type PeerLike } from './peer.js'
import { POLL_INTERVAL_MS, pollForRecord } from './polling.js'
import {
  answerAddress,
  badRecordError,
  createRecord,
  createSelfId,
  decodeRecord,
  encodeRecord,
  isRecordExpired,
  roomAddress,
  type SessionSignal,
  type SignalRecord,
} from './protocol.js'
import { retryTransient, RETRY_BASE_DELAY_MS, STORE_RETRIES } from './retry.js'
import type { SignalStore } from './stores/store.js'

/** What the machine's actors need from the outside world. */
export interface SignalingDeps<TPeer extends PeerLike = PeerLike> {
  /** Where offers and answers are stored. */
  store: SignalStore
  /** Makes the WebRTC peer. */
  createPeer: PeerFactory<TPeer>
  /** Local media for the peer (camera, microphone). */
  stream?: MediaStream | undefined
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
  let currentPeer: TPeer | null = null

  const storeCall = <T>(call: () => Promise<T>): Promise<T> => firstValueFrom(defer(call).pipe(retryTransient<T>(retryOptions)))

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

  const decodeAnswer = (data: string | null): SessionSignal | null => {
    if (data === null) return null
    const record = decodeRecord(data, 'answer')
    return isRecordExpired(record, clock.now()) ? null : record.payload
  }

  const machine = signalingMachine.provide({
    actors: {
      readRoom: fromPromise<RoomOffer | null, ReadRoomInput>(async ({ input }) => {
        const address = roomAddress(input.room, input.appId)
        const data = await storeCall(() => store.read(address))
        if (data === null) return null
        const record = decodeRecord(data, 'offer')
        if (isRecordExpired(record, clock.now())) return null
        if (record.targetId === undefined) {
          throw badRecordError('the offer names no targetId to answer at')
        }
        if (ownSelfIds.has(record.targetId)) {
          // Our own earlier offer (a retried create that had landed): take it back and offer again.
          await storeCall(() => store.remove(address))
          created.delete(address)
          return null
        }
        return { signal: record.payload, targetId: record.targetId }
      }),
      publishOffer: fromPromise<PublishOutput, PublishOfferInput>(async ({ input }) => {
        const selfId = createSelfId(input.room)
        ownSelfIds.add(selfId)
        const record = createRecord(input.signal, { targetId: selfId, now: clock.now(), ttlMs: input.ttlMs })
        await createRecordAt(roomAddress(input.room, input.appId), record, input.ttlMs)
        return { selfId }
      }),
      pollAnswer: fromObservable<SessionSignal, PollAnswerInput>(({ input }) => {
        const address = answerAddress(input.selfId, input.appId)
        const watch: Observable<SessionSignal | null> | undefined = store.watch?.(address).pipe(map(decodeAnswer))
        return pollForRecord(() => from(store.read(address)).pipe(map(decodeAnswer)), {
          intervalMs: deps.pollIntervalMs ?? POLL_INTERVAL_MS,
          retries: retryOptions.retries,
          retryDelayMs: retryOptions.baseDelayMs,
          scheduler,
          ...(watch === undefined ? {} : { watch }),
        })
      }),
      publishAnswer: fromPromise<PublishOutput, PublishAnswerInput>(async ({ input }) => {
        const selfId = createSelfId(input.room)
        const record = createRecord(input.signal, { targetId: selfId, now: clock.now(), ttlMs: input.ttlMs })
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
