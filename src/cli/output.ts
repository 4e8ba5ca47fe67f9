/**
 * How `join` prints: one timed line per event (or one JSON object with `--json`),
 * to stdout unless a test hands its own writers.
 *
 * @module
 */
import { printableJson } from './printable.js'

/** A timer that holds the process while in a call (when stdin, which would otherwise hold it, has ended), in ms. */
export const KEEP_ALIVE_MS = 60 * 60 * 1000

/** Where a command's lines go, and whether they are JSON. */
export interface OutputOptions {
  json?: boolean
  /** Where lines go. Default: stdout. */
  write?: (line: string) => void
  /** Where error lines go. Default: stderr. */
  writeError?: (line: string) => void
}

/** The writers of one run: `emit` prints `text` (or `fields` as JSON) with the ms since the run started. */
export function createOutput(options: OutputOptions) {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`))
  const writeError = options.writeError ?? ((line: string) => process.stderr.write(`${line}\n`))
  const startedAt = performance.now()
  const ms = () => Math.round(performance.now() - startedAt)
  const emit = (text: string, fields: Record<string, unknown>) =>
    write(options.json === true ? printableJson({ ...fields, ms: ms() }) : `+${String(ms()).padStart(6)} ms  ${text}`)
  return { write, writeError, emit }
}
