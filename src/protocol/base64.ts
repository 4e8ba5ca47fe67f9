/**
 * UTF-8 safe base64, the same in Node and browsers (the seed's `btoa` for ASCII text).
 *
 * @module
 */

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
/** Bytes converted per `String.fromCharCode` call; keeps the argument list well under engine limits. */
const CHUNK_BYTES = 0x8000
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Encodes bytes as standard base64 (with padding). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + CHUNK_BYTES))
  }
  return btoa(binary)
}

/** Decodes standard base64; throws a `TypeError` when `text` is not base64. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  if (!isBase64(text)) throw new TypeError('not a base64 string')
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index)
  return bytes
}

/** Encodes text as UTF-8, then base64. For ASCII text this equals `btoa(text)`. */
export function textToBase64(text: string): string {
  return bytesToBase64(encoder.encode(text))
}

/** Decodes base64 to UTF-8 text; throws a `TypeError` when it is not base64 or not UTF-8. */
export function base64ToText(text: string): string {
  return decoder.decode(base64ToBytes(text))
}

/** True when `text` is standard, padded base64 (the empty string counts). */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64_PATTERN.test(text)
}
