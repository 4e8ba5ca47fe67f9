/**
 * Bounds for the Launcher client: a deadline that survives garbage collection
 * and a body read capped in bytes.
 *
 * The deadline is a plain `setTimeout` and an `AbortController` that the
 * request holds until it settles. `AbortSignal.timeout()` combined through
 * `AbortSignal.any()` is not used: on Node 20 such a combined signal may be
 * collected while the fetch waits, and its timeout then never fires (issue 15).
 *
 * @module
 */
import { SignalingError } from '../../errors.js'
import { MAX_RECORD_BYTES } from '../../protocol/records.js'

/** The largest answer that carries a record (a raw read, or a watch answer with its base64 data), in bytes: a record plus 4 KiB of framing. */
export const MAX_RECORD_ANSWER_BYTES = MAX_RECORD_BYTES + 4 * 1024
/** The largest JSON answer without a record (a token, a handle, an error), in bytes. */
export const MAX_JSON_ANSWER_BYTES = 16 * 1024

/** One request's deadline and abort: fires on time, on the caller's `signal`, or when told (the client closing, a body over its cap). */
export class RequestDeadline {
  /** Aborts the request (fetch and body read). */
  readonly signal: AbortSignal
  /** True once the deadline passed. */
  expired = false
  private readonly controller = new AbortController()
  private readonly timer: ReturnType<typeof setTimeout>
  private readonly sources: AbortSignal[]
  private readonly onAbort = (): void => this.controller.abort()

  /**
   * @param timeoutMs - how long the whole request (headers and body) may take
   * @param sources - further signals that abort it (the caller's)
   */
  constructor(timeoutMs: number, sources: (AbortSignal | undefined)[]) {
    this.signal = this.controller.signal
    this.sources = sources.filter((source): source is AbortSignal => source !== undefined)
    this.timer = setTimeout(() => {
      this.expired = true
      this.controller.abort()
    }, timeoutMs)
    for (const source of this.sources) {
      if (source.aborted) this.controller.abort()
      else source.addEventListener('abort', this.onAbort, { once: true })
    }
  }

  /** Stops the timer and lets go of the sources: call once the request settled. */
  settle(): void {
    clearTimeout(this.timer)
    for (const source of this.sources) source.removeEventListener('abort', this.onAbort)
  }

  /** Aborts the request now (a body over its cap, the client closing). */
  abort(): void {
    this.controller.abort()
  }
}

/** What {@link readBody} needs to name the request in its errors. */
export interface BodyReadContext {
  /** `METHOD path`, for messages. */
  what: string
  /** The API's base URL, for messages. */
  base: string
  /** The most bytes accepted. */
  maxBytes: number
  /** The request's deadline: its abort stops the read. */
  deadline: RequestDeadline
  /** The request's time limit, in ms, for messages. */
  timeoutMs: number
}

/**
 * Reads `response`'s body whole, at most `maxBytes`, before the deadline:
 * `ERR_RECORD_TOO_LARGE` past the cap (the connection is dropped, nothing more
 * is read), `ERR_STORE_UNAVAILABLE` past the deadline; never a `DOMException`.
 * Rejects with the abort's own reason only when the caller aborted (checked by the caller).
 */
export async function readBody(response: Response, context: BodyReadContext): Promise<Uint8Array<ArrayBuffer>> {
  const { deadline, maxBytes } = context
  const tooLarge = (): SignalingError =>
    new SignalingError(
      'ERR_RECORD_TOO_LARGE',
      `The store answered ${context.what} with more than ${maxBytes} bytes: ${context.base} is not a SAFE Launcher API that signalbox can use, or it misbehaves; use another server.`,
    )
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > maxBytes) {
    deadline.abort()
    await response.body?.cancel().catch(() => {})
    throw tooLarge()
  }
  if (response.body === null) return new Uint8Array(0)
  const reader = response.body.getReader()
  const aborted = new Promise<never>((_, reject) => {
    const fail = (): void => reject(new Error('aborted'))
    if (deadline.signal.aborted) fail()
    else deadline.signal.addEventListener('abort', fail, { once: true })
  })
  aborted.catch(() => {})
  const chunks: Uint8Array[] = []
  let length = 0
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted])
      if (done) break
      length += value.byteLength
      if (length > maxBytes) {
        deadline.abort()
        throw tooLarge()
      }
      chunks.push(value)
    }
  } catch (error) {
    void reader.cancel().catch(() => {})
    if (error instanceof SignalingError) throw error
    if (deadline.expired) {
      throw new SignalingError(
        'ERR_STORE_UNAVAILABLE',
        `The SAFE Launcher API at ${context.base} did not finish answering ${context.what} within ${context.timeoutMs} ms: check that it is running and not overloaded, then retry.`,
        { cause: error },
      )
    }
    throw error
  }
  const body = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}
