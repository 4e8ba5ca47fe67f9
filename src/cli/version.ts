/**
 * The package's own version, for `signalbox --version`: read at run time from
 * the nearest `package.json` named `signalbox` above this module, so it is
 * right in the clone (src/cli/, dist/src/cli/) and where the package is installed.
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package whose version the command reports. */
export const PACKAGE_NAME = 'signalbox'

/**
 * The version in the `package.json` of {@link PACKAGE_NAME} nearest above `from`
 * (default: this module's folder); throws when none is found.
 */
export function packageVersion(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let folder = from; ; folder = dirname(folder)) {
    const manifest = readManifest(join(folder, 'package.json'))
    if (manifest?.name === PACKAGE_NAME && typeof manifest.version === 'string') return manifest.version
    if (dirname(folder) === folder) throw new Error(`no package.json of ${PACKAGE_NAME} above ${from}: reinstall the package`)
  }
}

function readManifest(path: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown }
  } catch {
    return undefined
  }
}
