/**
 * The Node-only packages are optional (peer) dependencies, so that a browser
 * user does not download them: `@roamhq/wrtc` for WebRTC in Node, `fastify`
 * and its plugins for `signalbox serve`, `ioredis` for `RedisStore`. When one
 * is missing at run time, {@link importOptional} turns Node's module-not-found
 * error into `ERR_MISSING_DEPENDENCY` naming the package to install.
 *
 * Node only: the browser entry does not export this module.
 *
 * @module
 */
import { SignalingError } from '../errors.js'
import type { WrtcImplementation } from './types.js'

/** Node's code for an import of a package that is not installed. */
const MODULE_NOT_FOUND_CODES = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'])

/** The package a module-not-found error names (`Cannot find package 'x'` or `Cannot find module 'x'`), if it is one. */
export function missingPackageOf(error: unknown): string | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  if (typeof code !== 'string' || !MODULE_NOT_FOUND_CODES.has(code) || typeof message !== 'string') return undefined
  const specifier = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1]
  if (specifier === undefined || specifier.startsWith('.') || specifier.startsWith('/')) return undefined
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/**
 * Runs `load` (a dynamic `import()` of an optional dependency, or of a module
 * that imports one) and turns "package not installed" into a
 * {@link SignalingError} `ERR_MISSING_DEPENDENCY` saying what to install and
 * what for; any other error passes through.
 *
 * @example
 * ```ts
 * const { startServer } = await importOptional('signalbox serve', () => import('signalbox/server'))
 * ```
 */
export async function importOptional<T>(purpose: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (error) {
    const missing = missingPackageOf(error)
    if (missing === undefined) throw error
    throw new SignalingError(
      'ERR_MISSING_DEPENDENCY',
      `${purpose} needs the package ${missing}, which is not installed: run npm install ${missing}`,
      { cause: error },
    )
  }
}

/**
 * Loads Node's WebRTC implementation, `@roamhq/wrtc` (an optional dependency
 * of signalbox: `npm install @roamhq/wrtc`), for `createSignaling({ wrtc })`.
 *
 * @throws {SignalingError} `ERR_MISSING_DEPENDENCY` when it is not installed.
 */
export async function loadWrtc(): Promise<WrtcImplementation> {
  const module = await importOptional('WebRTC in Node', () => import('@roamhq/wrtc'))
  return module.default
}
