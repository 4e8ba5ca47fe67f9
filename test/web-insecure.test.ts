/**
 * The browser page opened the way a second machine on the network opens it:
 * plain HTTP at a name that is not localhost, which browsers do not treat as a
 * secure context (no WebCrypto `subtle`, no cameras). Chromium maps that name
 * to 127.0.0.1 (`--host-resolver-rules`), so nothing leaves loopback.
 */
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { CHROMIUM_FLAGS, chromiumOrSkip, FAKE_MEDIA_FLAGS } from './helpers/chromium.js'
import { servedPage } from './helpers/served-page.js'

const available = chromiumOrSkip('the insecure-page tests')
/** A name that is not localhost, resolved by Chromium to loopback. */
const LAN_NAME = 'signalbox-lan.test'
const FLAGS = [...CHROMIUM_FLAGS, ...FAKE_MEDIA_FLAGS, `--host-resolver-rules=MAP ${LAN_NAME} 127.0.0.1`]
/** Longest a page may take to reach a state, in ms. */
const STATE_TIMEOUT_MS = 20_000

describe.runIf(available)('the browser page over plain HTTP from another machine (not a secure context)', () => {
  const served = servedPage('web-insecure', { flags: FLAGS })

  async function open(query: string): Promise<Page> {
    const page = await (await served.browser.newContext()).newPage()
    await page.goto(`http://${LAN_NAME}:${new URL(served.server.url).port}/?${query}`)
    return page
  }
  async function settled(page: Page, state: string): Promise<{ state: string | undefined; error: string; secure: boolean }> {
    await page
      .waitForSelector(`[data-testid=state][data-state="${state}"]`, { timeout: STATE_TIMEOUT_MS })
      .catch(() => undefined)
    return page.evaluate(() => ({
      state: document.querySelector<HTMLElement>('[data-testid=state]')?.dataset['state'],
      error: document.querySelector('[data-testid=error]')?.textContent ?? '',
      secure: isSecureContext,
    }))
  }

  it('holds a data call between two such pages, saying why there is no camera', async () => {
    const room = `lan-${Date.now()}`
    const pages = [await open(`room=${room}`), await open(`room=${room}`)]
    try {
      for (const page of pages) {
        const seen = await settled(page, 'connected')
        expect(seen.secure).toBe(false)
        // Before: every store call hashed its address with crypto.subtle, absent here, and the call failed.
        expect(seen.state).toBe('connected')
        expect(seen.error).toContain('browsers open cameras only for HTTPS or localhost pages')
      }
    } finally {
      await Promise.all(pages.map((page) => page.context().close()))
    }
  }, 60_000)

  it.each([
    ['a call of two', ''],
    ['a room of three', '&peers=3'],
  ])('refuses a room secret there with ERR_INVALID_OPTION, saying to use HTTPS or localhost (%s)', async (_name, peers) => {
    const page = await open(`room=lan-secret-${Date.now()}&secret=hunter2hunter2${peers}`)
    try {
      const seen = await settled(page, 'failed')
      // Before: the page stayed where it was, with no word of why.
      expect(seen.state).toBe('failed')
      expect(seen.error).toContain('ERR_INVALID_OPTION')
      expect(seen.error).toContain('HTTPS or at localhost')
    } finally {
      await page.context().close()
    }
  }, 60_000)
})
