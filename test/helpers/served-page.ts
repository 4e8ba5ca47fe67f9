/**
 * The browser page as the Chromium test files serve it: built into a folder of
 * its own (other test files rebuild web/dist/ meanwhile when the files run in
 * parallel), served by `signalbox serve` on 127.0.0.1 (port 0), and a headless
 * Chromium; set up before a describe's tests and torn down after them.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { buildWeb } from '../../scripts/build-web.js'
import { startServer, type RunningServer, type StartServerOptions } from '../../src/server/index.js'
import { CHROMIUM_PATH } from './chromium.js'

/** How long building the page, starting the server and launching Chromium may take, in ms. */
const SET_UP_TIMEOUT_MS = 60_000

/** The server and the browser of {@link servedPage}, there once its `beforeAll` has run. */
export interface ServedPage {
  server: RunningServer
  browser: Browser
}

/**
 * Registers, in the calling describe, the set-up of the page (named `name` in
 * its temporary folder), its server (with `server` options) and Chromium (with
 * `flags`), and their tear-down.
 */
export function servedPage(name: string, options: { flags: readonly string[]; server?: StartServerOptions }): ServedPage {
  const served = {} as ServedPage
  const webRoot = `${mkdtempSync(join(tmpdir(), `signalbox-${name}-`))}/`
  beforeAll(async () => {
    await buildWeb(webRoot)
    served.server = await startServer({ ...options.server, port: 0, host: '127.0.0.1', webRoot })
    served.browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...options.flags], headless: true })
  }, SET_UP_TIMEOUT_MS)
  afterAll(async () => {
    await served.browser?.close()
    await served.server?.close()
    rmSync(webRoot, { recursive: true, force: true })
  })
  return served
}
