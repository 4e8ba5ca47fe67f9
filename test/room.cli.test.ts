/**
 * "Done when" of issue 17, with the built bin (`npm run build` first): four
 * `signalbox join demo --max-peers 4 --server …` processes started together
 * all connect and each prints the other three's messages; one leaves and the
 * other three say so; a fifth is told the room is full.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../src/server/index.js'
import { killSignalboxes, signalbox, type SignalboxProcess } from './helpers/cli.js'

let server: RunningServer
beforeAll(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1' })
})
afterEach(() => killSignalboxes())
afterAll(async () => {
  await server.close()
})

type Event = Record<string, unknown>
const events = (process: SignalboxProcess): Event[] => process.json()

/** Resolves once `process` has printed a JSON line for which `test` holds. */
const printed = (process: SignalboxProcess, test: (event: Event) => boolean) => process.line((line) => line.startsWith('{') && test(JSON.parse(line) as Event))

describe('signalbox join --max-peers 4 (built bin)', () => {
  it('connects four processes to each other, reports a leaver to the other three, and tells a fifth the room is full', async () => {
    const join = (name: string) =>
      signalbox(['join', 'demo', '--max-peers', '4', '--server', server.url, '--json', '--message', `hello from ${name}`, '--stay'], { stdin: 'pipe' })
    const four = ['a', 'b', 'c', 'd'].map(join)
    const ids = await Promise.all(four.map(async (process) => ((JSON.parse(await printed(process, (event) => event['joined'] !== undefined)) as Event)['joined'] as { id: string }).id))
    // Everyone hears the other three.
    await Promise.all(
      four.map(async (process, index) => {
        for (const [other, name] of ['a', 'b', 'c', 'd'].entries()) {
          if (other !== index) await printed(process, (event) => event['received'] === `hello from ${name}` && event['from'] === ids[other])
        }
      }),
    )
    // A fifth is told the room is full.
    const fifth = join('e')
    expect(await fifth.exited).toBe(1)
    expect(fifth.errors.join('\n')).toMatch(/^signalbox: ERR_ROOM_FULL: /m)
    // One leaves (SIGTERM hangs up); the other three say so.
    four[3]!.child.kill('SIGTERM')
    expect(await four[3]!.exited).toBe(0)
    await Promise.all(four.slice(0, 3).map((process) => printed(process, (event) => event['peerLeave'] === ids[3])))
    for (const process of four.slice(0, 3)) expect(events(process).filter((event) => event['peerJoin'] !== undefined)).toHaveLength(3)
    for (const process of four.slice(0, 3)) process.child.kill('SIGTERM')
    expect(await Promise.all(four.slice(0, 3).map((process) => process.exited))).toEqual([0, 0, 0])
  }, 90_000)
})
