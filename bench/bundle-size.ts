/**
 * The browser bundle of a minimal app (join a room through SafeLauncherStore,
 * send a message), minified and gzip-compressed, beside PeerJS's prebuilt
 * peerjs.min.js as its npm package ships it. Bundled as a user's esbuild
 * would bundle the package for the browser (the `browser` condition, no
 * aliases), so the figure is what a web developer ships.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { browserBundleOptions } from '../scripts/build-module.js'

/** The minimal app: what README "In the browser, with a bundler" shows, cut to its core. */
export const MINIMAL_APP = `
import { createSignaling, SafeLauncherStore } from '../src/index.js'

const store = new SafeLauncherStore({ url: location.origin + '/0.5/' })
createSignaling({ store })
  .join('demo')
  .connected.then((peer) => peer.send('hello'), (error) => console.error(error))
`

/** Sizes of one script, in KiB (1024 bytes), to one decimal. */
export interface ScriptSize {
  minKiB: number
  gzipKiB: number
}

/** What {@link measureBundleSize} reports. */
export interface BundleSizes {
  /** The minimal app, bundled and minified. */
  signalbox: ScriptSize
  /** peerjs.min.js, read from the installed peerjs package. */
  peerjs: ScriptSize & { version: string }
}

const KIB = 1024
const toKiB = (bytes: number) => Math.round((bytes / KIB) * 10) / 10

function sizeOf(code: Uint8Array): ScriptSize {
  return { minKiB: toKiB(code.byteLength), gzipKiB: toKiB(gzipSync(code, { level: 9 }).byteLength) }
}

/** Bundles {@link MINIMAL_APP} and reads peerjs.min.js; nothing is written to disk. */
export async function measureBundleSize(): Promise<BundleSizes> {
  const bench = fileURLToPath(new URL('.', import.meta.url))
  const { entryPoints: _entry, ...options } = browserBundleOptions('app.ts')
  const result = await build({ ...options, stdin: { contents: MINIMAL_APP, resolveDir: bench, loader: 'ts' }, write: false })
  const app = result.outputFiles[0]!.contents
  const require = createRequire(import.meta.url)
  const peerjsRoot = dirname(require.resolve('peerjs/package.json'))
  const manifest = JSON.parse(await readFile(join(peerjsRoot, 'package.json'), 'utf8')) as { version: string; 'browser-minified'?: string }
  const peerjs = await readFile(join(peerjsRoot, manifest['browser-minified'] ?? 'dist/peerjs.min.js'))
  return { signalbox: sizeOf(app), peerjs: { ...sizeOf(peerjs), version: manifest.version } }
}

/** One line per script, for `npm run bench`. */
export function formatBundleSizes(sizes: BundleSizes): string {
  const line = (name: string, size: ScriptSize) => `${name.padEnd(34)} ${size.minKiB.toFixed(1).padStart(7)} KiB min  ${size.gzipKiB.toFixed(1).padStart(6)} KiB gzip`
  const verdict = bundleWithinTarget(sizes) ? 'pass' : 'MISS'
  return [
    line('signalbox, minimal browser app', sizes.signalbox),
    line(`PeerJS ${sizes.peerjs.version} peerjs.min.js`, sizes.peerjs),
    `bundle target                      ${verdict} (minified and gzip at most PeerJS's)`,
  ].join('\n')
}

/** Issue 13's target: the minimal app no larger than peerjs.min.js, minified and gzipped. */
export function bundleWithinTarget(sizes: BundleSizes): boolean {
  return sizes.signalbox.minKiB <= sizes.peerjs.minKiB && sizes.signalbox.gzipKiB <= sizes.peerjs.gzipKiB
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatBundleSizes(await measureBundleSize()))
}
