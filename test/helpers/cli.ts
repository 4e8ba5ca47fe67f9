/**
 * A `signalbox` process for the command-line tests, with its output as lines:
 * the built bin (`node dist/src/cli.js`, as installed; run `npm run build`
 * first) or the source through tsx.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { existsSync } from 'node:fs'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import type { Readable, Writable } from 'node:stream'

/** The clone's root folder. */
export const root = fileURLToPath(new URL('../..', import.meta.url))
/** The built bin, as `npm install` links it. */
export const builtBin = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url))

const running: ChildProcess[] = []

/** How to start it: `stdin: 'ignore'` gives the process /dev/null, as `</dev/null` does. */
export interface SignalboxSpawnOptions {
  from?: 'dist' | 'source'
  stdin?: 'pipe' | 'ignore'
}

/** A running `signalbox` process. */
export interface SignalboxProcess {
  child: ChildProcess
  stdin: Writable | null
  lines: string[]
  errors: string[]
  /** Every byte written to stdout and stderr, to look for what lines would hide. */
  raw: () => string
  exited: Promise<number>
  /** Resolves with the first stdout line matching `test`; rejects if the process exits first. */
  line: (test: (line: string) => boolean) => Promise<string>
  /** The stdout lines that are JSON objects, parsed. */
  json: () => Array<Record<string, unknown>>
}

/** Starts `signalbox …args`. */
export function signalbox(args: string[], options: SignalboxSpawnOptions = {}): SignalboxProcess {
  const from = options.from ?? 'dist'
  if (from === 'dist' && !existsSync(builtBin)) throw new Error(`${builtBin} is missing: run npm run build first`)
  const command = from === 'dist' ? [builtBin, ...args] : ['--import', 'tsx', 'src/cli.ts', ...args]
  const stdio: StdioOptions = [options.stdin ?? 'pipe', 'pipe', 'pipe']
  const child = spawn(process.execPath, command, { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio })
  running.push(child)
  const lines: string[] = []
  const errors: string[] = []
  let raw = ''
  let waiters: Array<() => void> = []
  const collect = (into: string[]) => {
    let partial = ''
    return (chunk: Buffer) => {
      raw += chunk.toString('utf8')
      const parts = (partial + chunk.toString('utf8')).split('\n')
      partial = parts.pop()!
      into.push(...parts)
      for (const wake of waiters) wake()
      waiters = []
    }
  }
  ;(child.stdout as Readable).on('data', collect(lines))
  ;(child.stderr as Readable).on('data', collect(errors))
  const exited = once(child, 'exit').then(([code]) => code as number)
  const line = async (test: (line: string) => boolean): Promise<string> => {
    for (;;) {
      const found = lines.find(test)
      if (found !== undefined) return found
      const ended = await Promise.race([new Promise<false>((resolve) => waiters.push(() => resolve(false))), exited.then(() => true)])
      if (ended && lines.find(test) === undefined) throw new Error(`exited before printing the line; stdout:\n${lines.join('\n')}\nstderr:\n${errors.join('\n')}`)
    }
  }
  const json = () => lines.filter((text) => text.startsWith('{')).map((text) => JSON.parse(text) as Record<string, unknown>)
  return { child, stdin: child.stdin, lines, errors, raw: () => raw, exited, line, json }
}

/** Kills what is still running (call in `afterEach`). */
export function killSignalboxes(): void {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
}
