/**
 * The package as a user gets it: `npm pack`, installed from the tarball into a
 * project outside the clone (so nothing resolves from the clone's
 * node_modules), and there: publint and attw clean; a strict consumer of every
 * entry type-checks with skipLibCheck false; a browser app bundles with
 * esbuild and Vite with no Node module and signalbox's own peer, without
 * simple-peer; the installed `signalbox serve` serves
 * the page; and the bundled apps connect two Chromium pages through it.
 * Slow by nature (a build, a pack, an install): it is the test that proves the package.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { build as esbuild } from 'esbuild'
import { chromium, type Browser, type Page } from 'playwright-core'
import { build as viteBuild } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BROWSER_APP, MISSING_WRTC, MODULE_INDEX, NODE_CONSUMER, NODE_ONLY, PREBUILT_APP, tsconfig, VITE_INDEX } from './package/fixtures.js'
import { CHROMIUM_FLAGS, CHROMIUM_PATH, chromiumOrSkip } from './helpers/chromium.js'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error']
/** Build, pack and install together, in ms. */
const SETUP_TIMEOUT_MS = 600_000
/** One step in the installed project (a type check, a bundle, a connection), in ms. */
const STEP_TIMEOUT_MS = 120_000
const CHROMIUM = CHROMIUM_PATH
const FLAGS = [...CHROMIUM_FLAGS]
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string>; devDependencies: Record<string, string> }

let project = ''
let tarball = ''

/** What a Node user of every entry installs beside the tarball (README "Install"); no native WebRTC. */
function nodeExtras(): string[] {
  const peers = ['fastify', '@fastify/cors', '@fastify/rate-limit', '@fastify/websocket', 'ioredis'].map((name) => `${name}@${manifest.peerDependencies[name]}`)
  return [...peers, `@types/node@${manifest.devDependencies['@types/node']}`]
}

async function typecheck(name: string): Promise<string> {
  try {
    await run(process.execPath, [TSC, '-p', join(project, name), '--pretty', 'false'], { cwd: project, timeout: STEP_TIMEOUT_MS })
    return ''
  } catch (error) {
    return String((error as { stdout?: string }).stdout || error)
  }
}

beforeAll(async () => {
  await run('npm', ['run', 'build'], { cwd: ROOT, timeout: SETUP_TIMEOUT_MS })
  project = mkdtempSync(join(tmpdir(), 'signalbox-package-'))
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], { cwd: ROOT, timeout: SETUP_TIMEOUT_MS })
  tarball = join(project, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
  await run('npm', ['install', ...NPM_FLAGS, tarball, ...nodeExtras()], { cwd: project, timeout: SETUP_TIMEOUT_MS })
}, SETUP_TIMEOUT_MS)

afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true })
})

describe('the packed package', () => {
  it('ships the page, the prebuilt module and the LICENSE, and not the native WebRTC binary', () => {
    const installed = join(project, 'node_modules', 'signalbox')
    for (const file of ['web/dist/index.html', 'web/dist/app.js', 'dist/browser/signalbox.min.js', 'LICENSE', 'dist/src/index.d.ts', 'dist/src/node.js']) {
      expect(existsSync(join(installed, file)), file).toBe(true)
    }
    expect(existsSync(join(project, 'node_modules', '@roamhq', 'wrtc'))).toBe(false)
  })

  it('passes publint and attw (ESM only: node10 and require are out of scope)', async () => {
    await run(process.execPath, [join(ROOT, 'node_modules', 'publint', 'src', 'cli.js'), '--strict', tarball], { cwd: ROOT, timeout: STEP_TIMEOUT_MS })
    const attw = join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js')
    await run(process.execPath, [attw, tarball, '--profile', 'esm-only'], { cwd: ROOT, timeout: STEP_TIMEOUT_MS })
  }, 2 * STEP_TIMEOUT_MS)

  it('names the package to install when an optional one is missing: ERR_MISSING_DEPENDENCY for @roamhq/wrtc', async () => {
    mkdirSync(join(project, 'node-app'), { recursive: true })
    writeFileSync(join(project, 'node-app', 'missing.mjs'), MISSING_WRTC)
    const { stdout } = await run(process.execPath, [join(project, 'node-app', 'missing.mjs')], { cwd: project, timeout: STEP_TIMEOUT_MS })
    const error = JSON.parse(stdout) as { name: string; code: string; message: string }
    expect(error).toMatchObject({ name: 'SignalingError', code: 'ERR_MISSING_DEPENDENCY' })
    expect(error.message).toContain('npm install @roamhq/wrtc')
  }, STEP_TIMEOUT_MS)

  it('type-checks a strict Node consumer of every entry with skipLibCheck false', async () => {
    mkdirSync(join(project, 'node-app'), { recursive: true })
    writeFileSync(join(project, 'node-app', 'consumer.ts'), NODE_CONSUMER)
    writeFileSync(join(project, 'node-app', 'tsconfig.json'), tsconfig('NodeNext', ['consumer.ts']))
    expect(await typecheck('node-app')).toBe('')
  }, STEP_TIMEOUT_MS)

  it('type-checks the browser app with bundler resolution, no Node types', async () => {
    mkdirSync(join(project, 'vite-app'), { recursive: true })
    writeFileSync(join(project, 'vite-app', 'app.ts'), BROWSER_APP)
    writeFileSync(join(project, 'vite-app', 'tsconfig.json'), tsconfig('Bundler', ['app.ts']))
    expect(await typecheck('vite-app')).toBe('')
  }, STEP_TIMEOUT_MS)

  it('bundles the browser app with esbuild with no aliases and no Node module', async () => {
    mkdirSync(join(project, 'esbuild-app', 'dist'), { recursive: true })
    writeFileSync(join(project, 'esbuild-app', 'app.ts'), BROWSER_APP)
    const result = await esbuild({
      absWorkingDir: project,
      entryPoints: ['esbuild-app/app.ts'],
      outfile: 'esbuild-app/dist/module.js',
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      metafile: true,
      logLevel: 'silent',
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.some((input) => input.includes('node_modules/signalbox/dist/src/index.js'))).toBe(true)
    expect(inputs.filter((input) => NODE_ONLY.test(input))).toEqual([])
    // The peer in the bundle is signalbox's own: simple-peer (and its Node polyfills) are left out unless asked for.
    const bundled = Object.values(result.metafile.outputs).flatMap((output) => Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([path]) => path))
    expect(bundled.some((input) => input.endsWith('node_modules/signalbox/dist/src/peer/native-peer.js'))).toBe(true)
    expect(bundled.filter((input) => input.includes('node_modules/simple-peer/'))).toEqual([])
    writeFileSync(join(project, 'esbuild-app', 'dist', 'index.html'), MODULE_INDEX)
  }, STEP_TIMEOUT_MS)

  it('bundles the browser app with Vite with no configuration and no Node module', async () => {
    writeFileSync(join(project, 'vite-app', 'index.html'), VITE_INDEX)
    const output = await viteBuild({ root: join(project, 'vite-app'), configFile: false, logLevel: 'silent', build: { outDir: 'dist' } })
    const chunks = (Array.isArray(output) ? output : [output]).flatMap((result) => ('output' in result ? result.output : []))
    const modules = chunks.flatMap((chunk) => ('moduleIds' in chunk ? chunk.moduleIds : []))
    expect(modules.some((id) => id.includes('node_modules/signalbox/dist/src/engine/'))).toBe(true)
    expect(modules.some((id) => id.endsWith('node_modules/signalbox/dist/src/peer/native-peer.js'))).toBe(true)
    expect(modules.filter((id) => id.includes('node_modules/simple-peer/'))).toEqual([])
    expect(modules.filter((id) => NODE_ONLY.test(id))).toEqual([])
  }, STEP_TIMEOUT_MS)
})

describe('the installed signalbox serve', () => {
  let server: ChildProcess | undefined
  let origin = ''
  beforeAll(async () => {
    server = spawn(process.execPath, [join(project, 'node_modules', '.bin', 'signalbox'), 'serve', '--port', '0', '--quiet'], { cwd: project })
    origin = await new Promise<string>((resolve, reject) => {
      let output = ''
      server!.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const url = /API 0\.5 at (http:\/\/[^/\s]+)\//.exec(output)?.[1]
        if (url !== undefined && output.includes('video call page')) resolve(url)
      })
      server!.stderr!.on('data', (chunk: Buffer) => reject(new Error(chunk.toString())))
      server!.once('exit', (code) => reject(new Error(`signalbox serve exited (${code}): ${output}`)))
    })
  }, STEP_TIMEOUT_MS)
  afterAll(() => {
    server?.kill('SIGTERM')
  })

  it('serves the page at /', async () => {
    const response = await fetch(`${origin}/`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/html')
    expect(await response.text()).toContain('app.js')
  })

  const available = chromiumOrSkip('the browser test of the package')

  describe.runIf(available)('in Chromium', () => {
    let browser: Browser
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true })
    }, STEP_TIMEOUT_MS)
    afterAll(async () => {
      await browser?.close()
    })

    /** Opens `dir`/index.html of the project at `origin`/app/ (same origin as the API; Vite's /assets/ too), answering from the files on disk. */
    async function open(dir: string, query: string): Promise<Page> {
      const page = await browser.newPage()
      const ours = (url: URL) => url.origin === origin && (url.pathname.startsWith('/app/') || url.pathname.startsWith('/assets/'))
      await page.route(ours, async (route) => {
        const path = new URL(route.request().url()).pathname.replace(/^\/app\//, '').replace(/^\//, '')
        const file = join(project, dir, path)
        if (!existsSync(file)) return route.fulfill({ status: 404 })
        const type = path.endsWith('.html') ? 'text/html' : 'text/javascript'
        return route.fulfill({ status: 200, contentType: type, body: readFileSync(file) })
      })
      await page.goto(`${origin}/app/index.html?${query}`)
      return page
    }

    async function received(page: Page): Promise<string> {
      await page.waitForFunction(() => document.body.dataset['received'] ?? document.body.dataset['error'], undefined, { timeout: STEP_TIMEOUT_MS / 2 })
      return page.evaluate(() => document.body.dataset['received'] ?? `failed: ${document.body.dataset['error']}`)
    }

    it('connects two pages of the Vite-bundled app', async () => {
      const alice = await open('vite-app/dist', 'room=vite&name=alice')
      const bob = await open('vite-app/dist', 'room=vite&name=bob')
      expect(await received(alice)).toBe('hello from bob')
      expect(await received(bob)).toBe('hello from alice')
    }, STEP_TIMEOUT_MS)

    it('connects the esbuild-bundled app to the prebuilt module in a plain <script type="module">', async () => {
      const dir = join(project, 'prebuilt-app')
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, 'index.html'), MODULE_INDEX)
      writeFileSync(join(dir, 'module.js'), PREBUILT_APP)
      writeFileSync(join(dir, 'signalbox.min.js'), readFileSync(join(project, 'node_modules', 'signalbox', 'dist', 'browser', 'signalbox.min.js')))
      const alice = await open('esbuild-app/dist', 'room=prebuilt&name=alice')
      const bob = await open('prebuilt-app', 'room=prebuilt&name=bob')
      expect(await received(alice)).toBe('hello from bob')
      expect(await received(bob)).toBe('hello from alice')
    }, STEP_TIMEOUT_MS)
  })
})
