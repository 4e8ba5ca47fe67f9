/**
 * Issue 15, item 9: no server can hang the Launcher client or exhaust its
 * memory. Malicious servers on port 0 drip their answers (1 byte per second)
 * or stream 1 GiB (generated, never stored; writing stops once the client
 * hangs up); the client runs in a child `node --expose-gc` that forces a
 * collection every 500 ms, so a timeout the collector can take never fires.
 */
import { spawn } from 'node:child_process'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

/** The client's request timeout in these tests, in ms. */
const CLIENT_TIMEOUT_MS = 2_000
/** How long the child may run before it counts as hung, in ms. */
const HANG_LIMIT_MS = 20_000
/** The body the huge server streams, in bytes. */
const HUGE_BODY_BYTES = 1024 ** 3
const CHUNK = Buffer.alloc(64 * 1024, 0x61)
/** Memory the client may grow by while refusing the huge body, in bytes. */
const MEMORY_BOUND_BYTES = 100 * 1024 * 1024

type Handler = (request: IncomingMessage, response: ServerResponse) => void

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

async function serve(handler: Handler): Promise<string> {
  const server = createServer(handler)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

/** Answers `auth` honestly, so that the request under test is the read. */
function honestAuth(request: IncomingMessage, response: ServerResponse): boolean {
  if (!request.url?.endsWith('/auth') && request.url !== '/auth') return false
  request.resume()
  response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'token', permissions: [] }))
  return true
}

/** Sends the headers at once, then one byte a second until the client goes. */
function drip(response: ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/json' })
  const timer = setInterval(() => response.write(' '), 1_000)
  response.on('close', () => clearInterval(timer))
}

interface ChildOutcome {
  code?: string
  name?: string
  signalingError?: boolean
  rssGrowthBytes: number
}

function runClient(url: string): Promise<ChildOutcome> {
  const script = fileURLToPath(new URL('./helpers/bounded-client.ts', import.meta.url))
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, url, String(CLIENT_TIMEOUT_MS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve, reject) => {
    const hung = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the client hung: no outcome within ${HANG_LIMIT_MS} ms (timeout ${CLIENT_TIMEOUT_MS} ms)`))
    }, HANG_LIMIT_MS)
    child.on('exit', () => {
      clearTimeout(hung)
      const line = stdout.trim().split('\n').pop() ?? ''
      try {
        resolve(JSON.parse(line) as ChildOutcome)
      } catch {
        reject(new Error(`the client printed no outcome: ${stdout}\n${stderr}`))
      }
    })
  })
}

describe('the Launcher client against malicious servers (issue 15, item 9)', () => {
  it('fails with ERR_STORE_UNAVAILABLE when a record read drips, with collections forced', async () => {
    const url = await serve((request, response) => {
      if (!honestAuth(request, response)) drip(response)
    })
    const outcome = await runClient(url)
    expect(outcome).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', signalingError: true })
  }, 30_000)

  it('fails with ERR_STORE_UNAVAILABLE when the JSON answer of auth drips, with collections forced', async () => {
    const url = await serve((request, response) => {
      request.resume()
      drip(response)
    })
    const outcome = await runClient(url)
    expect(outcome).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', signalingError: true })
  }, 30_000)

  it('refuses a 1 GiB answer with ERR_RECORD_TOO_LARGE, its memory bounded', async () => {
    let written = 0
    const url = await serve((request, response) => {
      if (honestAuth(request, response)) return
      response.writeHead(200, { 'content-type': 'application/octet-stream' })
      let gone = false
      response.on('close', () => (gone = true))
      const write = (): void => {
        while (!gone && written < HUGE_BODY_BYTES) {
          written += CHUNK.length
          if (!response.write(CHUNK)) {
            response.once('drain', write)
            return
          }
        }
        if (!gone) response.end()
      }
      write()
    })
    const outcome = await runClient(url)
    expect(outcome).toMatchObject({ code: 'ERR_RECORD_TOO_LARGE', signalingError: true })
    expect(outcome.rssGrowthBytes).toBeLessThan(MEMORY_BOUND_BYTES)
    expect(written).toBeLessThan(HUGE_BODY_BYTES)
  }, 30_000)
})
