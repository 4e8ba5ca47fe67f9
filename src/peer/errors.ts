/**
 * A peer's errors as signalbox's: simple-peer's codes, which signalbox's own
 * peer (peer/native-peer.ts) uses too, mapped to {@link SignalingError} codes.
 *
 * @module
 */
import { SignalingError, type SignalingErrorCode } from '../errors.js'

const PEER_ERROR_CODES: Record<string, SignalingErrorCode> = {
  ERR_WEBRTC_SUPPORT: 'ERR_WEBRTC_UNSUPPORTED',
  ERR_ICE_CONNECTION_FAILURE: 'ERR_ICE_FAILURE',
  ERR_CONNECTION_FAILURE: 'ERR_ICE_FAILURE',
  // The data channel closing under us: in a browser, the other side hanging up shows as this before `close`.
  ERR_DATA_CHANNEL: 'ERR_PEER_CLOSED',
}

/**
 * Turns an error of simple-peer (or of any peer) into a {@link SignalingError}:
 * `ERR_WEBRTC_UNSUPPORTED`, `ERR_ICE_FAILURE`, or `ERR_PEER` naming the original code.
 */
export function peerError(error: unknown): SignalingError {
  if (error instanceof SignalingError) return error
  const original = error as { code?: unknown; message?: unknown } | null
  const originalCode = typeof original?.code === 'string' ? original.code : undefined
  const code = (originalCode !== undefined ? PEER_ERROR_CODES[originalCode] : undefined) ?? 'ERR_PEER'
  if (code !== 'ERR_PEER') {
    const detail = typeof original?.message === 'string' ? ` (${original.message})` : ''
    return new SignalingError(code, code === 'ERR_PEER_CLOSED' ? `The WebRTC data channel closed${detail}.` : undefined, { cause: error })
  }
  const detail = typeof original?.message === 'string' ? original.message : String(error)
  return new SignalingError(
    'ERR_PEER',
    `The WebRTC peer failed${originalCode === undefined ? '' : ` (${originalCode})`}: ${detail}`,
    { cause: error },
  )
}
