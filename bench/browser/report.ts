/** The browser bench's figures, targets and printed table. */
import { median, round } from '../stats.js'

/** The browser rows, in the order they are printed. */
export const BROWSER_ROWS = ['together', 'late', 'together50', 'late50', 'pages', 'joining'] as const
/** One browser row. */
export type BrowserRow = (typeof BROWSER_ROWS)[number]
/** The two products measured side by side. */
export const PRODUCTS = ['signalbox', 'peerjs'] as const
/** One of the two products. */
export type Product = (typeof PRODUCTS)[number]

/** Medians per row, in ms (`null` when every iteration of the row failed). */
export type BrowserFigures = Record<BrowserRow, number | null>

/** What each row measures, as printed beside it. */
const ROW_NOTES: Record<BrowserRow, string> = {
  together: 'both peers in one page start together',
  late: 'second peer starts once the first waits (offer stored / Peer open)',
  together50: 'together, 50 ms RTT to the server (delaying proxy)',
  late50: 'late joiner, 50 ms RTT to the server',
  pages: 'two real pages opened together, data only, until both connected',
  joining: "a real page's navigation start to showing `joining`",
}

/** Samples and failures of every row, per product. */
export class BrowserSamples {
  readonly samples = new Map<string, number[]>()
  readonly failures = new Map<string, number>()

  private key(product: Product, row: BrowserRow): string {
    return `${product}:${row}`
  }

  /** Notes one measured value, in ms. */
  add(product: Product, row: BrowserRow, ms: number): void {
    const key = this.key(product, row)
    this.samples.set(key, [...(this.samples.get(key) ?? []), ms])
  }

  /** Notes one failed (or stuck) iteration. */
  fail(product: Product, row: BrowserRow): void {
    const key = this.key(product, row)
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1)
  }

  /** Failed iterations of a row. */
  failed(product: Product, row: BrowserRow): number {
    return this.failures.get(this.key(product, row)) ?? 0
  }

  /** The medians of one product. */
  figures(product: Product): BrowserFigures {
    const entries = BROWSER_ROWS.map((row) => {
      const values = this.samples.get(this.key(product, row)) ?? []
      return [row, values.length === 0 ? null : round(median(values))] as const
    })
    return Object.fromEntries(entries) as BrowserFigures
  }
}

/** The target of every row: signalbox's median at or below PeerJS's in the same run. */
export function browserTargets(browser: BrowserFigures, peerjs: BrowserFigures): Record<BrowserRow, boolean> {
  const entries = BROWSER_ROWS.map((row) => {
    const ours = browser[row]
    const theirs = peerjs[row]
    return [row, ours !== null && theirs !== null && ours <= theirs] as const
  })
  return Object.fromEntries(entries) as Record<BrowserRow, boolean>
}

const cell = (value: number | null) => (value === null ? 'failed' : value.toFixed(1))

/** The section's table, one line per row (the Node trickle ratio is in the Node table above). */
export function browserTable(samples: BrowserSamples, runs: number): string[] {
  const browser = samples.figures('signalbox')
  const peerjs = samples.figures('peerjs')
  const targets = browserTargets(browser, peerjs)
  const lines = [
    `browser: headless Chromium, signalbox against PeerJS 1.5 + PeerServer 1.0 in the same run, medians of ${runs} (ms)`,
    '',
    `${'row'.padEnd(12)}${'signalbox'.padStart(10)}${'PeerJS'.padStart(9)}${'ratio'.padStart(7)}  ${'target'.padEnd(22)}what`,
  ]
  for (const row of BROWSER_ROWS) {
    const ours = browser[row]
    const theirs = peerjs[row]
    const ratio = ours !== null && theirs !== null && theirs > 0 ? (ours / theirs).toFixed(2) : '-'
    const failures = PRODUCTS.map((product) => [product, samples.failed(product, row)] as const).filter(([, count]) => count > 0)
    const failed = failures.length === 0 ? '' : ` (failed: ${failures.map(([product, count]) => `${product} ${count}`).join(', ')})`
    const verdict = `${targets[row] ? 'pass' : 'MISS'} (≤ PeerJS)`
    lines.push(`${row.padEnd(12)}${cell(ours).padStart(10)}${cell(theirs).padStart(9)}${ratio.padStart(7)}  ${verdict.padEnd(22)}${ROW_NOTES[row]}${failed}`)
  }
  return lines
}
