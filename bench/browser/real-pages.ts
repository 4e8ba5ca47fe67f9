/**
 * The browser bench's real-pages row: two pages, each in a fresh browser context
 * (cold cache, own origin storage), navigated at the same moment, data only,
 * until both show `connected` in `[data-testid=state]`'s `data-state` (signalbox's page, whose text is in words) or text (the PeerJS page). An init script notes,
 * with the page's own clock, when the state label first shows each state.
 * The time of the pair runs from the earlier navigation start to the later
 * `connected`; each page's time to `joining` runs from its navigation start.
 */
import type { Browser, BrowserContext } from 'playwright-core'

/** What one pair of pages took, in ms. */
export interface PagePairTiming {
  /** From the earlier navigation start to the later page showing `connected`. */
  totalMs: number
  /** Each page's navigation start to it showing `joining`. */
  joiningMs: number[]
}

declare global {
  interface Window {
    /** When the state label first showed each state, in ms since navigation start (bench only). */
    __benchMarks?: Record<string, number>
  }
}

/**
 * Installed before any of the page's scripts: watches the state label and notes each state's first time.
 * A string, not a function: tsx would add helpers to a function's text that the page does not have.
 */
const NOTE_STATES = `(() => {
  const marks = {}
  window.__benchMarks = marks
  new MutationObserver(() => {
    const badge = document.querySelector('[data-testid=state]')
    const state = badge?.getAttribute('data-state') ?? badge?.textContent ?? ''
    if (state !== '' && !(state in marks)) marks[state] = performance.now()
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-state'] })
})()`

/** Opens `urls` in two fresh contexts at once and waits until both show `connected` (or one `failed`). */
export async function openPagePair(browser: Browser, urls: [string, string], timeoutMs: number): Promise<PagePairTiming> {
  const contexts: BrowserContext[] = []
  try {
    const pages = await Promise.all(
      urls.map(async () => {
        const context = await browser.newContext()
        contexts.push(context)
        await context.addInitScript(NOTE_STATES)
        return context.newPage()
      }),
    )
    await Promise.all(pages.map((page, index) => page.goto(urls[index]!, { waitUntil: 'commit', timeout: timeoutMs })))
    const reports = await Promise.all(
      pages.map(async (page) => {
        await page.waitForFunction(() => window.__benchMarks?.['connected'] !== undefined || window.__benchMarks?.['failed'] !== undefined, undefined, {
          timeout: timeoutMs,
          polling: 20,
        })
        return page.evaluate(() => ({
          origin: performance.timeOrigin,
          marks: window.__benchMarks!,
          error: document.querySelector('[data-testid=error]')?.textContent ?? '',
        }))
      }),
    )
    const failed = reports.find((report) => report.marks['connected'] === undefined)
    if (failed !== undefined) throw new Error(`a page failed: ${failed.error}`)
    const start = Math.min(...reports.map((report) => report.origin))
    const end = Math.max(...reports.map((report) => report.origin + report.marks['connected']!))
    return { totalMs: end - start, joiningMs: reports.map((report) => report.marks['joining'] ?? Number.NaN) }
  } finally {
    await Promise.allSettled(contexts.map((context) => context.close()))
  }
}
