/**
 * Bundles the browser page (web/) into web/dist/ with esbuild: the library
 * as it is, with signalbox's own peer (no simple-peer, no Node polyfills).
 * ES modules with code splitting, so what only
 * the statechart panel (elkjs) or the inspector needs is a chunk loaded later
 * (web/dist/chunks/), with elkjs's worker beside them (chunks/elk-worker.js).
 * The chunks app.js imports statically are named in index.html as
 * `<link rel="modulepreload">`, so the browser fetches and compiles them beside
 * app.js instead of after it. `npm run build` runs it.
 */
import { build, type Metafile } from 'esbuild'
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BROWSER_BUILD_CONDITIONS } from './build-module.js'

export const WEB_DIST = fileURLToPath(new URL('../web/dist/', import.meta.url))

/** Where index.html takes the preload links: right after its charset, before the styles, so they start first. */
const PRELOAD_ANCHOR = '<meta charset="utf-8">'

/**
 * The files app.js needs before it runs: its static imports and theirs, as
 * paths relative to `outdir` (`chunks/chunk-….js`), in a stable order. The
 * metafile's paths are esbuild's, relative to the working directory (or absolute).
 * Dynamic imports (the panel, the room of many, the inspector) are left out: they stay lazy.
 */
export function staticImportsOf(metafile: Metafile, outdir: string, entry = 'app.js'): string[] {
  const inOutdir = (path: string): string => relative(outdir, resolve(path)).replaceAll('\\', '/')
  const outputs = new Map(Object.entries(metafile.outputs).map(([path, output]) => [inOutdir(path), output]))
  const seen = new Set<string>()
  const visit = (file: string): void => {
    for (const { path, kind } of outputs.get(file)?.imports ?? []) {
      if (kind !== 'import-statement') continue
      const dependency = inOutdir(path)
      if (seen.has(dependency)) continue
      seen.add(dependency)
      visit(dependency)
    }
  }
  visit(entry)
  return [...seen].sort()
}

/** index.html with one `<link rel="modulepreload">` per file in `preloads` (app.js's static chunks) after its charset. */
export function withModulePreloads(html: string, preloads: readonly string[]): string {
  if (!html.includes(PRELOAD_ANCHOR)) throw new Error(`web/index.html has no ${PRELOAD_ANCHOR} to put the preload links after`)
  const links = preloads.map((file) => `\n  <link rel="modulepreload" href="./${file}">`).join('')
  return html.replace(PRELOAD_ANCHOR, `${PRELOAD_ANCHOR}${links}`)
}

/**
 * Builds index.html, app.js and the lazily loaded chunks/ into `outdir`
 * (a directory path ending in `/`; default web/dist/). A test that serves
 * the page while another test file rebuilds web/dist/ builds its own copy.
 */
export async function buildWeb(outdir: string = WEB_DIST): Promise<void> {
  await rm(`${outdir}chunks`, { recursive: true, force: true })
  await mkdir(outdir, { recursive: true })
  const { metafile } = await build({
    entryPoints: { app: fileURLToPath(new URL('../web/main.ts', import.meta.url)) },
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: BROWSER_BUILD_CONDITIONS,
    sourcemap: true,
    minify: true,
    metafile: true,
    logLevel: 'warning',
  })
  const html = await readFile(fileURLToPath(new URL('../web/index.html', import.meta.url)), 'utf8')
  await writeFile(`${outdir}index.html`, withModulePreloads(html, staticImportsOf(metafile, outdir)))
  // elkjs's worker, beside the panel's chunk that starts it (web/panel.ts): the statechart is laid out off the main thread.
  await copyFile(createRequire(import.meta.url).resolve('elkjs/lib/elk-worker.min.js'), `${outdir}chunks/elk-worker.js`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildWeb()
  console.log(`built the browser page into ${WEB_DIST}`)
}
