/**
 * The command line as people run it: `signalbox serve` and two `signalbox join`
 * processes that connect through it and exchange messages, with real WebRTC.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { once } from 'node:events'
import { freePort } from './helpers/ports.js'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const running: ChildProcessWithoutNullStreams[] = []

/** A `signalbox` process, with its output as lines. */
function signalbox(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } })
  running.push(child)
  const lines: string[] = []
  const errors: string[] = []
  let waiters: Array<() => void> = []
  const collect = (into: string[]) => {
    let partial = ''
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n')
      partial = parts.pop()!
      into.push(...parts)
      for (const wake of waiters) wake()
      waiters = []
    }
  }
  child.stdout.on('data', collect(lines))
  child.stderr.on('data', collect(errors))
  const exited = once(child, 'exit').then(([code]) => code as number)
  /** Resolves with the first line matching `test`; rejects if the process exits first. */
  const line = async (test: (line: string) => boolean): Promise<string> => {
    for (;;) {
      const found = lines.find(test)
      if (found !== undefined) return found
      const ended = await Promise.race([new Promise<false>((resolve) => waiters.push(() => resolve(false))), exited.then(() => true)])
      if (ended && lines.find(test) === undefined) throw new Error(`exited before printing the line; stdout:\n${lines.join('\n')}\nstderr:\n${errors.join('\n')}`)
    }
  }
  const json = () => lines.filter((text) => text.startsWith('{')).map((text) => JSON.parse(text) as Record<string, unknown>)
  return { child, lines, errors, exited, line, json }
}

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})


describe('signalbox serve + signalbox join', () => {
  it('connects two join processes through one serve process; each prints the other’s message and exits 0', async () => {
    const serve = signalbox('serve', '--port', '0', '--quiet')
    const banner = await serve.line((text) => text.includes('SAFE Launcher API 0.5 at'))
    const url = /at (http:\/\/\S+\/0\.5\/)/.exec(banner)![1]!

    const alice = signalbox('join', 'cli-room', '--server', url, '--json', '--message', 'hi from alice')
    await alice.line((text) => text.includes('"pollingAnswer"'))
    const bob = signalbox('join', 'cli-room', '--server', url, '--json', '--message', 'hi from bob')

    await alice.line((text) => text.includes('"received":"hi from bob"'))
    await bob.line((text) => text.includes('"received":"hi from alice"'))
    bob.child.stdin.write('typed by bob\n')
    await alice.line((text) => text.includes('"received":"typed by bob"'))

    alice.child.stdin.end()
    expect(await alice.exited).toBe(0)
    expect(await bob.exited).toBe(0)

    const states = (output: ReturnType<typeof signalbox>) => output.json().flatMap((line) => (typeof line['state'] === 'string' ? [line['state']] : []))
    expect(states(alice)).toEqual(['idle', 'joining', 'creatingOffer', 'publishing', 'pollingAnswer', 'connecting', 'connected', 'closed'])
    expect(states(bob)).toEqual(['idle', 'joining', 'creatingAnswer', 'publishingAnswer', 'connecting', 'connected', 'closed'])
    for (const line of alice.json()) expect(line['ms']).toEqual(expect.any(Number))

    serve.child.kill('SIGTERM')
    expect(await serve.exited).toBe(0)
    expect(serve.lines).toContain('signalbox serve: stopped')
  })

  it('exits 1 with the error code when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await freePort()}/0.5/`
    const lonely = signalbox('join', 'nowhere', '--server', url, '--json')
    expect(await lonely.exited).toBe(1)
    const failed = lonely.json().find((line) => line['state'] === 'failed')
    expect(failed?.['error']).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' })
  })

  it('refuses bad arguments with a clear message and exit code 1', async () => {
    const badPort = signalbox('serve', '--port', 'eighty')
    expect(await badPort.exited).toBe(1)
    expect(badPort.errors.join('\n')).toContain("option '--port <port>' argument 'eighty' is invalid")
    const badRoom = signalbox('join', '', '--server', 'http://127.0.0.1:1/0.5/')
    expect(await badRoom.exited).toBe(1)
    expect(badRoom.errors.join('\n')).toContain('ERR_INVALID_ROOM')
    const badUrl = signalbox('join', 'room', '--server', 'ftp://example')
    expect(await badUrl.exited).toBe(1)
    expect(badUrl.errors.join('\n')).toContain('ERR_INVALID_OPTION')
  })
})
