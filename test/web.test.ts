/**
 * The browser page in Debian's Chromium (driven by playwright-core; no browser
 * download): two pages in one room through `signalbox serve`, with fake camera
 * and microphone; a page and a `signalbox join` process in Node; the live
 * statechart panel. Screenshots go to test-results/.
 */
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signalingMachine } from '../src/index.js'
import { transitionLabel } from '../src/diagram/index.js'
import { startServer, type RunningServer } from '../src/server/index.js'
import { buildWeb, WEB_DIST } from '../scripts/build-web.js'
import { CHROMIUM_FLAGS, CHROMIUM_PATH, chromiumOrSkip, FAKE_MEDIA_FLAGS } from './helpers/chromium.js'

const CHROMIUM = CHROMIUM_PATH
const available = chromiumOrSkip('the browser tests')
const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url))
const FLAGS = [...CHROMIUM_FLAGS, ...FAKE_MEDIA_FLAGS, '--autoplay-policy=no-user-gesture-required']


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
  async function open(query: string, width = 1280, beforeLoad?: (page: Page) => void): Promise<Page> {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width, height: 900 } })
    const page = await context.newPage()
    beforeLoad?.(page)
    // Count camera requests and keep every stream, so a test can see the tracks were stopped.
    await page.addInitScript(() => {
      const seen = { calls: 0, streams: [] as MediaStream[] }
      Object.assign(window, { __media: seen })
      const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices)
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        seen.calls++
        const stream = await original(constraints)
        seen.streams.push(stream)
        return stream
      }
    })
    // Note, with the page's clock, when the state label first shows each state (as the bench does).
    await page.addInitScript(() => {
      const marks: Record<string, number> = {}
      Object.assign(window, { __marks: marks })
      new MutationObserver(() => {
        const state = document.querySelector('[data-testid=state]')?.getAttribute('data-state') ?? ''
        if (state !== '' && !(state in marks)) marks[state] = performance.now()
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] })
    })
    await page.goto(pageUrl(query))
    return page
  }
  /** When the page first showed `state`, and when it first asked for the statechart panel's chunk (page clock, ms). */
  const startTimes = (page: Page, state: string) =>
    page.evaluate((name) => {
      const panel = performance.getEntriesByType('resource').find((entry) => /\/chunks\/panel-/.test(entry.name))
      return { state: (window as unknown as { __marks: Record<string, number> }).__marks[name], panel: panel?.startTime }
    }, state)
  /** Waits for the page's machine state; on a timeout, says where the page is instead. */
  async function state(page: Page, value: string): Promise<void> {
    try {
      await page.waitForSelector(`[data-testid=state][data-state="${value}"]`, { timeout: 20_000 })
    } catch (error) {
      const [now, problem, events] = await page.evaluate(() => [
        document.querySelector<HTMLElement>('[data-testid=state]')?.dataset['state'],
        document.querySelector('[data-testid=error]')?.textContent,
        document.querySelector('[data-testid=event-log]')?.textContent,
      ])
      throw new Error(`waited for ${value}, the page is in ${now} (error: ${problem}); events: ${events}`, { cause: error })
    }
  }
  const trackStates = (page: Page) =>
    page.evaluate(() => (window as unknown as { __media: { streams: MediaStream[] } }).__media.streams.flatMap((stream) => stream.getTracks().map((track) => track.readyState)))
  const cameraRequests = (page: Page) => page.evaluate(() => (window as unknown as { __media: { calls: number } }).__media.calls)
  const remoteTracks = (page: Page) =>
    page.evaluate(() => {
      const stream = (document.querySelector('[data-testid=remote-video]') as HTMLVideoElement).srcObject as MediaStream | null
      return stream?.getTracks().map((track) => ({ kind: track.kind, enabled: track.enabled, muted: track.muted })) ?? []
    })
  const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
  async function bothSeeVideo(pages: Page[]): Promise<void> {
    for (const page of pages) {
      await page.waitForFunction(() => (document.querySelector('[data-testid=remote-video]') as HTMLVideoElement).videoWidth > 0, undefined, { timeout: 20_000 })
    }
  }

  it('holds a call between two pages, ends it, and starts the next one without a reload', async () => {
    // The page talks to the server over one WebSocket (our socket extension): its sockets, and the paths of the frames sent.
    const aliceSockets: string[] = []
    const aliceFrames: string[] = []
    const alice = await open('room=video-call', 1280, (page) =>
      page.on('websocket', (socket) => {
        aliceSockets.push(new URL(socket.url()).pathname)
        socket.on('framesent', (frame) => aliceFrames.push(String((JSON.parse(String(frame.payload)) as { path?: string }).path ?? 'cancel').split('?')[0]!))
      }),
    )
    await state(alice, 'pollingAnswer')
    expect(await alice.textContent('[data-testid=status]')).toContain('Waiting for someone to join')
    expect(await alice.inputValue('[data-testid=invite-link]')).toMatch(/\?room=video-call$/)
    await alice.screenshot({ path: `${RESULTS}waiting-1280.png` })
    const bob = await open('room=video-call', 360)
    await Promise.all([state(alice, 'connected'), state(bob, 'connected')])
    // Each trickled candidate is a signal too: the log says our offer, or our answer, is ready once per call.
    const readyLines = (page: Page) =>
      page.evaluate(() => {
        const text = document.querySelector('[data-testid=event-log]')?.textContent ?? ''
        return { offer: text.split('our offer is ready').length - 1, answer: text.split('our answer is ready').length - 1 }
      })
    expect(await readyLines(alice)).toEqual({ offer: 1, answer: 0 })
    expect((await readyLines(bob)).answer).toBe(1)
    expect((await readyLines(bob)).offer).toBeLessThanOrEqual(1)
    // The page joins first and draws after: Bob's statechart panel is only fetched once his call is connected.
    await bob.waitForSelector('#statechart svg')
    const bobStart = await startTimes(bob, 'connected')
    expect(bobStart.panel).toBeGreaterThanOrEqual(bobStart.state!)
    await bothSeeVideo([alice, bob])
    await alice.fill('[data-testid=chat-input]', 'hello from alice')
    await alice.click('[data-testid=chat-send]')
    await bob.waitForSelector('[data-testid=chat-log] :text("them: hello from alice")')
    await bob.fill('[data-testid=chat-input]', 'hello from bob')
    await bob.click('[data-testid=chat-send]')
    await alice.waitForSelector('[data-testid=chat-log] :text("them: hello from bob")')
    await alice.waitForSelector('#statechart [data-state=connected].sb-active')
    expect(await alice.locator('#statechart [data-state=connected]').getAttribute('class')).toContain('active')
    expect(await fitsWidth(bob)).toBe(true)
    await alice.screenshot({ path: `${RESULTS}connected-1280.png` })
    await bob.screenshot({ path: `${RESULTS}connected-360.png`, fullPage: true })

    // Mute and camera off reach the other side: its received tracks are disabled, and it says so.
    await alice.click('[data-testid=mute]')
    await alice.click('[data-testid=camera]')
    await bob.waitForSelector('[data-testid=remote-media]:has-text("microphone muted, camera off")')
    expect((await remoteTracks(bob)).every((track) => !track.enabled || track.muted)).toBe(true)
    expect(await alice.getAttribute('[data-testid=mute]', 'aria-pressed')).toBe('true')

    // A third person is told the room is busy, and their camera never turns on.
    const carol = await open('room=video-call')
    await carol.waitForSelector('[data-testid=status]:has-text("is busy")')
    expect(await cameraRequests(carol)).toBe(0)
    await carol.context().close()

    // Alice hangs up: Bob is told, and both pages stop every track.
    await alice.click('[data-testid=hangup]')
    await Promise.all([state(alice, 'closed'), state(bob, 'closed')])
    await bob.waitForSelector('[data-testid=notice]:has-text("The other person left the call.")')
    expect(await trackStates(alice)).toEqual(['ended', 'ended'])
    await bob.waitForFunction(() => (window as unknown as { __media: { streams: MediaStream[] } }).__media.streams.every((stream) => stream.getTracks().every((track) => track.readyState === 'ended')))
    await alice.screenshot({ path: `${RESULTS}after-hangup-1280.png` })
    await bob.screenshot({ path: `${RESULTS}after-hangup-360.png`, fullPage: true })
    // Alice's page opened one socket at load, and her hang-up's removals went over it.
    expect(aliceSockets).toEqual(['/0.5/socket'])
    await expect.poll(() => aliceFrames, { timeout: 20_000 }).toContain('structured-data/remove-by-name')

    // Join again, both pages, no reload (the marker set before survives).
    await alice.evaluate(() => Object.assign(window, { __sameDocument: true }))
    expect(await bob.textContent('[data-testid=join]')).toBe('Join again')
    await bob.click('[data-testid=join]')
    await state(bob, 'pollingAnswer')
    await bob.screenshot({ path: `${RESULTS}waiting-360.png`, fullPage: true })
    await alice.click('[data-testid=join]')
    await Promise.all([state(alice, 'connected'), state(bob, 'connected')])
    await bothSeeVideo([alice, bob])
    expect(await alice.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true)
    await bob.click('[data-testid=hangup]')
    await Promise.all([state(alice, 'closed'), state(bob, 'closed')])
    expect(await trackStates(bob)).toEqual(['ended', 'ended', 'ended', 'ended'])
    await alice.context().close()
    await bob.context().close()
  }, 120_000)

  it('connects a page and a signalbox join process in Node (data channel only)', async () => {
    const page = await open('room=page-and-node&media=0')
    await state(page, 'pollingAnswer')
    // Data only, the page is in `joining` before it is first drawn (app.js is render-blocking and joins as it runs).
    const firstPaint = await page.evaluate(() => performance.getEntriesByType('paint').find((entry) => entry.name === 'first-paint')?.startTime)
    expect(firstPaint).toBeGreaterThanOrEqual((await startTimes(page, 'joining')).state!)
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
    await page.waitForSelector('#statechart svg')
    for (const name of Object.keys(signalingMachine.root.states)) {
      expect(await page.locator(`#statechart [data-state="${name}"]`).count(), name).toBe(1)
    }
    await page.waitForSelector('[data-testid=error]:has-text("ERR_INVALID_ROOM")')
    expect(await page.textContent('[data-testid=error]')).toContain('use a non-empty string of at most 256 characters')
    expect(await page.locator('video').evaluateAll((videos) => videos.filter((video) => (video as HTMLElement).offsetParent !== null).length)).toBe(0)
    await page.context().close()
  }, 60_000)

  for (const width of [1280, 360]) {
    it(`shows a readable statechart at ${width} px: labels of 11 px or more, every transition labelled, no edge through a state`, async () => {
      const page = await open('', width)
      await page.waitForSelector('#statechart svg [data-state=idle].sb-active')
      expect(await cameraRequests(page)).toBe(0)
      expect(await fitsWidth(page)).toBe(true)
      await page.screenshot({ path: `${RESULTS}idle-${width}.png`, fullPage: true })
      const smallest = await page.$$eval('#statechart svg text', (texts) => {
        const svg = (texts[0] as SVGTextElement).ownerSVGElement!
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width
        return Math.min(...texts.filter((text) => text.getBoundingClientRect().height > 0).map((text) => parseFloat(getComputedStyle(text).fontSize) * scale))
      })
      expect(smallest).toBeGreaterThanOrEqual(11)

      const labels = await page.$$eval('#statechart svg', ([svg]) => {
        const visible = (element: Element) => element.getBoundingClientRect().width > 0 && getComputedStyle(element).visibility !== 'hidden'
        const edges: Record<string, string[]> = {}
        for (const edge of svg!.querySelectorAll('.sb-edge')) edges[edge.getAttribute('data-edge')!] = [...edge.querySelectorAll('text')].filter(visible).map((text) => text.textContent!)
        for (const node of svg!.querySelectorAll('.sb-node[data-state]')) edges[`${node.getAttribute('data-state')}(internal)`] = [...node.querySelectorAll('.sb-internal')].filter(visible).map((text) => text.textContent!)
        return edges
      })
      for (const [key, node] of Object.entries(signalingMachine.root.states)) {
        const lists: Array<[string, ReadonlyArray<{ guard?: unknown; target?: ReadonlyArray<{ key: string }> | undefined }>]> = [['', node.always ?? []], ...node.transitions]
        for (const [eventType, transitions] of lists) {
          transitions.forEach((transition, index) => {
            const target = transition.target?.[0]?.key
            const where = target === undefined ? `${key}(internal)` : `${key}->${target}`
            expect(labels[where], `${key} ${eventType}`).toContain(transitionLabel(eventType, transition.guard, index > 0 && transition.guard === undefined))
          })
        }
      }
      expect(labels['*->closed']).toEqual(['HANGUP'])

      const crossings = await page.$$eval('#statechart svg', ([svg]) => {
        const boxes = [...svg!.querySelectorAll('[data-node]')].map((node) => {
          const rect = node.querySelector('rect, circle') as SVGGraphicsElement
          return { id: node.getAttribute('data-node')!, box: rect.getBBox() }
        })
        const found: string[] = []
        for (const edge of svg!.querySelectorAll('.sb-edge')) {
          const points = [...edge.querySelector('path')!.getAttribute('d')!.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((match) => ({ x: Number(match[1]), y: Number(match[2]) }))
          for (const { id, box } of boxes) {
            if (id === edge.getAttribute('data-from') || id === edge.getAttribute('data-to')) continue
            for (let index = 1; index < points.length; index++) {
              const [a, b] = [points[index - 1]!, points[index]!]
              for (let step = 0; step <= 32; step++) {
                const x = a.x + ((b.x - a.x) * step) / 32
                const y = a.y + ((b.y - a.y) * step) / 32
                if (x > box.x + 1 && x < box.x + box.width - 1 && y > box.y + 1 && y < box.y + box.height - 1) found.push(`${edge.getAttribute('data-edge')} crosses ${id}`)
              }
            }
          }
        }
        return [...new Set(found)]
      })
      expect(crossings).toEqual([])
      expect(await page.$$eval('#statechart svg .sb-edge', (edges) => edges.length)).toBeGreaterThan(10)

      // The state's description on keyboard focus.
      await page.focus('#statechart [data-state=pollingAnswer]')
      expect(await page.textContent('#statechart .sb-description')).toContain('Reads the answer address')
      await page.context().close()
    }, 60_000)
  }
})
