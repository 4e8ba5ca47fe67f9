/**
 * A promise with its settling functions outside, for the engine's
 * `connected` promise of each attempt.
 *
 * @module
 */

/** A promise to settle from outside, and whether it has been. */
export interface Deferred<T> {
  /** The promise; its rejection is handled, so nobody need listen. */
  promise: Promise<T>
  /** True once resolved or rejected. */
  settled: boolean
  /** Resolves the promise. */
  resolve(value: T): void
  /** Rejects the promise. */
  reject(error: unknown): void
}

/** Makes a {@link Deferred}. */
export function createDeferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  // Nobody may be listening: an unwatched failure must not crash the process.
  promise.catch(() => {})
  const deferred: Deferred<T> = {
    promise,
    settled: false,
    resolve: (value) => {
      deferred.settled = true
      resolve(value)
    },
    reject: (error) => {
      deferred.settled = true
      reject(error)
    },
  }
  return deferred
}
