/**
 * The page's build (scripts/build-web.ts): index.html names every chunk app.js
 * imports statically as a `<link rel="modulepreload">` (so they load beside
 * app.js, not after it), and none of the lazily loaded ones (the statechart
 * panel, the room of many, the inspector); app.js itself is a render-blocking
 * module script in <head>, so the page joins before it is first drawn.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Metafile } from 'esbuild'
import { buildWeb, staticImportsOf, withModulePreloads } from '../scripts/build-web.js'

/** The files a built module imports statically (`import … from "./x.js"`, `import "./x.js"`), relative to `base`. */
function staticImportsIn(source: string, base: string): string[] {
  const found = [...source.matchAll(/import\s*(?:[^'"();]*?from\s*)?"(\.\/[^"]+)"/g)].map(([, path]) => join(base, path!))
  return [...new Set(found)]
}

describe('the page build', () => {
  const outdir = `${mkdtempSync(join(tmpdir(), 'signalbox-web-build-'))}/`
  let html = ''
  beforeAll(async () => {
    await buildWeb(outdir)
    html = readFileSync(`${outdir}index.html`, 'utf8')
  }, 60_000)
  afterAll(() => rmSync(outdir, { recursive: true, force: true }))

  it('preloads exactly the chunks app.js needs before it runs, transitively, and no lazy one', () => {
    const needed = new Set<string>()
    const visit = (file: string): void => {
      for (const dependency of staticImportsIn(readFileSync(join(outdir, file), 'utf8'), join(file, '..'))) {
        if (needed.has(dependency)) continue
        needed.add(dependency)
        visit(dependency)
      }
    }
    visit('app.js')
    const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\.\/([^"]+)">/g)].map(([, file]) => file!)
    expect(needed.size).toBeGreaterThan(0)
    expect(preloaded.sort()).toEqual([...needed].sort())
    for (const file of preloaded) expect(existsSync(join(outdir, file)), file).toBe(true)
    expect(preloaded.some((file) => /\/(panel|room|dist|elk)/.test(file))).toBe(false)
  })

  it('puts the preloads before the styles and app.js, a render-blocking module, in <head>', () => {
    const head = html.slice(0, html.indexOf('</head>'))
    expect(head).toContain('<script type="module" src="./app.js" blocking="render"></script>')
    expect(html.indexOf('rel="modulepreload"')).toBeLessThan(html.indexOf('<style>'))
    expect(html.slice(html.indexOf('</head>'))).not.toContain('app.js')
  })

  it('follows static imports through chunks, skips dynamic ones, and refuses a page without its anchor', () => {
    const output = (imports: Array<[string, 'import-statement' | 'dynamic-import']>) => ({
      bytes: 1,
      inputs: {},
      exports: [],
      imports: imports.map(([path, kind]) => ({ path: `/out/${path}`, kind })),
    })
    const metafile = {
      inputs: {},
      outputs: {
        '/out/app.js': output([['chunks/b.js', 'import-statement'], ['chunks/panel.js', 'dynamic-import']]),
        '/out/chunks/b.js': output([['chunks/a.js', 'import-statement']]),
        '/out/chunks/a.js': output([]),
        '/out/chunks/panel.js': output([['chunks/elk.js', 'import-statement']]),
      },
    } as unknown as Metafile
    expect(staticImportsOf(metafile, '/out/')).toEqual(['chunks/a.js', 'chunks/b.js'])
    expect(withModulePreloads('<head>\n  <meta charset="utf-8">\n</head>', ['chunks/a.js'])).toBe(
      '<head>\n  <meta charset="utf-8">\n  <link rel="modulepreload" href="./chunks/a.js">\n</head>',
    )
    expect(() => withModulePreloads('<head></head>', ['chunks/a.js'])).toThrow(/charset/)
  })
})
