/**
 * The options of `createSignaling`: their type, their valibot schema (each
 * limit a named constant of the layer that owns it), and
 * {@link machineInputFrom}, which checks them and returns the machine's input.
 *
 * @module
 */
import type { ActorOptions } from 'xstate'
import * as v from 'valibot'
import type { signalingMachine } from '../machines/signaling.machine.js'
import type { SignalingInput } from '../machines/signaling.types.js'
import type { PeerFactory, PeerLike, SimplePeerFactoryOptions, SimplePeerInstance } from '../peer/types.js'
import { MAX_APP_ID_LENGTH } from '../protocol/addresses.js'
import { secretSchema } from '../protocol/sealing.js'
import { isSignalStore, type SignalStore } from '../stores/store.js'
import type { SignalingClock } from '../time/clock.js'
import { MAX_STORE_RETRIES } from '../time/retry.js'
import { countSchema, msSchema, parseWith, textSchema } from '../validate.js'
import { SignalingError } from '../errors.js'

/** Longest timeout accepted, in ms: 12 hours, so an offer's lifetime (answer + connect timeout) stays within a store's one-day limit. */
export const MAX_TIMEOUT_MS = 12 * 60 * 60 * 1000
/** Shortest time between answer reads, in ms. */
export const MIN_POLL_INTERVAL_MS = 1
/** Shortest first retry backoff, in ms (0: retry at once). */
export const MIN_RETRY_DELAY_MS = 0

/** Options of `createSignaling`; all optional. */
export interface SignalingOptions<TPeer extends PeerLike = SimplePeerInstance> {
  /** Where offers and answers meet. Default: a new `MemoryStore` (participants in this process). */
  store?: SignalStore
  /** Node's WebRTC implementation: `import wrtc from '@roamhq/wrtc'`. Not needed in browsers. */
  wrtc?: SimplePeerFactoryOptions['wrtc']
  /** STUN and TURN servers for the peers. Default: none. */
  iceServers?: RTCIceServer[]
  /** Makes peers instead of signalbox's own (then `wrtc` and `iceServers` are unused): `createSimplePeerFactory()` for simple-peer's; `signalbox/testing` has a fake. */
  createPeer?: PeerFactory<TPeer>
  /**
   * Trickle ICE through the store (default true with signalbox's own peers): the
   * description is published as soon as it carries the host candidates, and
   * later candidates follow as updates of the same record, each update a
   * complete description (a seed-style reader always finds one). `false` is the
   * seed's behaviour: one record, written once ICE gathering is complete.
   * With your own `createPeer`: as its peers do when signalbox's factories made
   * it (`createSimplePeerFactory({ trickle: true })` trickles), else false;
   * true says its peers trickle. `false` with peers that trickle is refused
   * (`ERR_INVALID_OPTION`): their candidates would never reach the other side.
   */
  trickle?: boolean
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
  /** How long a hang-up waits for the data channel to deliver what was sent and the other side to close, in ms. Default 2000. */
  drainTimeoutMs?: number
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

/** The checked options; the others (`wrtc`, `iceServers`, `clock`, `inspect`) pass through unchecked. */
export const signalingOptionsSchema = v.looseObject(
  {
    appId: v.optional(textSchema('appId', MAX_APP_ID_LENGTH)),
    pollIntervalMs: v.optional(msSchema('pollIntervalMs', MIN_POLL_INTERVAL_MS)),
    storeRetries: v.optional(countSchema('storeRetries', 0, MAX_STORE_RETRIES)),
    retryDelayMs: v.optional(msSchema('retryDelayMs', MIN_RETRY_DELAY_MS)),
    signalTimeoutMs: v.optional(msSchema('signalTimeoutMs', 1, MAX_TIMEOUT_MS)),
    answerTimeoutMs: v.optional(msSchema('answerTimeoutMs', 1, MAX_TIMEOUT_MS)),
    connectTimeoutMs: v.optional(msSchema('connectTimeoutMs', 1, MAX_TIMEOUT_MS)),
    drainTimeoutMs: v.optional(msSchema('drainTimeoutMs', 1, MAX_TIMEOUT_MS)),
    secret: v.optional(secretSchema),
    trickle: v.optional(v.boolean('Invalid trickle: pass true or false.')),
    store: v.optional(
      v.custom<SignalStore>(isSignalStore, 'Invalid store: pass an object with create, update, read and remove methods (a SignalStore).'),
    ),
    createPeer: v.optional(v.function('Invalid createPeer: pass a function that makes a peer.')),
  },
  'Invalid options: pass an object, or nothing for the defaults.',
)

/**
 * The machine's input (all but the room) from `createSignaling`'s options;
 * throws `ERR_INVALID_OPTION` naming the first bad option (a secret where there
 * is no WebCrypto to seal with among them, see `secretSchema`).
 */
export function machineInputFrom(options: unknown): Omit<SignalingInput, 'room'> {
  const checked = parseWith(signalingOptionsSchema, options, 'ERR_INVALID_OPTION')
  const input: Omit<SignalingInput, 'room'> = {}
  if (checked.appId !== undefined) input.appId = checked.appId
  if (checked.signalTimeoutMs !== undefined) input.signalTimeoutMs = checked.signalTimeoutMs
  if (checked.answerTimeoutMs !== undefined) input.answerTimeoutMs = checked.answerTimeoutMs
  if (checked.connectTimeoutMs !== undefined) input.connectTimeoutMs = checked.connectTimeoutMs
  if (checked.drainTimeoutMs !== undefined) input.drainTimeoutMs = checked.drainTimeoutMs
  return input
}

/**
 * Whether participants trickle ICE through the store: `trickle` as given, else
 * as `createPeer`'s peers do (its `trickle`, which signalbox's factories set),
 * else true for signalbox's own peers and false for a factory that does not say.
 *
 * @throws {SignalingError} `ERR_INVALID_OPTION` for `trickle: false` with peers that trickle.
 */
export function trickleOf(options: { trickle?: boolean | undefined; createPeer?: PeerFactory<PeerLike> | undefined }): boolean {
  const peersTrickle = options.createPeer?.trickle
  if (options.trickle === false && peersTrickle === true) {
    throw new SignalingError(
      'ERR_INVALID_OPTION',
      'Invalid trickle: createPeer makes peers that trickle (trickle: true), whose candidates would never reach the other side with trickle: false. Leave trickle out, or make the peers with trickle: false.',
    )
  }
  return options.trickle ?? peersTrickle ?? options.createPeer === undefined
}
