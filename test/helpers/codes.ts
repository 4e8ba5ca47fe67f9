/**
 * The error code a call ended with, written once for every test: async
 * (`codeOf`), sync (`codeOfThrow`), RxJS (`catchCode`), and the assertion
 * `expectCode`.
 */
import { catchError, of, type Observable } from 'rxjs'
import { expect } from 'vitest'
import { SignalingError } from '../../src/index.js'

/** What a failure that is not a {@link SignalingError} reads as. */
function notSignalingError(error: unknown): string {
  return `not a SignalingError: ${String(error)}`
}

/** The code `promise` rejects with; `undefined` when it resolves. */
export async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error instanceof SignalingError ? error.code : notSignalingError(error)),
  )
}

/** The code `fn` throws; `undefined` when it returns. */
export function codeOfThrow(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return error instanceof SignalingError ? error.code : notSignalingError(error)
  }
  return undefined
}

/** `source`, with an error replaced by its code as a last value (for marble tests). */
export function catchCode<T>(source: Observable<T>): Observable<T | string> {
  return source.pipe(catchError((error: unknown) => of(error instanceof SignalingError ? error.code : notSignalingError(error))))
}

/** Asserts that `promise` rejects with a {@link SignalingError} of `code`. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(SignalingError)
  expect((error as SignalingError).code).toBe(code)
}

/** What `promise` rejects with; `undefined` when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  )
}
