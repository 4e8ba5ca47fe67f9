/** The embedding example in examples/ type-checks against the package as users import it ('signalbox'). */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

describe('examples', () => {
  it('type-check against the built package', async () => {
    const root = fileURLToPath(new URL('..', import.meta.url))
    const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url))
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.examples.json'], { cwd: root }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    )
    expect(result).toBe('')
  }, 120_000)
})
