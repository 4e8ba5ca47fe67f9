/**
 * Validation, one way: valibot schemas whose messages say what to pass
 * instead, and {@link parseWith}, which turns the first failed check into a
 * {@link SignalingError} with a stable code. Every layer defines its own
 * limits as named constants and builds its schemas from the helpers here.
 *
 * @module
 */
import * as v from 'valibot'
import { SignalingError, type SignalingErrorCode } from './errors.js'

/** A schema whose failures become errors of one code. */
export type AnySchema = v.GenericSchema

/** The default upper bound of {@link msSchema}, in ms. */
const UNBOUNDED_MS = Number.MAX_SAFE_INTEGER
/** The default upper bound of {@link countSchema}. */
const DEFAULT_MAX_COUNT = 1000

/**
 * Parses `value` with `schema` and returns the output; when a check fails,
 * throws a {@link SignalingError} of `code` (or of the code `code` gives the
 * failed check) carrying that check's message.
 */
export function parseWith<TSchema extends AnySchema>(
  schema: TSchema,
  value: unknown,
  code: SignalingErrorCode | ((issue: v.BaseIssue<unknown>) => SignalingErrorCode),
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, value, { abortEarly: true })
  if (result.success) return result.output
  const issue = result.issues[0]
  throw new SignalingError(typeof code === 'function' ? code(issue) : code, issue.message)
}

/** The text of an option value in an error message (`String(value)`, as people wrote it). */
function shown(issue: v.BaseIssue<unknown>): string {
  return String(issue.input)
}

/** A number of milliseconds from `min` to `max`; failures read `Invalid <name> <value>: use a number of milliseconds from <min> to <max>.` */
export function msSchema(name: string, min = 1, max = UNBOUNDED_MS) {
  const message = (issue: v.BaseIssue<unknown>) => `Invalid ${name} ${shown(issue)}: use a number of milliseconds from ${min} to ${max}.`
  return v.pipe(v.number(message), v.finite(message), v.minValue(min, message), v.maxValue(max, message))
}

/** A whole number from `min` to `max`; failures read `Invalid <name> <value>: use a whole number from <min> to <max>.` */
export function countSchema(name: string, min = 0, max = DEFAULT_MAX_COUNT) {
  const message = (issue: v.BaseIssue<unknown>) => `Invalid ${name} ${shown(issue)}: use a whole number from ${min} to ${max}.`
  return v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message))
}

/** A non-empty string of at most `maxLength` characters; failures read `Invalid <name>: use a non-empty string of at most <max> characters.` */
export function textSchema(name: string, maxLength: number) {
  const message = `Invalid ${name}: use a non-empty string of at most ${maxLength} characters.`
  return v.pipe(v.string(message), v.nonEmpty(message), v.maxLength(maxLength, message))
}

/** Returns `value` when it is a finite number of milliseconds in `[min, max]`; throws `ERR_INVALID_OPTION` otherwise. */
export function checkMs(name: string, value: unknown, min = 1, max = UNBOUNDED_MS): number {
  return parseWith(msSchema(name, min, max), value, 'ERR_INVALID_OPTION')
}

/** Returns `value` when it is a whole number in `[min, max]`; throws `ERR_INVALID_OPTION` otherwise. */
export function checkCount(name: string, value: unknown, min = 0, max = DEFAULT_MAX_COUNT): number {
  return parseWith(countSchema(name, min, max), value, 'ERR_INVALID_OPTION')
}
