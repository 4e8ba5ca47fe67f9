/**
 * The README and docs run as written: every TypeScript block in README.md and
 * docs/*.md is type-checked (strict) against the package's entries
 * (`signalbox` as Node resolves it, `signalbox/testing`, `/server`, `/redis`),
 * and the blocks marked "```ts run" are run, each bounded in time.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WORK = join(ROOT, 'test-results', 'docs-blocks')
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')
/** Time one runnable block may take, in ms (real WebRTC on loopback connects in well under a second). */
const RUN_TIMEOUT_MS = 60_000
/** Time for type-checking every block at once, in ms. */
const TYPECHECK_TIMEOUT_MS = 120_000

interface DocBlock {
  /** File name the block is written to. */
  name: string
  /** Where it is: `README.md:52`. */
  where: string
  code: string
  runnable: boolean
}

/** Every ```ts / ```typescript block of one markdown file; "```ts run" marks a runnable one. */
export function extractBlocks(markdown: string, file: string): DocBlock[] {
  const blocks: DocBlock[] = []
  const fence = /^```(?:ts|typescript)([^\n]*)\n([\s\S]*?)^```$/gm
  for (const match of markdown.matchAll(fence)) {
    const line = markdown.slice(0, match.index).split('\n').length
    const slug = file.replace(/[^a-z0-9]+/gi, '-').toLowerCase()
    blocks.push({ name: `${slug}-${line}.ts`, where: `${file}:${line}`, code: match[2]!, runnable: /\brun\b/.test(match[1]!) })
  }
  return blocks
}

const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)]
const blocks = files.flatMap((file) => extractBlocks(readFileSync(join(ROOT, file), 'utf8'), file))

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    // The package's entries, as Node resolves them from an installed signalbox.
    paths: {
      signalbox: ['../../src/node.ts'],
      'signalbox/testing': ['../../src/testing/index.ts'],
      'signalbox/server': ['../../src/server/index.ts'],
      'signalbox/redis': ['../../src/stores/redis.ts'],
    },
  },
  include: ['*.ts'],
}

describe('the TypeScript in README.md and docs/', () => {
  let diagnostics = ''
  beforeAll(async () => {
    rmSync(WORK, { recursive: true, force: true })
    mkdirSync(WORK, { recursive: true })
    writeFileSync(join(WORK, 'package.json'), '{ "type": "module" }\n')
    writeFileSync(join(WORK, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2))
    for (const block of blocks) writeFileSync(join(WORK, block.name), `${block.code}\nexport {}\n`)
    try {
      await run(process.execPath, [TSC, '-p', WORK, '--pretty', 'false'], { cwd: WORK, timeout: TYPECHECK_TIMEOUT_MS })
    } catch (error) {
      diagnostics = String((error as { stdout?: string }).stdout ?? error)
    }
  }, TYPECHECK_TIMEOUT_MS + 10_000)

  it('finds the blocks, runnable ones among them', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10)
    expect(blocks.filter((block) => block.runnable).length).toBeGreaterThanOrEqual(3)
  })

  it.each(blocks.map((block) => [block.where, block] as const))('%s type-checks', (_where, block) => {
    const errors = diagnostics.split('\n').filter((line) => line.startsWith(block.name) || line.includes(`/${block.name}(`))
    expect(errors, `${block.where}:\n${errors.join('\n')}`).toEqual([])
  })

  it('type-checks nothing but the blocks with errors outside them', () => {
    const foreign = diagnostics.split('\n').filter((line) => /error TS/.test(line) && !blocks.some((block) => line.includes(block.name)))
    expect(foreign).toEqual([])
  })

  const runnable = blocks.filter((block) => block.runnable)
  it.each(runnable.map((block) => [block.where, block] as const))(
    '%s runs to the end',
    async (_where, block) => {
      const { stderr } = await run(process.execPath, [TSX, '--tsconfig', join(WORK, 'tsconfig.json'), join(WORK, block.name)], {
        cwd: ROOT,
        timeout: RUN_TIMEOUT_MS,
      })
      expect(stderr).not.toMatch(/SignalingError|Error:/)
    },
    RUN_TIMEOUT_MS + 10_000,
  )
})
