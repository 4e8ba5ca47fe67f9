/**
 * signalbox: connect two WebRTC peers through a shared key-value store.
 *
 * @example
 * ```ts
 * import wrtc from '@roamhq/wrtc'
 * import { createSignaling } from 'signalbox'
 *
 * const call = createSignaling({ wrtc }).join('my-room')
 * const peer = await call.connected
 * ```
 *
 * @module
 */
export {
  ANSWER_TIMEOUT_MS,
  CONNECT_TIMEOUT_MS,
  MAX_JOIN_ATTEMPTS,
  SIGNAL_TIMEOUT_MS,
  signalingMachine,
  type PeerActorInput,
  type HoldRoomInput,
  type PeerCommand,
  type PollAnswerInput,
  type PublishAnswerInput,
  type PublishOfferInput,
  type PublishOutput,
  type ReadRoomInput,
  type RoomOffer,
  type SignalingContext,
  type SignalingEvent,
  type SignalingInput,
  type SignalingRole,
} from './machines/signaling.machine.js'
export { realClock, schedulerFromClock, type SignalingClock } from './time/clock.js'
export { deriveRoomKey, MAX_SECRET_LENGTH, openSignal, sealSignal, SECRET_KDF_ITERATIONS, validateSecret } from './protocol/sealing.js'
export {
  createSignaling,
  MAX_TIMEOUT_MS,
  type JoinOptions,
  type Signaling,
  type SignalingActor,
  type SignalingOptions,
  type SignalingSession,
  type SignalingSnapshot,
} from './engine/signaling.js'
export {
  ERROR_CODES,
  isSignalingError,
  SignalingError,
  toSignalingError,
  type SignalingErrorCode,
  type SignalingErrorOptions,
} from './errors.js'
export { BUSY_REFRESH_MS, BUSY_TTL_MS, provideSignaling, type ProvidedSignaling, type SignalingDeps } from './actors/provide.js'
export {
  createSimplePeerFactory,
  peerError,
  type PeerFactory,
  type PeerFactoryOptions,
  type PeerLike,
  type SimplePeerFactoryOptions,
  type SimplePeerInstance,
} from './peer/simple-peer.js'
export { POLL_INTERVAL_MS, pollForRecord, type PollOptions } from './time/polling.js'
export {
  answerAddress,
  createBusyRecord,
  createRecord,
  createSealedRecord,
  createSelfId,
  decodeRecord,
  DEFAULT_APP_ID,
  encodeRecord,
  isRecordExpired,
  MAX_RECORD_BYTES,
  MAX_ROOM_LENGTH,
  RECORD_VERSION,
  roomAddress,
  validateRoomName,
  BUSY_OFFER_SDP,
  type BusyRecordOptions,
  type RecordOptions,
  type SessionSignal,
  type SignalRecord,
} from './protocol/records.js'
export { isTransientError, RETRY_BASE_DELAY_MS, retryTransient, STORE_RETRIES, type RetryOptions } from './time/retry.js'
export { MAX_MEMORY_RECORDS, MemoryRecords, MemoryStore, type MemoryStoreOptions } from './stores/memory.js'
export { OwnedStore, recordErrors, type RecordBackend, type RecordEntry } from './stores/records.js'
export { SafeLauncherStore, type SafeLauncherStoreOptions } from './stores/launcher/store.js'
export { REQUEST_TIMEOUT_MS } from './stores/launcher/client.js'
export { nameOf } from './stores/launcher/handles.js'
export { DEFAULT_LAUNCHER_URL, UNVERSIONED_TYPE_TAG, WATCH_WAIT_MS, type LauncherApp } from './launcher/api.js'
export {
  checkAddress,
  checkData,
  checkWrite,
  DEFAULT_RECORD_TTL_MS,
  isSignalStore,
  MAX_ADDRESS_LENGTH,
  MAX_RECORD_TTL_MS,
  resolveTtl,
  type SignalStore,
  type StoreCallOptions,
  type StoreWriteOptions,
} from './stores/store.js'
