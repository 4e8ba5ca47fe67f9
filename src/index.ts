/**
 * signalbox: connect two WebRTC peers through a shared key-value store.
 *
 * This is the browser-safe entry (the `browser` and `default` conditions of
 * `signalbox`): it imports no Node module, so bundlers need no aliases or
 * polyfills. Node gets `./node.ts`, which adds {@link loadWrtc}.
 *
 * @example
 * ```ts
 * import { createSignaling, SafeLauncherStore } from 'signalbox'
 *
 * const store = new SafeLauncherStore({ url: 'http://127.0.0.1:8100/0.5/' })
 * const call = createSignaling({ store }).join('my-room')
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
} from './machines/signaling.types.js'
export { signalingMachine } from './machines/signaling.machine.js'
export {
  DEFAULT_MAX_PEERS,
  MAX_CLAIM_ATTEMPTS,
  MAX_ROOM_PEERS,
  PAIR_RETRY_MS,
  SLOT_POLL_WITH_PUSH_MS,
  SLOT_REFRESH_MS,
  SLOT_TTL_MS,
  type ClaimSlotInput,
  type HoldSlotInput,
  type RoomContext,
  type RoomEvent,
  type RoomInput,
  type SlotOccupants,
  type WatchSlotsInput,
} from './machines/room.types.js'
export { roomMachine } from './machines/room.machine.js'
export { provideRoom, type ProvidedRoom } from './actors/room/provide.js'
export { joinRoom, type Room, type RoomActor, type RoomOptions } from './engine/room.js'
export { type PeerJoinListener, type PeerLeaveListener, type RoomMembers } from './engine/room-peers.js'
export { realClock, schedulerFromClock, type SignalingClock } from './time/clock.js'
export { deriveRoomKey, MAX_SECRET_LENGTH, openSignal, sealSignal, SECRET_KDF_ITERATIONS, secretSchema, validateSecret } from './protocol/sealing.js'
export {
  createSignaling,
  type JoinOptions,
  type Signaling,
  type SignalingActor,
  type SignalingSession,
  type SignalingSnapshot,
} from './engine/signaling.js'
export {
  machineInputFrom,
  MAX_TIMEOUT_MS,
  MIN_POLL_INTERVAL_MS,
  MIN_RETRY_DELAY_MS,
  signalingOptionsSchema,
  type SignalingOptions,
} from './engine/options.js'
export {
  ERROR_CODES,
  isSignalingError,
  SignalingError,
  toSignalingError,
  type SignalingErrorCode,
  type SignalingErrorOptions,
} from './errors.js'
export { provideSignaling, type ProvidedSignaling } from './actors/provide.js'
export { type SignalingDeps } from './actors/participant.js'
export { BUSY_REFRESH_MS, BUSY_TTL_MS } from './actors/hold-room.js'
export { type PeerConnectedEvent } from './actors/peer.js'
export {
  createSimplePeerFactory,
  type PeerFactory,
  type PeerFactoryOptions,
  type PeerLike,
  type SimplePeerEvents,
  type SimplePeerFactoryOptions,
  type SimplePeerInstance,
  type SimplePeerOptions,
  type WrtcImplementation,
} from './peer/simple-peer.js'
export { peerError } from './peer/errors.js'
export { createPeerFactory } from './peer/factory.js'
export { MAX_BUFFERED_BYTES, NativePeer, type NativePeerOptions } from './peer/native-peer.js'
export { POLL_INTERVAL_MS, pollForRecord, type PollOptions } from './time/polling.js'
export {
  answerAddress,
  createSelfId,
  DEFAULT_APP_ID,
  isValidRoomName,
  MAX_APP_ID_LENGTH,
  MAX_ROOM_LENGTH,
  pairAddress,
  pairRoomName,
  roomAddress,
  roomNameSchema,
  slotAddress,
  slotRoomName,
  validateRoomName,
} from './protocol/addresses.js'
export {
  createBusyRecord,
  createRecord,
  createSealedRecord,
  decodeRecord,
  encodeRecord,
  isRecordExpired,
  MAX_RECORD_BYTES,
  RECORD_VERSION,
  BUSY_OFFER_SDP,
  type BusyRecordOptions,
  type RecordOptions,
  type SessionSignal,
  type SignalRecord,
} from './protocol/records.js'
export { isTransientError, MAX_STORE_RETRIES, RETRY_BASE_DELAY_MS, retryTransient, STORE_RETRIES, type RetryOptions } from './time/retry.js'
export { MAX_MEMORY_RECORDS, MemoryStore, MemoryTable, type MemoryStoreOptions } from './stores/memory.js'
export { TableStore, tableErrors, type SharedTable, type TableEntry } from './stores/table.js'
export { SafeLauncherStore, type SafeLauncherStoreOptions } from './stores/launcher/store.js'
export type { WebSocketConstructor, WebSocketLike } from './stores/launcher/socket-fetch.js'
export { REQUEST_TIMEOUT_MS } from './stores/launcher/client.js'
export { nameOf } from './stores/launcher/handles.js'
export { DEFAULT_LAUNCHER_URL, UNVERSIONED_TYPE_TAG, WATCH_WAIT_MS, type LauncherApp } from './launcher/api.js'
export {
  abortable,
  addressSchema,
  checkAddress,
  checkCallOptions,
  checkData,
  checkWrite,
  dataSchema,
  DEFAULT_RECORD_TTL_MS,
  isSignalStore,
  MAX_ADDRESS_LENGTH,
  MAX_RECORD_TTL_MS,
  resolveTtl,
  ttlSchema,
  type SignalStore,
  type StoreCallOptions,
  type StoreWatchOptions,
  type StoreWriteOptions,
} from './stores/store.js'
