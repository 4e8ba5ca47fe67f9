/**
 * The prebuilt browser module (dist/browser/signalbox.min.js, for a plain
 * `<script type="module">`): built into a folder of its own, served on
 * 127.0.0.1 with simple-peer's own browser build beside it, and loaded in
 * Chromium. It does not carry simple-peer: its `createSimplePeerFactory` uses
 * the `SimplePeer` global of simple-peer's simplepeer.min.js, and says so
 * where the page has not loaded it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildModule } from '../scripts/build-module.js'
import { CHROMIUM_FLAGS, CHROMIUM_PATH, chromiumOrSkip } from './helpers/chromium.js'

const available = chromiumOrSkip('the prebuilt module tests')
/** How long building the module and launching Chromium may take, in ms. */
const SET_UP_TIMEOUT_MS = 60_000
/** How long a page may take to settle, in ms. */
const PAGE_TIMEOUT_MS = 20_000
const SIMPLE_PEER_BUILD = createRequire(import.meta.url).resolve('simple-peer/simplepeer.min.js')
/** A string of simple-peer's browser build (its bundled readable-stream), which the module must not hold. */
const SIMPLE_PEER_MARKER = '_readableState'

/**
 * A page that connects two participants over one MemoryStore with simple-peer's
 * peers, and puts what happened in `document.body.dataset.result`; with
 * `withSimplePeer`, simple-peer's simplepeer.min.js is loaded first.
 */
function page(withSimplePeer: boolean): string {
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>
${withSimplePeer ? '<script src="/simplepeer.min.js"></script>' : ''}
<script type="module">
  import { createSignaling, createSimplePeerFactory, MemoryStore } from '/signalbox.min.js'
  const store = new MemoryStore()
  const calls = [0, 1].map(() => createSignaling({ store, createPeer: createSimplePeerFactory({ trickle: true }) }).join('prebuilt'))
  Promise.all(calls.map((call) => call.connected))
    .then(([first, second]) => new Promise((resolve) => {
      second.once('data', (data) => resolve('received ' + new TextDecoder().decode(data)))
      first.send('hello')
    }))
    .then((result) => (document.body.dataset.result = result), (error) => (document.body.dataset.result = error.name + ' ' + error.code + ': ' + error.message))
    .finally(() => calls.forEach((call) => void call.hangup()))
</script></body></html>`
}

describe.runIf(available)('the prebuilt browser module', () => {
  const folder = mkdtempSync(join(tmpdir(), 'signalbox-prebuilt-'))
  let module = ''
  let server: Server
  let browser: Browser
  let origin = ''

  beforeAll(async () => {
    module = readFileSync(await buildModule(folder), 'utf8')
    const simplePeer = readFileSync(SIMPLE_PEER_BUILD)
    server = createServer((request, response) => {
      const [type, body] =
        request.url === '/signalbox.min.js' ? ['text/javascript', module]
        : request.url === '/simplepeer.min.js' ? ['text/javascript', simplePeer]
        : ['text/html', page(request.url === '/with-simple-peer')]
      response.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_FLAGS], headless: true })
  }, SET_UP_TIMEOUT_MS)
  afterAll(async () => {
    await browser?.close()
    server?.closeAllConnections()
    await new Promise((resolve) => server?.close(resolve))
    rmSync(folder, { recursive: true, force: true })
  })

  async function resultOf(path: string): Promise<string> {
    const context = await browser.newContext()
    try {
      const tab = await context.newPage()
      await tab.goto(`${origin}${path}`)
      await tab.waitForFunction(() => document.body.dataset['result'] !== undefined, undefined, { timeout: PAGE_TIMEOUT_MS })
      return await tab.evaluate(() => document.body.dataset['result']!)
    } finally {
      await context.close()
    }
  }

  it('does not carry simple-peer’s browser build', () => {
    expect(readFileSync(SIMPLE_PEER_BUILD, 'utf8')).toContain(SIMPLE_PEER_MARKER)
    expect(module).not.toContain(SIMPLE_PEER_MARKER)
  })

  it('connects simple-peer’s peers with the SimplePeer global of simplepeer.min.js', async () => {
    expect(await resultOf('/with-simple-peer')).toBe('received hello')
  }, PAGE_TIMEOUT_MS * 2)

  it('fails the call with ERR_WEBRTC_UNSUPPORTED saying to load simplepeer.min.js where the page has not', async () => {
    const result = await resultOf('/without-simple-peer')
    expect(result).toMatch(/^SignalingError ERR_WEBRTC_UNSUPPORTED: /)
    expect(result).toContain('load simple-peer/simplepeer.min.js')
  }, PAGE_TIMEOUT_MS * 2)
})
