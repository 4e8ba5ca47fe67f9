/**
 * The built command as installed (`node dist/src/cli.js`; run `npm run build`
 * first): `--version`, every default in `--help` as docs/cli.md lists it, what
 * `join` says while it waits, `join --stay` without a terminal, terminal-safe
 * output of a server's error text, and the exit codes.
 */
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { pageAddresses } from '../src/cli/serve.js'
import { startServer, type RunningServer } from '../src/server/index.js'
import { killSignalboxes, root, signalbox } from './helpers/cli.js'

const ESC = '\u001b'
const servers: Array<{ close(): unknown }> = []

afterEach(async () => {
  killSignalboxes()
  for (const server of servers.splice(0)) await server.close()
})

async function launcher(): Promise<RunningServer> {
  const server = await startServer({ port: 0 })
  servers.push(server)
  return server
}

/** A plain HTTP server on port 0 answering every request with `answer`. */
async function fakeServer(answer: (response: import('node:http').ServerResponse) => void): Promise<string> {
  const server: Server = createServer((_request, response) => answer(response))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  servers.push({ close: () => new Promise((resolve) => server.close(resolve).closeAllConnections()) })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/0.5/`
}

/** The option rows of one command's table in docs/cli.md: flags and the default as written. */
function documentedDefaults(command: string): Array<{ flags: string; shown: string }> {
  const docs = readFileSync(join(root, 'docs', 'cli.md'), 'utf8')
  const section = docs.split(/^## /m).find((part) => part.startsWith(`\`signalbox ${command}`))!
  return [...section.matchAll(/^\| `(--[^`]+)` \| ([^|]+) \|/gm)].map((row) => ({ flags: row[1]!, shown: row[2]!.trim() }))
}

/** `--help`'s option entries, each joined into one line. */
function helpEntries(help: string): string[] {
  const entries: string[] = []
  for (const line of help.split('\n')) {
    if (/^ {2}-/.test(line)) entries.push(line.trim())
    else if (/^ {3,}\S/.test(line) && entries.length > 0) entries[entries.length - 1] += ` ${line.trim()}`
  }
  return entries.map((entry) => entry.replace(/\s+/g, ' '))
}

describe('signalbox --version and --help', () => {
  it('--version prints the version of the package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
    const run = signalbox(['--version'])
    expect(await run.exited).toBe(0)
    expect(run.lines[0]).toBe(version)
  })

  it.each(['serve', 'join', 'demo'])('%s --help shows every option’s default as docs/cli.md lists it', async (command) => {
    const rows = documentedDefaults(command)
    expect(rows.length).toBeGreaterThan(0)
    const run = signalbox([command, '--help'])
    expect(await run.exited).toBe(0)
    const entries = helpEntries(run.lines.join('\n'))
    for (const { flags, shown } of rows) {
      const entry = entries.find((text) => text.startsWith(`${flags} `))
      expect(entry, `${flags} in --help`).toBeDefined()
      expect(entry).toContain(`(default: ${shown})`)
    }
    expect(entries.filter((text) => !text.startsWith('-h, --help')).length).toBe(rows.length)
  })
})

describe('signalbox join while waiting', () => {
  it('says who should join with the exact command, and for how long, once; never the secret', async () => {
    const server = await launcher()
    const room = "it's ours"
    const alice = signalbox(['join', room, '--server', server.url, '--app-id', 'my.app', '--secret', 'hunter2', '--answer-timeout', '90000'])
    await alice.line((text) => text.startsWith('  signalbox join'))
    const waiting = alice.lines.findIndex((text) => text.startsWith('waiting'))
    expect(alice.lines[waiting]).toBe(`waiting up to 1 minute 30 seconds for someone to join room "${room}"; ask them to run:`)
    expect(alice.lines[waiting + 1]).toBe(`  signalbox join 'it'\\''s ours' --server ${server.url} --app-id my.app   (with the same --secret)`)
    expect(alice.lines[waiting - 1]).toMatch(/ pollingAnswer$/)
    alice.child.kill('SIGTERM')
    expect(await alice.exited).toBe(0)
    expect(alice.lines.filter((text) => text.startsWith('waiting')).length).toBe(1)
    expect(alice.raw()).not.toContain('hunter2')
  })

  it('with --json, says it as one { waiting } object', async () => {
    const server = await launcher()
    const alice = signalbox(['join', 'json-wait', '--server', server.url, '--json'])
    await alice.line((text) => text.includes('"waiting"'))
    alice.child.kill('SIGINT')
    expect(await alice.exited).toBe(0)
    const waiting = alice.json().filter((line) => line['waiting'] !== undefined)
    expect(waiting).toEqual([
      {
        waiting: { room: 'json-wait', answerTimeoutMs: 120_000, command: `signalbox join json-wait --server ${server.url}`, sameSecret: false },
        ms: expect.any(Number),
      },
    ])
  })
})

describe('signalbox join --stay', () => {
  it('stays in the call after stdin (</dev/null) ends, receives what the other side sends, and ends when it hangs up', async () => {
    const server = await launcher()
    const alice = signalbox(['join', 'stay-room', '--server', server.url, '--json', '--stay', '--message', 'from alice'], { stdin: 'ignore' })
    await alice.line((text) => text.includes('"pollingAnswer"'))
    const bob = signalbox(['join', 'stay-room', '--server', server.url, '--json'])
    await bob.line((text) => text.includes('"received":"from alice"'))
    bob.stdin!.write('typed by bob\n')
    await alice.line((text) => text.includes('"received":"typed by bob"'))
    bob.stdin!.end()
    expect(await bob.exited).toBe(0)
    expect(await alice.exited).toBe(0)
    const states = alice.json().flatMap((line) => (typeof line['state'] === 'string' ? [line['state']] : []))
    expect(states.slice(-3)).toEqual(['connecting', 'connected', 'closed'])
  })
})

describe('signalbox join failures', () => {
  it('prints a server’s error text without its escape sequences', async () => {
    const description = `${ESC}[31mred alert${ESC}[0m${ESC}]0;pwned\u0007${ESC}[2J from the server`
    const url = await fakeServer((response) => {
      response.writeHead(400, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ errorCode: -1500, description }))
    })
    const run = signalbox(['join', 'room', '--server', url])
    expect(await run.exited).toBe(1)
    expect(run.errors).toContainEqual(expect.stringMatching(/^signalbox: ERR_STORE_REJECTED: .*red alert from the server$/))
    expect(run.lines).toContainEqual(expect.stringMatching(/failed {2}ERR_STORE_REJECTED: .*red alert from the server$/))
    expect(run.raw()).not.toContain(ESC)
    expect(run.raw()).not.toContain('pwned')
  })

  it('fails with ERR_STORE_UNAVAILABLE, not a hang, against a server that never answers', async () => {
    const url = await fakeServer(() => {})
    const run = signalbox(['join', 'room', '--server', url, '--request-timeout', '200'])
    expect(await run.exited).toBe(1)
    expect(run.errors).toContainEqual(expect.stringMatching(/^signalbox: ERR_STORE_UNAVAILABLE: .*no answer within 200 ms/))
  })

  it('exits 2 with commander’s message on bad arguments', async () => {
    const unknown = signalbox(['join', 'room', '--no-such-option'])
    expect(await unknown.exited).toBe(2)
    expect(unknown.errors.join('\n')).toContain("unknown option '--no-such-option'")
    const missingRoom = signalbox(['join'])
    expect(await missingRoom.exited).toBe(2)
    expect(missingRoom.errors.join('\n')).toContain("missing required argument 'room'")
    const badTimeout = signalbox(['join', 'room', '--answer-timeout', 'soon'])
    expect(await badTimeout.exited).toBe(2)
    expect(badTimeout.errors.join('\n')).toContain('use a whole number from 1')
  })
})

describe('signalbox serve: where to open the page', () => {
  const lan = { address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:01', internal: false, cidr: '192.168.1.20/24' } as const
  const loopback = { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' } as const
  const v6 = { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:00:00:00:00:01', internal: false, cidr: 'fe80::1/64', scopeid: 2 } as const

  it('on every interface, gives 127.0.0.1 here (never 0.0.0.0, which no browser should be sent to) and each network IPv4 address for other machines', () => {
    expect(pageAddresses('0.0.0.0', 8100, { lo: [loopback], eth0: [lan, v6] })).toEqual({
      local: 'http://127.0.0.1:8100/',
      network: ['http://192.168.1.20:8100/'],
    })
    expect(pageAddresses('::', 8100, { lo: [loopback] })).toEqual({ local: 'http://127.0.0.1:8100/', network: [] })
  })

  it('on one address, gives that address and no network line', () => {
    expect(pageAddresses('127.0.0.1', 8100, { eth0: [lan] })).toEqual({ local: 'http://127.0.0.1:8100/', network: undefined })
    expect(pageAddresses('::1', 8100, {})).toEqual({ local: 'http://[::1]:8100/', network: undefined })
  })
})
