/**
 * Debian's Chromium as the tests and the bench launch it: where it is, the
 * command that installs it, and the flags it needs as root without a display.
 */

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
