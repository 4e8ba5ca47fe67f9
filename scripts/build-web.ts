/**
 * Bundles the browser page (web/) into web/dist/ with esbuild: the library
 * as it is, with simple-peer's own browser build (which carries the Node
 * polyfills simple-peer needs). ES modules with code splitting, so what only
 * the statechart panel (elkjs) or the inspector needs is a chunk loaded later
 * (web/dist/chunks/), with elkjs's worker beside them (chunks/elk-worker.js).
 * `npm run build` runs it.
 */
import { build } from 'esbuild'
import { copyFile, mkdir, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

export const WEB_DIST = fileURLToPath(new URL('../web/dist/', import.meta.url))

/**
 * Builds index.html, app.js and the lazily loaded chunks/ into `outdir`
 * (a directory path ending in `/`; default web/dist/). A test that serves
 * the page while another test file rebuilds web/dist/ builds its own copy.
 */
export async function buildWeb(outdir: string = WEB_DIST): Promise<void> {
  await rm(`${outdir}chunks`, { recursive: true, force: true })
  await mkdir(outdir, { recursive: true })
  await build({
    entryPoints: { app: fileURLToPath(new URL('../web/main.ts', import.meta.url)) },
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify: true,
    alias: { 'simple-peer': 'simple-peer/simplepeer.min.js' },
    logLevel: 'warning',
  })
  await copyFile(fileURLToPath(new URL('../web/index.html', import.meta.url)), `${outdir}index.html`)
  // elkjs's worker, beside the panel's chunk that starts it (web/panel.ts): the statechart is laid out off the main thread.
  await copyFile(createRequire(import.meta.url).resolve('elkjs/lib/elk-worker.min.js'), `${outdir}chunks/elk-worker.js`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildWeb()
  console.log(`built the browser page into ${WEB_DIST}`)
}
