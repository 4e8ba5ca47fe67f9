/**
 * The layering of src/ as a test: every relative import points down a layer
 * (or stays inside its folder), no file imports itself back through a circle,
 * and no source file grows past the size a reader takes in at once.
 * docs/architecture.md draws the same layers.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const SRC = fileURLToPath(new URL('../src/', import.meta.url))
/** Longest source file, in lines. */
const MAX_FILE_LINES = 250

/**
 * The layers from the ground up: a file may import from a lower layer or from
 * its own, never from a higher one. Same-rank layers do not import each other.
 */
const LAYERS: Record<string, number> = {
  ground: 0,
  time: 1,
  protocol: 1,
  launcher: 1,
  peer: 2,
  stores: 2,
  machines: 2,
  actors: 3,
  diagram: 3,
  engine: 4,
  testing: 5,
  server: 5,
  cli: 6,
  entry: 7,
}

/** Files directly in src/ and the layer each belongs to. */
const TOP_LEVEL_FILES: Record<string, string> = {
  'errors.ts': 'ground',
  'validate.ts': 'ground',
  'cli.ts': 'cli',
  'index.ts': 'entry',
  'node.ts': 'entry',
  'browser.ts': 'entry',
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : []
  })
}

/** The layer of a file: its folder under src/, or the layer of a file directly in src/. */
function layerOf(file: string): string {
  const first = relative(SRC, file).split(/[\\/]/)[0]!
  return TOP_LEVEL_FILES[first] ?? first
}

/** The files of src/ that `file` imports (relative imports only), resolved to .ts paths. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
  return info.importedFiles
    .map((imported) => imported.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name).replace(/\.js$/, '.ts'))
}

const files = sourceFiles(SRC)
const graph = new Map(files.map((file) => [file, importsOf(file)]))

describe('the layers of src/', () => {
  it('knows the layer of every file', () => {
    const unknown = files.map(layerOf).filter((layer) => LAYERS[layer] === undefined)
    expect([...new Set(unknown)]).toEqual([])
  })

  it('has every import point down a layer or stay inside its own', () => {
    const upward: string[] = []
    for (const [file, imports] of graph) {
      const from = layerOf(file)
      for (const target of imports) {
        const to = layerOf(target)
        if (to !== from && !(LAYERS[to]! < LAYERS[from]!)) upward.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`)
      }
    }
    expect(upward).toEqual([])
  })

  it('has no import circle', () => {
    const circles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].map((entry) => relative(SRC, entry)).join(' -> '))
        return
      }
      state.set(file, 'open')
      for (const target of graph.get(file) ?? []) visit(target, [...path, file])
      state.set(file, 'done')
    }
    for (const file of files) visit(file, [])
    expect(circles).toEqual([])
  })

  it(`has no source file over ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map((file) => ({ file: relative(SRC, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > MAX_FILE_LINES)
    expect(long).toEqual([])
  })
})
