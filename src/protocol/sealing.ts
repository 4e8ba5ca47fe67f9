/**
 * End-to-end encryption of the session descriptions with a room secret, so the
 * store never sees SDP (nor the IP addresses in it). As Trystero's room
 * password: WebCrypto in Node and browsers, a key bound to the app and the room,
 * a random IV per message; here AES-GCM (authenticated, so a wrong secret is
 * detected, not decoded into garbage) under a PBKDF2 key, so that someone who
 * can read the store cannot cheaply try guesses of a weak secret.
 *
 * @module
 */
import { base64ToBytes, bytesToBase64 } from './base64.js'
import { SignalingError } from '../errors.js'
import { parseWith, textSchema } from '../validate.js'
import type { SessionSignal } from './records.js'

/** PBKDF2-SHA-256 rounds that turn a secret into a room key. */
export const SECRET_KDF_ITERATIONS = 100_000
/** Bytes of the random AES-GCM nonce in front of each ciphertext. */
const IV_BYTES = 12
/** Longest secret accepted, in characters. */
export const MAX_SECRET_LENGTH = 1024

const encoder = new TextEncoder()

/** A room secret: a non-empty string of at most {@link MAX_SECRET_LENGTH} characters. */
export const secretSchema = textSchema('secret', MAX_SECRET_LENGTH)

/** Checks a room secret; `ERR_INVALID_OPTION` unless it is a non-empty string of at most {@link MAX_SECRET_LENGTH} characters. */
export function validateSecret(secret: unknown): string {
  return parseWith(secretSchema, secret, 'ERR_INVALID_OPTION')
}

/** The AES-GCM key of `room` under `secret`: PBKDF2-SHA-256 with the app id and room as salt. */
export async function deriveRoomKey(secret: string, room: string, appId: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'PBKDF2', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', iterations: SECRET_KDF_ITERATIONS, salt: encoder.encode(`signalbox:${appId}:${room}`) },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

/** Encrypts a session description: base64 of a random IV followed by the AES-GCM ciphertext. */
export async function sealSignal(key: CryptoKey, signal: SessionSignal): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(JSON.stringify(signal))))
  const sealed = new Uint8Array(IV_BYTES + ciphertext.length)
  sealed.set(iv)
  sealed.set(ciphertext, IV_BYTES)
  return bytesToBase64(sealed)
}

/** Decrypts what {@link sealSignal} made; `ERR_BAD_SECRET` when the key does not open it or it is not a description. */
export async function openSignal(key: CryptoKey, sealed: string): Promise<SessionSignal> {
  let plain: ArrayBuffer
  try {
    const bytes = base64ToBytes(sealed)
    plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES) }, key, bytes.subarray(IV_BYTES))
  } catch (error) {
    throw new SignalingError('ERR_BAD_SECRET', undefined, { cause: error })
  }
  const signal = JSON.parse(new TextDecoder().decode(plain)) as Partial<SessionSignal>
  if ((signal.type !== 'offer' && signal.type !== 'answer') || typeof signal.sdp !== 'string') {
    throw new SignalingError('ERR_BAD_SECRET', 'The encrypted description is not a session description.')
  }
  return { type: signal.type, sdp: signal.sdp }
}
