/**
 * Serving the browser page (web/dist, built by `npm run build`) at `/`, so
 * `signalbox serve` is all a video call needs: the page, and the API it talks to.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'

const FILES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/app.js.map': 'app.js.map',
}
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  map: 'application/json; charset=utf-8',
}

/** The built page of this package (web/dist), if it has been built; found by walking up to signalbox's package.json. */
export function findWebRoot(from: string = fileURLToPath(import.meta.url)): string | undefined {
  for (let directory = dirname(from); directory !== dirname(directory); directory = dirname(directory)) {
    const manifest = join(directory, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'signalbox') {
      const root = join(directory, 'web', 'dist')
      return existsSync(join(root, 'index.html')) ? root : undefined
    }
  }
  return undefined
}

/** An inline `<script>` of the page (the data-only switch that runs before the styles apply). */
const INLINE_SCRIPT = /<script>([\s\S]*?)<\/script>/g

/**
 * The headers of every page response: a Content Security Policy of this origin
 * only (the page loads nothing from elsewhere; its inline script is allowed by
 * its hash), no framing by other origins (another site framing the page would
 * join the room in its URL), no MIME sniffing, no referrer (the URL names the room).
 */
export function pageSecurityHeaders(indexHtml: string): Record<string, string> {
  const hashes = [...indexHtml.matchAll(INLINE_SCRIPT)].map(([, script]) => `'sha256-${createHash('sha256').update(script!).digest('base64')}'`)
  const policy = [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
  return {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  }
}

/** A strong validator of `body`: part of its SHA-256, quoted. */
export function entityTag(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, ETAG_CHARACTERS)}"`
}

/** Characters of the SHA-256 (base64url) kept in an entity tag: 96 bits. */
const ETAG_CHARACTERS = 16

/**
 * Serves the page's files from `root` at `/`, with {@link pageSecurityHeaders}.
 * The page and app.js are revalidated on every visit (`no-cache`) with an
 * entity tag, so a browser that has them gets `304 Not Modified` and keeps
 * its compiled code; the hashed chunks are cached for good.
 */
export function registerWebRoutes(app: FastifyInstance, root: string): void {
  const index = join(root, 'index.html')
  const headers = pageSecurityHeaders(existsSync(index) ? readFileSync(index, 'utf8') : '')
  for (const [path, file] of Object.entries(FILES)) {
    app.get(path, async (request, reply) => {
      const body = await readFile(join(root, file))
      const tag = entityTag(body)
      reply.headers(headers).header('cache-control', 'no-cache').header('etag', tag)
      if (request.headers['if-none-match'] === tag) return reply.code(304).send()
      return reply.type(TYPES[file.split('.').pop()!]!).send(body)
    })
  }
  // The chunks the page loads later (the statechart panel, the inspector): hashed names, so they may be cached.
  app.get<{ Params: { file: string } }>('/chunks/:file', async (request, reply) => {
    const { file } = request.params
    if (!CHUNK_NAME.test(file)) return reply.code(404).send()
    const body = await readFile(join(root, 'chunks', file)).catch(() => undefined)
    if (body === undefined) return reply.code(404).send()
    return reply.type(TYPES[file.split('.').pop()!]!).headers(headers).header('cache-control', 'public, max-age=31536000, immutable').send(body)
  })
}

/** A chunk file name as esbuild writes it (`panel-XM6JMJIQ.js`, and its `.map`). */
const CHUNK_NAME = /^[\w-]+\.js(\.map)?$/
