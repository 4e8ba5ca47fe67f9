/**
 * The one error type of signalbox. Every failure a caller can see is a
 * {@link SignalingError} whose `code` is one of {@link ERROR_CODES}; the
 * message says what happened and what to do. docs/errors.md lists every code.
 *
 * @module
 */

/**
 * Every error code, with the default message a {@link SignalingError} of that
 * code carries. The codes are stable: match on `error.code`, never on the text.
 */
export const ERROR_CODES = {
  ERR_INVALID_ROOM:
    'The room name is invalid: use a non-empty string of at most 256 characters without control characters.',
  ERR_INVALID_OPTION: 'An option is invalid: check the value named in this message.',
  ERR_INVALID_ADDRESS:
    'The store address is invalid: use a non-empty string of at most 1024 characters.',
  ERR_INVALID_DATA: 'The store data is invalid: pass a non-empty base64 string.',
  ERR_RECORD_TOO_LARGE:
    'The record is larger than the 100 KiB limit: send less data through signaling (use trickle: false and no large payloads).',
  ERR_BAD_RECORD:
    'The store holds data that is not a valid signalbox record: the room may be used by another application; pick another room or app id.',
  ERR_EXISTS: 'A record already exists at this address: read it, or wait for it to be removed or to expire.',
  ERR_NOT_FOUND: 'No record exists at this address: create it first.',
  ERR_NOT_OWNER: 'This record belongs to another participant: only its creator may update or remove it.',
  ERR_STORE_UNAVAILABLE:
    'The signaling store did not answer after several attempts: check that it is running and reachable, then retry.',
  ERR_STORE_CLOSED: 'The store was closed: create a new store to keep signaling.',
  ERR_STORE_REJECTED:
    'The store refused the request (its answer is in this message): check the server address, the app permissions and the request.',
  ERR_BAD_SECRET:
    "The other participant's description could not be opened with this room's secret: both sides must join with the same secret (or both without one).",
  ERR_STORE_FULL: 'The store holds as many records as it allows: try again later, or raise its limit.',
  ERR_ROOM_BUSY:
    'The room already has a call being set up by others: wait for it to finish or pick another room.',
  ERR_ROOM_FULL:
    'The room already has as many participants as its maxPeers allows: wait for someone to leave, or pick another room.',
  ERR_SIGNAL_TIMEOUT:
    'WebRTC did not produce a session description in time: check the ICE servers and the WebRTC implementation.',
  ERR_ANSWER_TIMEOUT:
    'Nobody answered the offer in time: ask the other person to join the same room, then retry.',
  ERR_CONNECT_TIMEOUT:
    'The peers exchanged offer and answer but could not connect in time: check network reachability and add a TURN server.',
  ERR_ICE_FAILURE:
    'The peers could not find a network path to each other: add a TURN server to iceServers.',
  ERR_PEER: 'The WebRTC peer failed: see the cause for the underlying error.',
  ERR_PEER_CLOSED: 'The WebRTC peer closed before the call was connected: retry the call.',
  ERR_WEBRTC_UNSUPPORTED:
    "No WebRTC implementation was found: in Node pass { wrtc } from '@roamhq/wrtc'; in a browser use one with RTCPeerConnection.",
  ERR_CLOSED: 'The call was hung up: join again to start a new call.',
  ERR_MISSING_DEPENDENCY:
    'An optional package this feature needs is not installed: run the npm install command in this message.',
  ERR_NOT_PROVIDED:
    'The signaling machine was started without an implementation for one of its actors: use createSignaling() or machine.provide().',
} as const

/** A stable error code, such as `'ERR_ANSWER_TIMEOUT'`. */
export type SignalingErrorCode = keyof typeof ERROR_CODES

/** Extra information an error may carry. */
export interface SignalingErrorOptions {
  /** The underlying error, when this one wraps another. */
  cause?: unknown
}

/**
 * The error every signalbox API rejects or throws with.
 *
 * @example
 * ```ts
 * call.connected.catch((error) => {
 *   if (error instanceof SignalingError && error.code === 'ERR_ANSWER_TIMEOUT') showRetryButton()
 * })
 * ```
 */
export class SignalingError extends Error {
  /** The stable code; see {@link ERROR_CODES}. */
  readonly code: SignalingErrorCode

  /**
   * @param code - one of {@link ERROR_CODES}
   * @param message - what happened and what to do; defaults to the code's own message
   * @param options - `cause`, the error this one wraps
   */
  constructor(code: SignalingErrorCode, message?: string, options?: SignalingErrorOptions) {
    super(message ?? ERROR_CODES[code], options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'SignalingError'
    this.code = code
  }

  /** A plain-data form, so inspectors and loggers that serialise context show the code and message. */
  toJSON(): { name: string; code: SignalingErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message }
  }
}

/** True when `value` is a {@link SignalingError}, optionally with the given code. */
export function isSignalingError(value: unknown, code?: SignalingErrorCode): value is SignalingError {
  return value instanceof SignalingError && (code === undefined || value.code === code)
}

/**
 * Returns `error` when it already is a {@link SignalingError}; otherwise wraps it
 * under `fallback`, keeping the original as `cause`.
 */
export function toSignalingError(error: unknown, fallback: SignalingErrorCode): SignalingError {
  if (error instanceof SignalingError) return error
  const detail = error instanceof Error ? error.message : String(error)
  return new SignalingError(fallback, `${ERROR_CODES[fallback]} (${detail})`, { cause: error })
}
