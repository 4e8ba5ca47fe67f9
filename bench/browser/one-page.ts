/**
 * The browser bench's one-page rows: both peers in one page, timed in the page
 * by bench/browser/page-entry.ts. The bench's signalbox server child serves the
 * harness at `<origin>/__bench/` (see signalbox-process.ts), directly or
 * through the delaying proxy.
 */
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { BROWSER_BUILD_CONDITIONS } from '../../scripts/build-module.js'
import type { Page } from 'playwright-core'
import type { InPageBench } from './page-entry.js'

/** Longest the parent waits for one in-page iteration beyond its own timeout, in ms. */
const PARENT_GRACE_MS = 5_000

/** The path the bench's signalbox server serves the harness at. */
export const BENCH_PATH = '/__bench/'

/** The harness page: it only loads the bundle. */
export const BENCH_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>signalbox bench</title></head>
<body><script type="module" src="${BENCH_PATH}bench.js"></script></body></html>`

/** Bundles page-entry.ts for the browser (signalbox from src/ with its own peer, PeerJS's browser build). */
export async function bundleBenchPage(): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('page-entry.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: BROWSER_BUILD_CONDITIONS,
    minify: true,
    logLevel: 'warning',
  })
  return result.outputFiles[0]!.text
}

/** Opens the bench page at `origin` in `page` and waits until its functions are there. */
export async function openBenchPage(page: Page, origin: string): Promise<void> {
  await page.goto(new URL(`${BENCH_PATH}index.html`, origin).href)
  await page.waitForFunction(() => window.signalboxBench !== undefined, undefined, { timeout: 10_000 })
}

/** One in-page measurement, in ms; rejects if it fails, or if the page does not answer in time. */
export async function measureInPage<Name extends keyof InPageBench>(
  page: Page,
  name: Name,
  args: Parameters<InPageBench[Name]>,
  timeoutMs: number,
): Promise<number> {
  const call = page.evaluate(
    ({ name, args }) => (window.signalboxBench[name] as (...values: unknown[]) => Promise<number>)(...args),
    { name, args: args as unknown[] },
  )
  let timer: ReturnType<typeof setTimeout> | undefined
  const stuck = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${timeoutMs + PARENT_GRACE_MS} ms`)), timeoutMs + PARENT_GRACE_MS)
  })
  try {
    return await Promise.race([call, stuck])
  } finally {
    clearTimeout(timer)
    call.catch(() => undefined)
  }
}
