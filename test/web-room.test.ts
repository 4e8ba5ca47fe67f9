/**
 * The page's room of many in Debian's Chromium (playwright-core, fake camera):
 * three pages, each in its own browser context, open `?room=…&peers=3`
 * against one server; each shows the other two's video playing; one hangs
 * up and the other two drop its tile; it joins again without a reload; a
 * fourth page is told the room is full, before its camera opens and (without
 * a camera) by the room machine. Screenshots go to test-results/.
 */
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { signalingMachine } from '../src/index.js'
import { CHROMIUM_FLAGS, chromiumOrSkip, FAKE_MEDIA_FLAGS } from './helpers/chromium.js'
import { servedPage } from './helpers/served-page.js'
import { ONE_ADDRESS_CROWD } from './helpers/crowd.js'

const available = chromiumOrSkip('the browser room tests')
const RESULTS = fileURLToPath(new URL('../test-results/', import.meta.url))
const FLAGS = [...CHROMIUM_FLAGS, ...FAKE_MEDIA_FLAGS, '--autoplay-policy=no-user-gesture-required']
/** The bound of each wait on a page's state, in ms (a bound, not an assertion). */
const WAIT_MS = 30_000


/** The peer ids of the tiles whose video plays (a decoded frame: videoWidth > 0, readyState ≥ 2). */
function playingTiles(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid=peer-tile]', (tiles) =>
    tiles
      .filter((tile) => {
        const video = tile.querySelector('video')!
        return video.videoWidth > 0 && video.readyState >= 2
      })
      .map((tile) => (tile as HTMLElement).dataset['peer']!)
      .sort(),
  )
}

describe.runIf(available)('the browser page in a room of many', () => {
  // Every page comes from 127.0.0.1: the per-address caps meant for one hostile client (docs/security.md)
  // would count three participants' polls and pushes as one client's, so they are lifted.
  const served = servedPage('web-room', { flags: FLAGS, server: ONE_ADDRESS_CROWD })
  beforeAll(() => {
    mkdirSync(RESULTS, { recursive: true })
  })

  async function open(query: string, width = 1280): Promise<Page> {
    const context = await served.browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width, height: 900 } })
    const page = await context.newPage()
    await page.addInitScript(() => {
      const seen = { calls: 0 }
      Object.assign(window, { __media: seen })
      const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices)
      navigator.mediaDevices.getUserMedia = (constraints) => {
        seen.calls++
        return original(constraints)
      }
    })
    await page.goto(`${served.server.url.replace(/0\.5\/$/, '')}?${query}`)
    return page
  }
  /** What a page shows, for a failure's message. */
  const describePage = (page: Page) =>
    page.evaluate(() => {
      const text = (id: string) => document.querySelector(`[data-testid=${id}]`)?.textContent ?? ''
      const tiles = [...document.querySelectorAll<HTMLElement>('[data-testid=peer-tile]')].map((tile) => tile.dataset['peer'])
      const chat = (document.querySelector('[data-testid=chat-input]') as HTMLInputElement).disabled ? 'chat disabled' : 'chat enabled'
      return `state ${document.querySelector<HTMLElement>('[data-testid=state]')?.dataset['state']}, ${chat}, tiles ${tiles.join(' ')}; status: ${text('status')}; error: ${text('error')}; chat: ${text('chat-log')}; events: ${text('event-log')}`
    })
  /** Waits for `condition` on `page` (a page function of the number `arg`); on a timeout, says what the page shows. */
  async function until(page: Page, what: string, condition: (arg: number) => boolean, arg = 0): Promise<void> {
    try {
      await page.waitForFunction(condition, arg, { timeout: WAIT_MS })
    } catch (error) {
      throw new Error(`waited for ${what}; the page shows ${await describePage(page)}`, { cause: error })
    }
  }
  /** Waits until `page` shows exactly `count` remote tiles, every one playing. */
  function tilesPlaying(page: Page, count: number): Promise<void> {
    return until(
      page,
      `${count} playing tiles`,
      (expected) => {
        const tiles = [...document.querySelectorAll('[data-testid=peer-tile] video')] as HTMLVideoElement[]
        return tiles.length === expected && tiles.every((video) => video.videoWidth > 0 && video.readyState >= 2)
      },
      count,
    )
  }
  const cameraRequests = (page: Page) => page.evaluate(() => (window as unknown as { __media: { calls: number } }).__media.calls)
  const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

  it('shows three people each other\'s video, drops the one who hangs up, lets them back in, and turns a fourth away', async () => {
    const room = `grid-${Date.now().toString(36)}`
    const pages = await Promise.all([open(`room=${room}&peers=3`), open(`room=${room}&peers=3`), open(`room=${room}&peers=3`, 360)])
    for (const page of pages) await tilesPlaying(page, 2)
    const [alice, bob, carol] = pages as [Page, Page, Page]

    // Each page's two tiles are the other two pages, by their peer ids.
    const ids = await Promise.all(pages.map((page) => playingTiles(page)))
    const everyone = new Set(ids.flat())
    expect(everyone.size).toBe(3)
    ids.forEach((seen) => expect(seen).toHaveLength(2))
    expect(await alice.textContent('[data-testid=status]')).toContain('with 2 other people')
    expect(await fitsWidth(carol)).toBe(true)

    // The panel draws the room machine, and the pair in focus in the signaling drawing.
    await alice.waitForSelector('#room-statechart [data-state=present].sb-active', { timeout: WAIT_MS })
    await alice.waitForSelector('#statechart [data-state=connected].sb-active', { timeout: WAIT_MS })
    expect(await alice.locator('[data-testid=pair-select] option').count()).toBe(2)
    for (const name of Object.keys(signalingMachine.root.states)) expect(await alice.locator(`#statechart [data-state="${name}"]`).count(), name).toBe(1)
    await alice.screenshot({ path: `${RESULTS}room-of-3-1280.png`, fullPage: true })
    await carol.screenshot({ path: `${RESULTS}room-of-3-360.png`, fullPage: true })

    // Chat goes to everyone.
    await until(alice, 'the chat to be enabled', () => !(document.querySelector('[data-testid=chat-input]') as HTMLInputElement).disabled)
    await alice.fill('[data-testid=chat-input]', 'hello, both of you')
    await alice.click('[data-testid=chat-send]')
    for (const page of [bob, carol]) await page.waitForSelector('[data-testid=chat-log] :text("hello, both of you")', { timeout: WAIT_MS })

    // A fourth person is told the room is full, in words and by its code, and their camera never turns on.
    const dave = await open(`room=${room}&peers=3`)
    await dave.waitForSelector('[data-testid=error]:has-text("ERR_ROOM_FULL")', { timeout: WAIT_MS })
    expect(await dave.textContent('[data-testid=status]')).toContain('is full')
    expect(await cameraRequests(dave)).toBe(0)
    // The page does not dead-end: its statechart panel still draws, and its log says why it did not join.
    await dave.waitForSelector('[data-testid=statechart] svg', { timeout: WAIT_MS })
    await dave.waitForSelector('[data-testid=event-log] :text("the room is full")', { timeout: WAIT_MS })
    await dave.screenshot({ path: `${RESULTS}room-full-1280.png` })
    await dave.context().close()
    // Without a camera there is nothing to protect, so the page joins at once: the room machine's ERR_ROOM_FULL, shown the same way.
    const erin = await open(`room=${room}&peers=3&media=0`)
    await erin.waitForSelector('[data-testid=error]:has-text("ERR_ROOM_FULL")', { timeout: WAIT_MS })
    expect(await erin.textContent('[data-testid=status]')).toContain('is full')
    await erin.waitForSelector('[data-testid=state][data-state=failed]', { timeout: WAIT_MS })
    await erin.context().close()

    // Carol hangs up: the other two drop her tile, and she can join again without a reload.
    const carolId = [...everyone].find((id) => !ids[2]!.includes(id))!
    await carol.evaluate(() => Object.assign(window, { __sameDocument: true }))
    await carol.click('[data-testid=hangup]')
    for (const page of [alice, bob]) {
      await tilesPlaying(page, 1)
      expect(await page.locator(`[data-testid=peer-tile][data-peer="${carolId}"]`).count()).toBe(0)
    }
    await carol.waitForSelector('[data-testid=state][data-state=left]', { timeout: WAIT_MS })
    expect(await carol.locator('[data-testid=peer-tile]').count()).toBe(0)
    expect(await carol.textContent('[data-testid=join]')).toBe('Join again')
    await alice.screenshot({ path: `${RESULTS}room-after-leave-1280.png`, fullPage: true })
    await carol.click('[data-testid=join]')
    for (const page of pages) await tilesPlaying(page, 2)
    expect(await carol.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true)

    for (const page of pages) await page.click('[data-testid=hangup]')
    for (const page of pages) await page.context().close()
  }, 180_000)
})
