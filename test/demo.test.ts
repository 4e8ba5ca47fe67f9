/** `npm run demo` as a newcomer runs it: a real process, real WebRTC, exit code 0. */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))

describe('signalbox demo', () => {
  it('takes both participants to connected, prints the exchanged messages, and exits 0', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo', '--room', 'ci-demo'], {
      cwd: root,
      timeout: 60_000,
    })
    expect(stdout).toContain('room "ci-demo"')
    expect(stdout).toMatch(/bob\s+received "hello from alice"/)
    expect(stdout).toMatch(/alice\s+received "hello from bob"/)
    expect(stdout).toContain('alice  idle → joining → creatingOffer → publishing → pollingAnswer → connecting → connected → hangingUp → closed')
    expect(stdout).toContain('bob    idle → joining → creatingAnswer → publishingAnswer → connecting → connected → closed')
    expect(stdout).toContain('store: 0 records left')
  })
})
