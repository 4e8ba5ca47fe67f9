/**
 * Debian's Chromium as the tests and the bench launch it: where it is, the
 * command that installs it, and the flags it needs as root without a display.
 */
import { existsSync } from 'node:fs'
import { it } from 'vitest'

/** The Chromium binary: `CHROMIUM_PATH`, else Debian's. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium'
/** What to run where it is missing. */
export const CHROMIUM_INSTALL = 'apt-get install -y chromium'
/** Flags for Chromium as root, headless, talking to nothing but loopback. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const
/** Flags for pages that use a camera and microphone: fake devices, no permission prompt. */
export const FAKE_MEDIA_FLAGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] as const

/**
 * Whether Chromium is installed, for `describe.runIf`. Where it is not: under
 * `CI=true` registers a test named "needs Chromium" that fails saying how to
 * install it; otherwise prints one line saying which tests are skipped and how
 * to install it. Call it at a file's (or a describe's) top level.
 */
export function chromiumOrSkip(skipped: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true
  if (process.env['CI'] === 'true') {
    it('needs Chromium', () => {
      throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: ${CHROMIUM_INSTALL}`)
    })
  } else {
    console.warn(`chromium not found: skipping ${skipped} (install it with: ${CHROMIUM_INSTALL})`)
  }
  return false
}
