/**
 * Builds the prebuilt ES module of the browser entry, for a plain
 * `<script type="module">` without a bundler (as PeerJS ships peerjs.min.js):
 * dist/browser/signalbox.min.js, minified, with its source map and a
 * declaration file that points at the package's own types. Its
 * `createSimplePeerFactory` uses the page's `SimplePeer` global (simple-peer's
 * own simplepeer.min.js) rather than carry simple-peer. `npm run build`
 * runs it; the package ships it.
 */
import { build, type BuildOptions, type Plugin } from 'esbuild'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where the prebuilt module goes. */
export const MODULE_DIST = fileURLToPath(new URL('../dist/browser/', import.meta.url))
/** The prebuilt module's file name. */
export const MODULE_FILE = 'signalbox.min.js'
/**
 * The export conditions signalbox's own browser builds pick (the page, this
 * module, the bench page): XState's ES module build (its `module` export, which
 * esbuild does not pick by default: it takes the CommonJS one) and RxJS's ES2015
 * build rather than its ES5 one, 16 KB less minified, and no tslib.
 */
export const BROWSER_BUILD_CONDITIONS = ['module', 'es2015']

/** The browsers the module targets: those with WebRTC data channels and ES2022. */
export const MODULE_TARGET = 'es2022'

/**
 * The esbuild options of a browser bundle of `entry`, as a user's bundler
 * would make it from the installed package: the `browser` condition, no
 * aliases, no polyfills. Shared with bench/bundle-size.ts.
 */
export function browserBundleOptions(entry: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: MODULE_TARGET,
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  }
}

/**
 * Puts src/peer/simple-peer-global.ts (the page's `SimplePeer` global) in place
 * of `#simple-peer`: the module does not carry simple-peer's browser build.
 */
const simplePeerFromGlobal: Plugin = {
  name: 'simple-peer-from-global',
  setup(builder) {
    builder.onResolve({ filter: /^#simple-peer$/ }, () => ({ path: fileURLToPath(new URL('../src/peer/simple-peer-global.ts', import.meta.url)) }))
  },
}

/** Builds signalbox.min.js (+ .map and .d.ts) from src/index.ts into `outDir` (default {@link MODULE_DIST}). */
export async function buildModule(outDir = MODULE_DIST): Promise<string> {
  await mkdir(outDir, { recursive: true })
  const outfile = join(outDir, MODULE_FILE)
  await build({
    ...browserBundleOptions(fileURLToPath(new URL('../src/index.ts', import.meta.url))),
    outfile,
    sourcemap: true,
    conditions: BROWSER_BUILD_CONDITIONS,
    plugins: [simplePeerFromGlobal],
  })
  await writeFile(join(outDir, 'signalbox.min.d.ts'), "export * from '../src/index.js'\n")
  return outfile
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`built the browser module: ${await buildModule()}`)
}
