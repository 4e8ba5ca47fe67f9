/**
 * The SAFE Launcher's error vocabulary: `{ errorCode, description }` bodies,
 * validation errors as `errorCode: 400`, network and FFI errors as the negative
 * codes of safe_core, and one mapping from {@link SignalingError} to them.
 *
 * @module
 */
import { SignalingError } from '../errors.js'

/** The negative codes the server answers with, and their descriptions as the Launcher worded them. */
export const LAUNCHER_CODES = {
  /** The structured data is larger than the network accepts. */
  DATA_TOO_LARGE: { errorCode: -1, description: 'CoreError::StructuredDataHeaderSizeProhibitive' },
  /** Bytes that do not decode (a serialised handle, say). */
  ENCODE_DECODE: { errorCode: -2, description: 'CoreError::UnsuccessfulEncodeDecode' },
  /** A read of data that does not exist (HTTP 404). */
  NO_SUCH_DATA: { errorCode: -18, description: 'CoreError::GetFailure::GetError::NoSuchData' },
  /** The record store did not answer (HTTP 503). */
  NETWORK_OTHER: { errorCode: -19, description: 'CoreError::GetFailure::GetError::NetworkOther' },
  /** An update or delete of data that does not exist. */
  MUTATION_NO_SUCH_DATA: { errorCode: -22, description: 'CoreError::MutationFailure::MutationError::NoSuchData' },
  /** A save of a name and type tag that are taken. */
  DATA_EXISTS: { errorCode: -23, description: 'CoreError::MutationFailure::MutationError::DataExists' },
  /** The network (here: the record store) holds as much as it allows. */
  NETWORK_FULL: { errorCode: -27, description: 'CoreError::MutationFailure::MutationError::NetworkFull' },
  /** An update or delete by someone who is not the owner. */
  NOT_OWNER: { errorCode: -25, description: 'CoreError::MutationFailure::MutationError::InvalidSuccessor' },
  INVALID_STRUCT_DATA_HANDLE: { errorCode: -1513, description: 'FfiError::InvalidStructDataHandle' },
  INVALID_DATA_ID_HANDLE: { errorCode: -1514, description: 'FfiError::InvalidDataIdHandle' },
  INVALID_CIPHER_OPT_HANDLE: { errorCode: -1517, description: 'FfiError::InvalidCipherOptHandle' },
  UNSUPPORTED_OPERATION: { errorCode: -1525, description: 'FfiError::UnsupportedOperation' },
} as const

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

/** A network or FFI error: 404 for missing data, 503 when the store is down, 400 otherwise (as the Launcher did). */
export function launcherError(code: (typeof LAUNCHER_CODES)[keyof typeof LAUNCHER_CODES], description?: string): LauncherError {
  const status = code === LAUNCHER_CODES.NO_SUCH_DATA ? 404 : code === LAUNCHER_CODES.NETWORK_OTHER ? 503 : 400
  return new LauncherError(status, code.errorCode, description ?? code.description)
}

/** Requests that need a token and came without one. */
export const unauthorised = (): LauncherError => new LauncherError(401, 400, 'Unauthorised access')
/** Writes by an app that was not granted `LOW_LEVEL_API`. */
export const lowLevelApiNotGranted = (): LauncherError => new LauncherError(403, 400, 'Low level api access is not granted')

const SIGNALING_TO_LAUNCHER: Partial<Record<SignalingError['code'], (typeof LAUNCHER_CODES)[keyof typeof LAUNCHER_CODES]>> = {
  ERR_EXISTS: LAUNCHER_CODES.DATA_EXISTS,
  ERR_NOT_FOUND: LAUNCHER_CODES.MUTATION_NO_SUCH_DATA,
  ERR_NOT_OWNER: LAUNCHER_CODES.NOT_OWNER,
  ERR_RECORD_TOO_LARGE: LAUNCHER_CODES.DATA_TOO_LARGE,
  ERR_STORE_UNAVAILABLE: LAUNCHER_CODES.NETWORK_OTHER,
  ERR_STORE_FULL: LAUNCHER_CODES.NETWORK_FULL,
}

/**
 * The one place every failure becomes a Launcher answer: a {@link LauncherError}
 * as it is, a {@link SignalingError} by its code, anything else as `null` (the
 * caller answers 500 and logs it).
 */
export function toLauncherError(error: unknown): LauncherError | null {
  if (error instanceof LauncherError) return error
  if (error instanceof SignalingError) {
    const code = SIGNALING_TO_LAUNCHER[error.code]
    return code === undefined ? badRequest(error.message) : launcherError(code)
  }
  return null
}
