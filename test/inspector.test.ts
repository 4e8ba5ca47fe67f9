/**
 * The Stately inspector from Node: createSignaling's `inspect` option with
 * @statelyai/inspect's WebSocket inspector streams the actors' inspection
 * events to a WebSocket server (here a real one on port 0).
 */
import { createWebSocketInspector } from '@statelyai/inspect'
import { WebSocketServer } from 'ws'
import { afterEach, describe, expect, it } from 'vitest'
import { createSignaling } from '../src/index.js'
import { FakePeerNetwork } from '../src/testing/index.js'

let server: WebSocketServer | undefined
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined))
})

describe('the Stately inspector in Node', () => {
  it('streams the signaling actor’s snapshots and events over a WebSocket', async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise((resolve) => server!.once('listening', resolve))
    const { port } = server.address() as { port: number }
    const received: Array<{ type: string; snapshot?: { value?: unknown }; event?: { type?: string } }> = []
    server.on('connection', (socket) => socket.on('message', (data) => received.push(JSON.parse(String(data)))))

    const inspector = createWebSocketInspector({ url: `ws://127.0.0.1:${port}` })
    const signaling = createSignaling({ createPeer: new FakePeerNetwork().createPeer, inspect: inspector.inspect })
    const call = signaling.join('inspected')
    const seen = () => received.filter((event) => event.type === '@xstate.snapshot').map((event) => event.snapshot?.value)
    for (let turn = 0; turn < 200 && !seen().includes('pollingAnswer'); turn++) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(seen()).toEqual(expect.arrayContaining(['idle', 'joining', 'creatingOffer', 'publishing', 'pollingAnswer']))
    expect(received.some((event) => event.type === '@xstate.event' && event.event?.type === 'JOIN')).toBe(true)
    await call.hangup()
    inspector.stop()
  })
})
