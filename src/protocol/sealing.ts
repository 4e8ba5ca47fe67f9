/**
 * End-to-end encryption of the session descriptions with a room secret, so the
 * store never sees SDP (nor the IP addresses in it). As Trystero's room
 * password: WebCrypto in Node and browsers, a key bound to the app and the room,
 * a random IV per message; here AES-GCM (authenticated, so a wrong secret is
 * detected, not decoded into garbage) under a PBKDF2 key, so that someone who
 * can read the store cannot cheaply try guesses of a weak secret. Each sealed
 * description is bound, as AES-GCM associated data, to its app, room, role
 * (offer or answer), the id it names and its expiry ({@link SealContext}): a
 * sealed offer copied to an answer address, moved to another call, or replayed
 * with a fresh expiry does not open (`ERR_BAD_SECRET`).
 *
 * @module
 */
import * as v from 'valibot'
import { base64ToBytes, bytesToBase64 } from './base64.js'
import { SignalingError } from '../errors.js'
import { parseWith, textSchema } from '../validate.js'
import type { SessionSignal } from './records.js'

/** PBKDF2-SHA-256 rounds that turn a secret into a room key: OWASP's figure for PBKDF2-HMAC-SHA256 (2023). */
export const SECRET_KDF_ITERATIONS = 600_000
/** Bytes of the random AES-GCM nonce in front of each ciphertext. */
const IV_BYTES = 12
/** Longest secret accepted, in characters. */
export const MAX_SECRET_LENGTH = 1024

const encoder = new TextEncoder()

/** Why a secret cannot be used here: browsers give WebCrypto only to secure contexts. */
const NO_WEBCRYPTO =
  'A room secret needs WebCrypto (crypto.subtle), which browsers give only to secure pages: open the page over HTTPS or at localhost, or join without a secret.'

/** WebCrypto's `crypto.subtle`, or undefined where there is none (a page that is not a secure context). */
function webCrypto(): SubtleCrypto | undefined {
  return globalThis.crypto?.subtle as SubtleCrypto | undefined
}

/**
 * A room secret: a non-empty string of at most {@link MAX_SECRET_LENGTH}
 * characters, where there is WebCrypto to seal with (a page opened over plain
 * HTTP at an address other than localhost, another machine on the network, has none).
 */
export const secretSchema = v.pipe(
  textSchema('secret', MAX_SECRET_LENGTH),
  v.check(() => webCrypto() !== undefined, NO_WEBCRYPTO),
)

/** Checks a room secret; `ERR_INVALID_OPTION` unless {@link secretSchema} takes it. */
export function validateSecret(secret: unknown): string {
  return parseWith(secretSchema, secret, 'ERR_INVALID_OPTION')
}

/** WebCrypto's `crypto.subtle`, which room secrets need; `ERR_INVALID_OPTION` where there is none (see {@link secretSchema}). */
export function subtleCrypto(): SubtleCrypto {
  const subtle = webCrypto()
  if (subtle === undefined) throw new SignalingError('ERR_INVALID_OPTION', NO_WEBCRYPTO)
  return subtle
}

/** The AES-GCM key of `room` under `secret`: PBKDF2-SHA-256 with the app id and room as salt. */
export async function deriveRoomKey(secret: string, room: string, appId: string): Promise<CryptoKey> {
  const subtle = subtleCrypto()
  const material = await subtle.importKey('raw', encoder.encode(secret), 'PBKDF2', false, ['deriveKey'])
  return subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', iterations: SECRET_KDF_ITERATIONS, salt: encoder.encode(`signalbox:${appId}:${room}`) },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

/** What a sealed description is bound to (AES-GCM associated data): it opens only where all of it matches. */
export interface SealContext {
  appId: string
  room: string
  /** The description's role: `offer` at the room address, `answer` at an answer address. */
  role: SessionSignal['type']
  /** The record's `targetId` (the answer id it names). */
  targetId: string | undefined
  /** The record's `expiresAt`, in ms since the epoch. */
  expiresAt: number | undefined
}

/** The associated data of `context`: a versioned, unambiguous encoding (JSON of an array). */
function associatedData(context: SealContext): Uint8Array<ArrayBuffer> {
  const { appId, room, role, targetId, expiresAt } = context
  return encoder.encode(JSON.stringify(['signalbox-seal/1', appId, room, role, targetId ?? null, expiresAt ?? null]))
}

/** Encrypts a session description bound to `context`: base64 of a random IV followed by the AES-GCM ciphertext. */
export async function sealSignal(key: CryptoKey, signal: SessionSignal, context: SealContext): Promise<string> {
  if (context.role !== signal.type) throw new TypeError(`sealSignal: an ${signal.type} sealed as an ${context.role}`)
  const subtle = subtleCrypto()
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const parameters = { name: 'AES-GCM', iv, additionalData: associatedData(context) }
  const ciphertext = new Uint8Array(await subtle.encrypt(parameters, key, encoder.encode(JSON.stringify(signal))))
  const sealed = new Uint8Array(IV_BYTES + ciphertext.length)
  sealed.set(iv)
  sealed.set(ciphertext, IV_BYTES)
  return bytesToBase64(sealed)
}

/**
 * Decrypts what {@link sealSignal} made, where `context` is what the reader
 * expects (the role it reads, the record's own `targetId` and `expiresAt`);
 * `ERR_BAD_SECRET` when the key or the context does not open it, or it is not
 * a description of that role.
 */
export async function openSignal(key: CryptoKey, sealed: string, context: SealContext): Promise<SessionSignal> {
  const subtle = subtleCrypto()
  let plain: ArrayBuffer
  try {
    const bytes = base64ToBytes(sealed)
    const parameters = { name: 'AES-GCM', iv: bytes.subarray(0, IV_BYTES), additionalData: associatedData(context) }
    plain = await subtle.decrypt(parameters, key, bytes.subarray(IV_BYTES))
  } catch (error) {
    throw new SignalingError('ERR_BAD_SECRET', undefined, { cause: error })
  }
  const signal = JSON.parse(new TextDecoder().decode(plain)) as Partial<SessionSignal>
  if (signal.type !== context.role || typeof signal.sdp !== 'string') {
    throw new SignalingError('ERR_BAD_SECRET', 'The encrypted description is not a session description.')
  }
  return { type: signal.type, sdp: signal.sdp }
}
