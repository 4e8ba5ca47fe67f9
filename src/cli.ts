#!/usr/bin/env node
/**
 * The `signalbox` command (the package's bin): runs the program of
 * src/cli/program.ts on the command line's arguments. docs/cli.md documents it.
 *
 * @module
 */
import { createProgram } from './cli/program.js'

await createProgram().parseAsync()
