/**
 * The command line's own pure parts: text from outside made safe for a
 * terminal, the waiting participant's invitation, and the version lookup.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatDuration, invitation, inviteCommand, shellQuote } from '../src/cli/invite.js'
import { printable, printableJson, printableLines } from '../src/cli/printable.js'
import { packageVersion } from '../src/cli/version.js'

const ESC = '\u001b'

describe('printable', () => {
  it('removes colour, cursor, title and clear-screen sequences, keeping the text', () => {
    expect(printable(`${ESC}[31mred${ESC}[0m alert`)).toBe('red alert')
    expect(printable(`a${ESC}[2J${ESC}[Hb`)).toBe('ab')
    expect(printable(`${ESC}]0;pwned\u0007title kept out`)).toBe('title kept out')
    expect(printable(`${ESC}]8;;http://evil${ESC}\\link${ESC}]8;;${ESC}\\`)).toBe('link')
    expect(printable(`${ESC}creset`)).toBe('reset')
    expect(printable('\u009b31mone-byte CSI')).toBe('one-byte CSI')
  })

  it('removes other control characters and bidirectional overrides; a line break or tab becomes a space', () => {
    expect(printable('bell\u0007 back\bspace del\u007f')).toBe('bell backspace del')
    expect(printable('abc\u202egnp.exe')).toBe('abcgnp.exe')
    expect(printable('one\ntwo\r\nthree\tfour\rfive')).toBe('one two three four five')
  })

  it('leaves ordinary text, accents and emoji alone', () => {
    const text = 'Grüße, 東京 🎉 — "quoted" <tag> 100%'
    expect(printable(text)).toBe(text)
  })

  it('printableLines keeps line breaks only as separators between safe lines', () => {
    expect(printableLines(`one\r\n${ESC}[2Jtwo\n${ESC}[31mthree${ESC}[0m`)).toEqual(['one', 'two', 'three'])
    expect(printableLines('single')).toEqual(['single'])
    expect(printableLines('a\u2028b')).toEqual(['a', 'b'])
  })

  it('printableJson parses back to the same value but prints no control character', () => {
    const value = { received: `${ESC}[31m\u009b2J\u202e\u2028x` }
    const line = printableJson(value)
    expect(JSON.parse(line)).toEqual(value)
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2028\u2029]/)
  })
})

describe('the invitation while waiting', () => {
  it('formats waits for people', () => {
    expect(formatDuration(120_000)).toBe('2 minutes')
    expect(formatDuration(90_000)).toBe('1 minute 30 seconds')
    expect(formatDuration(60_000)).toBe('1 minute')
    expect(formatDuration(1_500)).toBe('1.5 seconds')
    expect(formatDuration(250)).toBe('250 ms')
    expect(formatDuration(12 * 60 * 60 * 1000)).toBe('12 hours')
    expect(formatDuration(3_723_000)).toBe('1 hour 2 minutes 3 seconds')
  })

  it('quotes only what a shell would split or expand', () => {
    expect(shellQuote('room-1')).toBe('room-1')
    expect(shellQuote('http://127.0.0.1:8100/0.5/')).toBe('http://127.0.0.1:8100/0.5/')
    expect(shellQuote("it's mine")).toBe("'it'\\''s mine'")
    expect(shellQuote('$(rm -rf ~)')).toBe("'$(rm -rf ~)'")
  })

  it('gives the exact command with the same server and app id, and names the secret without its value', () => {
    const { command, lines } = invitation({ room: 'my room', server: 'http://127.0.0.1:9/0.5/', appId: 'my.app', secret: true }, 90_000)
    expect(command).toBe("signalbox join 'my room' --server http://127.0.0.1:9/0.5/ --app-id my.app")
    expect(lines).toEqual([
      'waiting up to 1 minute 30 seconds for someone to join room "my room"; ask them to run:',
      "  signalbox join 'my room' --server http://127.0.0.1:9/0.5/ --app-id my.app   (with the same --secret)",
    ])
    expect(inviteCommand({ room: 'r', server: 'http://h/0.5/' })).toBe('signalbox join r --server http://h/0.5/')
  })

  it('says that nobody elsewhere can join an in-memory store', () => {
    const { command, lines } = invitation({ room: 'r' }, 120_000)
    expect(command).toBeUndefined()
    expect(lines[0]).toBe('waiting up to 2 minutes for another participant in this process to join room "r":')
    expect(lines.join('\n')).toContain('--server')
  })
})

describe('packageVersion', () => {
  it('reads the nearest package.json named signalbox above the module, as in the clone and when installed', () => {
    const installed = mkdtempSync(join(tmpdir(), 'signalbox-version-'))
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '9.9.9' }))
    const own = join(installed, 'node_modules', 'signalbox')
    mkdirSync(join(own, 'dist', 'src', 'cli'), { recursive: true })
    writeFileSync(join(own, 'package.json'), JSON.stringify({ name: 'signalbox', version: '1.2.3' }))
    writeFileSync(join(own, 'dist', 'package.json'), JSON.stringify({ type: 'module' }))
    expect(packageVersion(join(own, 'dist', 'src', 'cli'))).toBe('1.2.3')
    expect(() => packageVersion(installed)).toThrow(/no package.json of signalbox/)
  })
})
