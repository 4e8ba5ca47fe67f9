/**
 * Bundles the browser page (web/) into web/dist/ with esbuild: the library
 * as it is, with simple-peer's own browser build (which carries the Node
 * polyfills simple-peer needs). `npm run build` runs it.
 */
import { build } from 'esbuild'
import { copyFile, mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

export const WEB_DIST = fileURLToPath(new URL('../web/dist/', import.meta.url))

/** Builds web/dist/index.html and web/dist/app.js. */
export async function buildWeb(): Promise<void> {
  await mkdir(WEB_DIST, { recursive: true })
  await build({
    entryPoints: [fileURLToPath(new URL('../web/main.ts', import.meta.url))],
    outfile: `${WEB_DIST}app.js`,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify: true,
    alias: { 'simple-peer': 'simple-peer/simplepeer.min.js' },
    logLevel: 'warning',
  })
  await copyFile(fileURLToPath(new URL('../web/index.html', import.meta.url)), `${WEB_DIST}index.html`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildWeb()
  console.log(`built the browser page into ${WEB_DIST}`)
}
