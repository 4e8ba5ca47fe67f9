/**
 * The browser section of `npm run bench`: signalbox against PeerJS 1.5 with
 * PeerServer 1.0 in one headless Chromium run (Debian's /usr/bin/chromium through
 * playwright-core), both servers on 127.0.0.1 in child processes, the 50 ms rows
 * through a delaying loopback proxy (bench/proxy.ts). Rows are interleaved, the
 * order of the two products alternating per iteration; each iteration is bounded
 * in time, and one that fails or sticks counts as a failure, not a hang.
 *
 *   npx tsx bench/browser/index.ts [--quick] [--runs N] [--json]
 *
 * docs/performance.md ("Browser, against PeerJS") explains the rows.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildWeb } from '../../scripts/build-web.js'
import { startServerChild, type ServerChild } from '../child.js'
import { BENCH_ONE_WAY_DELAY_MS, startDelayProxy, type DelayProxy } from '../proxy.js'
import { measureInPage, openBenchPage } from './one-page.js'
import { openPagePair } from './real-pages.js'
import { BrowserSamples, browserTable, browserTargets, PRODUCTS, type BrowserFigures, type BrowserRow, type Product } from './report.js'
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../test/helpers/chromium.js'

/** Where Chromium is: CHROMIUM_PATH, or Debian's. */
export const CHROMIUM = CHROMIUM_PATH
/** Iterations per row: `--quick` and the default. */
export const BROWSER_RUNS = { quick: 3, full: 15 } as const
/** Longest one iteration may take before it counts as failed, in ms. */
export const ITERATION_TIMEOUT_MS = 15_000
/** Longest a server child may take to start listening, in ms. */
const CHILD_START_TIMEOUT_MS = 30_000

const FLAGS = [...CHROMIUM_FLAGS]

/** What the section gives `npm run bench -- --json`. */
export interface BrowserSection {
  browser: BrowserFigures
  peerjs: BrowserFigures
  browserTargets: Record<BrowserRow, boolean>
}

/** How many iterations per row: `--runs N` (or `--browser-runs N`), else 3 with `--quick`, else 15. */
export function browserRunsFrom(args: string[], flag = '--browser-runs'): number {
  const at = args.indexOf(flag)
  if (at !== -1) return Number(args[at + 1])
  return args.includes('--quick') ? BROWSER_RUNS.quick : BROWSER_RUNS.full
}

async function startChild(script: string): Promise<ServerChild> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${script} did not start within ${CHILD_START_TIMEOUT_MS} ms`)), CHILD_START_TIMEOUT_MS)
  })
  return Promise.race([startServerChild(script), late]).finally(() => clearTimeout(timer))
}

const portOf = (url: string) => Number(new URL(url).port)
const originOf = (port: number) => `http://127.0.0.1:${port}/`
const progress = (text: string) => process.stderr.write(`bench: browser: ${text}\n`)

/**
 * Runs the browser section with `runs` iterations per row and prints its table.
 * Resolves with the figures, or `undefined` (after one line saying why) when
 * Chromium is not installed.
 */
export async function runBrowserSection(runs: number): Promise<BrowserSection | undefined> {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`the browser section takes a whole number of runs above 0, not ${runs}`)
  if (!existsSync(CHROMIUM)) {
    console.log(`browser: skipped, Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`)
    return undefined
  }
  const closers: Array<() => Promise<unknown>> = []
  const samples = new BrowserSamples()
  try {
    progress('building the page')
    await buildWeb()
    const signalbox = await startChild('browser/signalbox-process.ts')
    closers.push(() => signalbox.stop())
    const peerServer = await startChild('browser/peerjs-process.ts')
    closers.push(() => peerServer.stop())
    const proxies: DelayProxy[] = []
    for (const url of [signalbox.url, peerServer.url]) {
      const proxy = await startDelayProxy({ targetPort: portOf(url), oneWayDelayMs: BENCH_ONE_WAY_DELAY_MS })
      closers.push(() => proxy.close())
      proxies.push(proxy)
    }
    const [signalboxProxy, peerProxy] = proxies as [DelayProxy, DelayProxy]
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true })
    closers.push(() => browser.close())
    const context = await browser.newContext()

    const signalboxOrigin = { direct: originOf(portOf(signalbox.url)), delayed: originOf(signalboxProxy.port) }
    const peerPort = { direct: portOf(peerServer.url), delayed: peerProxy.port }
    let page: Page | undefined
    let pageOrigin = ''
    /** The bench page at `origin`, opened again after a failure so no leftovers carry over. */
    const benchPageAt = async (origin: string): Promise<Page> => {
      if (page === undefined || pageOrigin !== origin) {
        page ??= await context.newPage()
        await openBenchPage(page, origin)
        pageOrigin = origin
      }
      return page
    }
    const measure = async (product: Product, row: BrowserRow, run: () => Promise<number | number[]>) => {
      try {
        const result = await run()
        for (const value of Array.isArray(result) ? result : [result]) samples.add(product, row, value)
      } catch (error) {
        samples.fail(product, row)
        progress(`${product} ${row} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)
        await page?.close().catch(() => undefined)
        page = undefined
      }
    }

    for (let iteration = 0; iteration < runs; iteration++) {
      progress(`iteration ${iteration + 1} of ${runs}`)
      const order = iteration % 2 === 0 ? PRODUCTS : ([...PRODUCTS].reverse() as Product[])
      const name = (what: string) => `bench-${process.pid}-${iteration}-${what}`
      for (const [row, delay] of [['together', 'direct'], ['late', 'direct'], ['together50', 'delayed'], ['late50', 'delayed']] as const) {
        const late = row.startsWith('late')
        for (const product of order) {
          if (product === 'signalbox') {
            const origin = signalboxOrigin[delay]
            await measure(product, row, async () =>
              measureInPage(await benchPageAt(origin), late ? 'signalboxLate' : 'signalboxTogether', [`${origin}0.5/`, name(row), ITERATION_TIMEOUT_MS], ITERATION_TIMEOUT_MS),
            )
          } else {
            const server = { host: '127.0.0.1', port: peerPort[delay] }
            const ids: [string, string] = [name(`${row}-a`), name(`${row}-b`)]
            await measure(product, row, async () =>
              measureInPage(await benchPageAt(signalboxOrigin.direct), late ? 'peerjsLate' : 'peerjsTogether', [server, ids, ITERATION_TIMEOUT_MS], ITERATION_TIMEOUT_MS),
            )
          }
        }
      }
      for (const product of order) {
        const urls: [string, string] =
          product === 'signalbox'
            ? [0, 1].map(() => `${signalboxOrigin.direct}?room=${name('pages')}&media=0`) as [string, string]
            : [`${peerServer.url}?id=${name('pages-a')}`, `${peerServer.url}?id=${name('pages-b')}&to=${name('pages-a')}`]
        let joining: number[] = []
        await measure(product, 'pages', async () => {
          const timing = await openPagePair(browser, urls, ITERATION_TIMEOUT_MS)
          joining = timing.joiningMs.filter(Number.isFinite)
          return timing.totalMs
        })
        if (joining.length > 0) await measure(product, 'joining', async () => joining)
        else samples.fail(product, 'joining')
      }
    }
  } finally {
    for (const close of closers.reverse()) await close().catch((error: unknown) => progress(`closing: ${String(error)}`))
  }
  for (const line of browserTable(samples, runs)) console.log(line)
  const browser = samples.figures('signalbox')
  const peerjs = samples.figures('peerjs')
  return { browser, peerjs, browserTargets: browserTargets(browser, peerjs) }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const runs = browserRunsFrom(args, args.includes('--runs') ? '--runs' : '--browser-runs')
  if (!Number.isInteger(runs) || runs < 1) {
    console.error('--runs takes a whole number above 0')
    process.exit(2)
  }
  const section = await runBrowserSection(runs)
  if (args.includes('--json')) console.log(JSON.stringify(section ?? { browser: null, peerjs: null }))
  process.exit(0)
}
