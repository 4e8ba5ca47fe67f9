#!/usr/bin/env node
/**
 * The `signalbox` command line: `signalbox demo`.
 *
 * @module
 */
import { Command } from 'commander'
import { runDemo } from './demo.js'

const program = new Command()
  .name('signalbox')
  .description('Connect two WebRTC peers through a shared key-value store.')
  .showHelpAfterError()

program
  .command('demo')
  .description('two participants in this process meet through the in-memory store and connect with real WebRTC')
  .option('--room <name>', 'the room to meet in (default: a random one)')
  .action(async (options: { room?: string }) => {
    const { default: wrtc } = await import('@roamhq/wrtc')
    process.exitCode = await runDemo({ wrtc, ...(options.room === undefined ? {} : { room: options.room }) })
  })

await program.parseAsync()
