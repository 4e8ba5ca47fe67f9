/**
 * Real WebRTC through `signalbox serve`: two participants, each with its own
 * SafeLauncherStore (its own token), connect with @roamhq/wrtc and talk.
 */
import wrtc from '@roamhq/wrtc'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { createSignaling, SafeLauncherStore, type WebSocketConstructor } from '../../src/index.js'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { callThrough } from '../helpers/peers.js'

let server: RunningServer
beforeEach(async () => {
  server = await startServer({ port: 0 })
})
afterEach(async () => {
  await server.close()
})

/** A call through the server, with the push read or polling alone. */
const callThroughServer = (watch: boolean) => callThrough(server.url, { watch, room: 'launcher-room', words: 'over the launcher' })

describe('real WebRTC through signalbox serve', () => {
  it('connects two participants with the push read, who talk both ways and leave nothing behind', async () => {
    const result = await callThroughServer(true)
    expect(result.messages).toEqual(['over the launcher: hi bob', 'over the launcher: hi alice'])
    expect(result.roles).toEqual(['initiator', 'recipient'])
    expect(result.leftover).toBeNull()
  })

  it('connects two participants whose requests travel over one WebSocket each (our socket extension), once open making no HTTP request', async () => {
    let openSockets = 0
    let httpOnceOpen = 0
    const fetch: typeof globalThis.fetch = (input, init) => (openSockets === 2 && httpOnceOpen++, globalThis.fetch(input, init))
    const webSocket = class extends WebSocket {
      constructor(url: string) {
        super(url)
        this.addEventListener('open', () => openSockets++)
      }
    } as unknown as WebSocketConstructor
    const result = await callThrough(server.url, { watch: true, room: 'socket-room', words: 'over the socket', store: { webSocket, fetch } })
    expect(result.messages).toEqual(['over the socket: hi bob', 'over the socket: hi alice'])
    expect(result.leftover).toBeNull()
    expect(openSockets).toBe(2)
    expect(httpOnceOpen).toBe(0)
  })

  it('connects two participants by polling alone', async () => {
    const result = await callThroughServer(false)
    expect(result.messages).toEqual(['over the launcher: hi bob', 'over the launcher: hi alice'])
    expect(result.leftover).toBeNull()
  })
  it('connects two participants who join an empty room at the same moment (glare), by polling alone', async () => {
    const stores = [new SafeLauncherStore({ url: server.url, watch: false }), new SafeLauncherStore({ url: server.url, watch: false })]
    const calls = stores.map((store) => createSignaling({ store, wrtc, pollIntervalMs: 250 }).join('glare-room'))
    await Promise.all(calls.map((call) => call.connected))
    expect(calls.map((call) => call.actor.getSnapshot().context.role).sort()).toEqual(['initiator', 'recipient'])
    await Promise.all(calls.map((call) => call.hangup()))
    await Promise.all(stores.map((store) => store.close()))
  })
  it('falls back to polling when the server has no push read (a plain Launcher), and still connects', async () => {
    const launcher = await startServer({ port: 0, extensions: false })
    try {
      const stores = [new SafeLauncherStore({ url: launcher.url }), new SafeLauncherStore({ url: launcher.url })]
      const calls = stores.map((store) => createSignaling({ store, wrtc, pollIntervalMs: 250 }).join('launcher-only'))
      await Promise.all(calls.map((call) => call.connected))
      await Promise.all(calls.map((call) => call.hangup()))
      await Promise.all(stores.map((store) => store.close()))
    } finally {
      await launcher.close()
    }
  })
})
