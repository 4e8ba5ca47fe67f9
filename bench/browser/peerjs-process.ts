/**
 * PeerServer 1.0 (the `peer` package) for the browser bench, in a child process
 * on 127.0.0.1: the signaling server at /peerjs, and a minimal PeerJS page at /
 * (with PeerJS 1.5's own browser build at /peerjs.min.js) for the real-pages
 * row. Answers the parent over IPC as bench/child.ts expects: its URL, then `stop`.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { PeerServer } from 'peer'
import { PEERJS_PAGE } from './peerjs-page.js'

const PEERJS_BROWSER_BUILD = createRequire(import.meta.url).resolve('peerjs/dist/peerjs.min.js')
const script = await readFile(PEERJS_BROWSER_BUILD)

const server = await new Promise<Server>((resolve) => {
  const app = PeerServer({ port: 0, host: '127.0.0.1', path: '/peerjs', key: 'peerjs' }, (listening) => resolve(listening as Server))
  app.get('/', (_request, response) => {
    response.type('html').set('cache-control', 'no-cache').send(PEERJS_PAGE)
  })
  app.get('/peerjs.min.js', (_request, response) => {
    response.type('js').set('cache-control', 'no-cache').send(script)
  })
})

process.on('message', (command: { type: string }) => {
  if (command.type !== 'stop') return
  server.closeAllConnections()
  // Open WebSockets do not hold the exit up for long.
  setTimeout(() => process.exit(0), 1_000).unref()
  server.close(() => process.exit(0))
})
// Gone with the parent: a bench that crashed leaves no server behind.
process.on('disconnect', () => process.exit(0))
process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })
