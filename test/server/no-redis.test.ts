/**
 * `signalbox/server` loads no Redis client unless Redis is used: a child
 * process imports the server's entry (and serves from memory), then reports
 * which ioredis files Node loaded. The same probe on `signalbox/redis` sees
 * ioredis, so the probe can tell.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const probe = fileURLToPath(new URL('../helpers/ioredis-probe.ts', import.meta.url))
const source = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url))

async function ioredisFilesAfter(module: string, ...args: string[]): Promise<number> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', probe, module, ...args], { timeout: 60_000 })
  return (JSON.parse(stdout.trim().split('\n').at(-1)!) as { ioredisFiles: number }).ioredisFiles
}

describe('signalbox/server without Redis', () => {
  it('loads no ioredis when its entry is imported and a memory-backed server answers', async () => {
    expect(await ioredisFilesAfter(source('server/index.ts'), 'serve')).toBe(0)
  })

  it('(the probe sees ioredis where it is loaded: signalbox/redis)', async () => {
    expect(await ioredisFilesAfter(source('stores/redis.ts'))).toBeGreaterThan(0)
  })
})
