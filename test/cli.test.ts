/**
 * The command line as people run it: `signalbox serve` and two `signalbox join`
 * processes that connect through it and exchange messages, with real WebRTC.
 */
import { freePort } from './helpers/ports.js'
import { killSignalboxes, signalbox as start } from './helpers/cli.js'
import { afterEach, describe, expect, it } from 'vitest'

/** A `signalbox` process run from the source (no build needed); test/cli-*.test.ts run the built bin. */
const signalbox = (...args: string[]) => start(args, { from: 'source' })

afterEach(killSignalboxes)

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
    bob.stdin!.write('typed by bob\n')
    await alice.line((text) => text.includes('"received":"typed by bob"'))

    alice.stdin!.end()
    expect(await alice.exited).toBe(0)
    expect(await bob.exited).toBe(0)

    // Either side may pass through hangingUp (both hang up at the end of their input, whoever is first).
    const states = (output: ReturnType<typeof signalbox>) =>
      output.json().flatMap((line) => (typeof line['state'] === 'string' && line['state'] !== 'hangingUp' ? [line['state']] : []))
    // The initiator's offer may be ready before its read of the room answers: it then publishes while reading.
    const initiatorPaths = [
      ['idle', 'joining', 'creatingOffer', 'publishing', 'pollingAnswer', 'connecting', 'connected', 'closed'],
      ['idle', 'joining', 'publishingWhileReading', 'pollingAnswer', 'connecting', 'connected', 'closed'],
    ]
    expect(initiatorPaths).toContainEqual(states(alice))
    // The answerer's peer may connect before the write of its answer returns: the machine then passes
    // `connecting` inside one step (its eventless transition) and no snapshot, so no printed line, shows it.
    // Its own offer too may be ready before its read answered (publishingWhileReading, then answering Alice's).
    const optional = ['publishingWhileReading', 'connecting']
    expect(states(bob).filter((state) => !optional.includes(state))).toEqual(['idle', 'joining', 'creatingAnswer', 'publishingAnswer', 'connected', 'closed'])
    const passedThrough = states(bob).filter((state) => optional.includes(state))
    expect(optional.filter((state) => passedThrough.includes(state))).toEqual(passedThrough)
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
    expect(lonely.errors).toContainEqual(expect.stringMatching(/^signalbox: ERR_STORE_UNAVAILABLE: /))
  })

  it('refuses bad arguments with commander’s message and exit code 2, bad values with the error code and exit code 1', async () => {
    const badPort = signalbox('serve', '--port', 'eighty')
    expect(await badPort.exited).toBe(2)
    expect(badPort.errors.join('\n')).toContain("option '--port <port>' argument 'eighty' is invalid")
    const badRoom = signalbox('join', '', '--server', 'http://127.0.0.1:1/0.5/')
    expect(await badRoom.exited).toBe(1)
    expect(badRoom.errors.join('\n')).toContain('ERR_INVALID_ROOM')
    expect(badRoom.errors).toContainEqual(expect.stringMatching(/^signalbox: ERR_INVALID_ROOM: /))
    const badUrl = signalbox('join', 'room', '--server', 'ftp://example')
    expect(await badUrl.exited).toBe(1)
    expect(badUrl.errors.join('\n')).toContain('ERR_INVALID_OPTION')
    expect(badUrl.errors).toContainEqual(expect.stringMatching(/^signalbox: ERR_INVALID_OPTION: /))
  })
})
