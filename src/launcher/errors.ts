/**
 * The SAFE Launcher's error vocabulary: `{ errorCode, description }` bodies,
 * validation errors as `errorCode: 400`, network and FFI errors as the negative
 * codes of safe_core, and ONE table ({@link LAUNCHER_CODES}) from which both
 * directions are read: the server's {@link SignalingError} → Launcher answer,
 * and the client's Launcher answer → {@link SignalingError} code.
 *
 * @module
 */
import { SignalingError, type SignalingErrorCode } from '../errors.js'

/** One negative code of the Launcher, what it means to signalbox, and whether the server answers with it. */
export interface LauncherCode {
  readonly errorCode: number
  /** As the Launcher worded it. */
  readonly description: string
  /** The HTTP status it comes with. */
  readonly status: number
  /** What a client makes of it; absent: `ERR_STORE_REJECTED`. */
  readonly signaling?: SignalingErrorCode
  /** The server answers a {@link SignalingError} of code `signaling` with this one (one entry per code). */
  readonly answers?: true
}

/** The negative codes, their descriptions, statuses and meanings: the one table both directions read. */
export const LAUNCHER_CODES = {
  /** The structured data is larger than the network accepts. */
  DATA_TOO_LARGE: { errorCode: -1, description: 'CoreError::StructuredDataHeaderSizeProhibitive', status: 400, signaling: 'ERR_RECORD_TOO_LARGE', answers: true },
  /** Bytes that do not decode (a serialised handle, say). */
  ENCODE_DECODE: { errorCode: -2, description: 'CoreError::UnsuccessfulEncodeDecode', status: 400 },
  /** A read of data that does not exist. */
  NO_SUCH_DATA: { errorCode: -18, description: 'CoreError::GetFailure::GetError::NoSuchData', status: 404, signaling: 'ERR_NOT_FOUND' },
  /** The record store did not answer. */
  NETWORK_OTHER: { errorCode: -19, description: 'CoreError::GetFailure::GetError::NetworkOther', status: 503, signaling: 'ERR_STORE_UNAVAILABLE', answers: true },
  /** An update or delete of data that does not exist. */
  MUTATION_NO_SUCH_DATA: { errorCode: -22, description: 'CoreError::MutationFailure::MutationError::NoSuchData', status: 400, signaling: 'ERR_NOT_FOUND', answers: true },
  /** A save of a name and type tag that are taken. */
  DATA_EXISTS: { errorCode: -23, description: 'CoreError::MutationFailure::MutationError::DataExists', status: 400, signaling: 'ERR_EXISTS', answers: true },
  /** An update or delete by someone who is not the owner. */
  NOT_OWNER: { errorCode: -25, description: 'CoreError::MutationFailure::MutationError::InvalidSuccessor', status: 400, signaling: 'ERR_NOT_OWNER', answers: true },
  /** The network (here: the record store) holds as much as it allows. */
  NETWORK_FULL: { errorCode: -27, description: 'CoreError::MutationFailure::MutationError::NetworkFull', status: 400, signaling: 'ERR_STORE_FULL', answers: true },
  /** A handle the server no longer knows (it restarted, or forgot it): the whole call may be tried again. */
  INVALID_STRUCT_DATA_HANDLE: { errorCode: -1513, description: 'FfiError::InvalidStructDataHandle', status: 400, signaling: 'ERR_STORE_UNAVAILABLE' },
  INVALID_DATA_ID_HANDLE: { errorCode: -1514, description: 'FfiError::InvalidDataIdHandle', status: 400, signaling: 'ERR_STORE_UNAVAILABLE' },
  INVALID_CIPHER_OPT_HANDLE: { errorCode: -1517, description: 'FfiError::InvalidCipherOptHandle', status: 400 },
  UNSUPPORTED_OPERATION: { errorCode: -1525, description: 'FfiError::UnsupportedOperation', status: 400 },
} as const satisfies Record<string, LauncherCode>

const CODES: readonly LauncherCode[] = Object.values(LAUNCHER_CODES)

/** An error answer of the Launcher API: an HTTP status and the `{ errorCode, description }` body. */
export class LauncherError extends Error {
  /**
   * @param status - the HTTP status
   * @param errorCode - 400 for validation errors, a negative code for network and FFI errors
   * @param description - the text clients show
   */
  constructor(
    readonly status: number,
    readonly errorCode: number,
    readonly description: string,
  ) {
    super(description)
    this.name = 'LauncherError'
  }

  /** The JSON body. */
  toBody(): { errorCode: number; description: string } {
    return { errorCode: this.errorCode, description: this.description }
  }
}

/** A 400 validation error with the Launcher's `errorCode: 400`. */
export function badRequest(description: string): LauncherError {
  return new LauncherError(400, 400, description)
}

/** The answer of a network or FFI error, with its status from {@link LAUNCHER_CODES}. */
export function launcherError(code: LauncherCode, description?: string): LauncherError {
  return new LauncherError(code.status, code.errorCode, description ?? code.description)
}

/** Requests that need a token and came without one. */
export const unauthorised = (): LauncherError => new LauncherError(401, 400, 'Unauthorised access')
/** Writes by an app that was not granted `LOW_LEVEL_API`. */
export const lowLevelApiNotGranted = (): LauncherError => new LauncherError(403, 400, 'Low level api access is not granted')

/**
 * The one place every failure becomes a Launcher answer: a {@link LauncherError}
 * as it is, a {@link SignalingError} by its code, anything else as `null` (the
 * caller answers 500 and logs it).
 */
export function toLauncherError(error: unknown): LauncherError | null {
  if (error instanceof LauncherError) return error
  if (error instanceof SignalingError) {
    const code = CODES.find((entry) => entry.answers === true && entry.signaling === error.code)
    return code === undefined ? badRequest(error.message) : launcherError(code)
  }
  return null
}

/**
 * What a client makes of an error answer: `ERR_STORE_UNAVAILABLE` for a server
 * that is down or busy (5xx, 408, 429), the meaning of a known `errorCode`, and
 * `ERR_STORE_REJECTED` for anything else.
 */
export function signalingCodeOf(status: number, errorCode: number | undefined): SignalingErrorCode {
  if (status >= 500 || status === 429 || status === 408) return 'ERR_STORE_UNAVAILABLE'
  return CODES.find((entry) => entry.errorCode === errorCode)?.signaling ?? 'ERR_STORE_REJECTED'
}

/** `POST auth` refused: the token table, or the caller's share of it, is full (`ERR_STORE_UNAVAILABLE` on the client: try later). */
export function tooManyTokens(reason: string, retryMs: number): LauncherError {
  return new LauncherError(429, 429, `No new token: ${reason}; revoke tokens you no longer use (DELETE auth), or try again in ${Math.ceil(retryMs / 1000)} s`)
}

/** The server is at a global limit (open connections, push reads): try again later. */
export function serverBusy(reason: string): LauncherError {
  return new LauncherError(503, 503, `Server busy: ${reason}; try again in a few seconds`)
}

/** `POST auth` without the server's key (`serve --auth-key`). */
export function wrongAuthKey(): LauncherError {
  return new LauncherError(401, 400, 'This server hands out tokens only with its key: send it as the X-Signalbox-Auth-Key header (ask its operator)')
}
