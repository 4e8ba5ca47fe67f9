/**
 * The browser page in Debian's Chromium (driven by playwright-core; no browser
 * download): two pages in one room through `signalbox serve`, with fake camera
 * and microphone; a page and a `signalbox join` process in Node; the live
 * statechart panel. Screenshots go to test-results/.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signalingMachine } from '../src/index.js'
import { startServer, type RunningServer } from '../src/server/index.js'
import { buildWeb, WEB_DIST } from '../scripts/build-web.js'

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
const available = existsSync(CHROMIUM)
const INSTALL = 'apt-get install -y chromium'
const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url))
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
]

if (!available) {
  if (process.env['CI'] === 'true') {
    it('needs Chromium', () => {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: ${INSTALL}`)
    })
  } else {
    console.warn(`chromium not found: skipping the browser tests (install it with: ${INSTALL})`)
  }
}

describe.runIf(available)('the browser page', () => {
  let server: RunningServer
  let browser: Browser
  beforeAll(async () => {
    await buildWeb()
    mkdirSync(RESULTS, { recursive: true })
    server = await startServer({ port: 0, webRoot: WEB_DIST })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true })
  }, 60_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const pageUrl = (query: string) => `${server.url.replace(/0\.5\/$/, '')}?${query}`
  async function open(query: string): Promise<Page> {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] })
    const page = await context.newPage()
    await page.goto(pageUrl(query))
    return page
  }
  /** Waits for the page's state; on a timeout, says where the page is instead. */
  async function state(page: Page, value: string): Promise<void> {
    try {
      await page.waitForSelector(`[data-testid=state]:text-is("${value}")`, { timeout: 20_000 })
    } catch (error) {
      const [now, problem, events] = await page.evaluate(() => [
        document.querySelector('[data-testid=state]')?.textContent,
        document.querySelector('[data-testid=error]')?.textContent,
        document.querySelector('[data-testid=event-log]')?.textContent,
      ])
      throw new Error(`waited for ${value}, the page is in ${now} (error: ${problem}); events: ${events}`, { cause: error })
    }
  }

  it('connects two pages in one room: video both ways, chat both ways, and hang-up closes the other side', async () => {
    const alice = await open('room=video-call')
    await state(alice, 'pollingAnswer')
    const bob = await open('room=video-call')
    await Promise.all([state(alice, 'connected'), state(bob, 'connected')])

    for (const page of [alice, bob]) {
      await page.waitForFunction(() => (document.querySelector('[data-testid=remote-video]') as HTMLVideoElement).videoWidth > 0, undefined, { timeout: 20_000 })
    }
    await alice.fill('[data-testid=chat-input]', 'hello from alice')
    await alice.click('[data-testid=chat-send]')
    await bob.waitForSelector('[data-testid=chat-log] :text("them: hello from alice")')
    await bob.fill('[data-testid=chat-input]', 'hello from bob')
    await bob.click('[data-testid=chat-send]')
    await alice.waitForSelector('[data-testid=chat-log] :text("them: hello from bob")')

    await alice.screenshot({ path: `${RESULTS}video-call-alice.png` })
    await bob.screenshot({ path: `${RESULTS}video-call-bob.png` })
    expect(await alice.locator('#statechart [data-state=connected]').getAttribute('class')).toContain('active')

    await alice.click('[data-testid=hangup]')
    await Promise.all([state(alice, 'closed'), state(bob, 'closed')])
    await bob.screenshot({ path: `${RESULTS}video-call-bob-closed.png` })
  }, 90_000)

  it('connects a page and a signalbox join process in Node (data channel only)', async () => {
    const page = await open('room=page-and-node&media=0')
    await state(page, 'pollingAnswer')
    const node = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'join', 'page-and-node', '--server', server.url, '--json', '--message', 'hi from node'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    })
    let output = ''
    node.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    await page.waitForSelector('[data-testid=chat-log] :text("them: hi from node")', { timeout: 30_000 })
    await page.fill('[data-testid=chat-input]', 'hi from the page')
    await page.click('[data-testid=chat-send]')
    for (let turn = 0; turn < 200 && !output.includes('"received":"hi from the page"'); turn++) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(output).toContain('"received":"hi from the page"')
    node.stdin.end()
    const [code] = await once(node, 'exit')
    expect(code).toBe(0)
    await state(page, 'closed')
    await page.screenshot({ path: `${RESULTS}page-and-node.png` })
  }, 90_000)

  it('draws every state of the machine in the statechart panel, and says what went wrong in words', async () => {
    const page = await open('room=' + encodeURIComponent('x'.repeat(300)) + '&media=0')
    for (const name of Object.keys(signalingMachine.root.states)) {
      expect(await page.locator(`#statechart [data-state="${name}"]`).count(), name).toBe(1)
    }
    await page.waitForSelector('[data-testid=error]:has-text("ERR_INVALID_ROOM")')
    expect(await page.textContent('[data-testid=error]')).toContain('use a non-empty string of at most 256 characters')
  }, 60_000)
})
