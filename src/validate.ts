/**
 * Checks of caller-supplied options, each throwing `ERR_INVALID_OPTION` with
 * the option's name and what to pass instead.
 *
 * @module
 */
import { SignalingError } from './errors.js'

/** Returns `value` when it is a finite number of milliseconds in `[min, max]`; throws `ERR_INVALID_OPTION` otherwise. */
export function checkMs(name: string, value: unknown, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new SignalingError(
      'ERR_INVALID_OPTION',
      `Invalid ${name} ${String(value)}: use a number of milliseconds from ${min} to ${max}.`,
    )
  }
  return value
}

/** Returns `value` when it is a whole number in `[min, max]`; throws `ERR_INVALID_OPTION` otherwise. */
export function checkCount(name: string, value: unknown, min = 0, max = 1000): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SignalingError('ERR_INVALID_OPTION', `Invalid ${name} ${String(value)}: use a whole number from ${min} to ${max}.`)
  }
  return value
}
