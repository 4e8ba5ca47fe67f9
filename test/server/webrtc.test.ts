/**
 * Real WebRTC through `signalbox serve`: two participants, each with its own
 * SafeLauncherStore (its own token), connect with @roamhq/wrtc and talk.
 */
import wrtc from '@roamhq/wrtc'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSignaling, SafeLauncherStore } from '../../src/index.js'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { nextMessage } from '../helpers/peers.js'

let server: RunningServer
beforeEach(async () => {
  server = await startServer({ port: 0 })
})
afterEach(async () => {
  await server.close()
})


async function callThroughServer(watch: boolean) {
  const stores = [new SafeLauncherStore({ url: server.url, watch }), new SafeLauncherStore({ url: server.url, watch })]
  const join = (store: SafeLauncherStore) => createSignaling({ store, wrtc, pollIntervalMs: 250 }).join('launcher-room')
  const alice = join(stores[0]!)
  // Bob joins once Alice's offer is stored, so the roles are fixed.
  await new Promise<void>((resolve, reject) => {
    alice.actor.subscribe((snapshot) => snapshot.value === 'pollingAnswer' && resolve())
    alice.connected.catch(reject)
  })
  const bob = join(stores[1]!)
  const [a, b] = await Promise.all([alice.connected, bob.connected])
  const toBob = nextMessage(b)
  const toAlice = nextMessage(a)
  a.send('over the launcher: hi bob')
  b.send('over the launcher: hi alice')
  const messages = [await toBob, await toAlice]
  const bobClosed = new Promise<void>((resolve) => bob.actor.subscribe((snapshot) => snapshot.value === 'closed' && resolve()))
  await alice.hangup()
  await bobClosed
  await bob.hangup()
  const leftover = await stores[0]!.read(btoa('example.signaling.v1-launcher-room'))
  await Promise.all(stores.map((store) => store.close()))
  return { messages, roles: [alice.actor.getSnapshot().context.role, bob.actor.getSnapshot().context.role], leftover }
}

describe('real WebRTC through signalbox serve', () => {
  it('connects two participants with the push read, who talk both ways and leave nothing behind', async () => {
    const result = await callThroughServer(true)
    expect(result.messages).toEqual(['over the launcher: hi bob', 'over the launcher: hi alice'])
    expect(result.roles).toEqual(['initiator', 'recipient'])
    expect(result.leftover).toBeNull()
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
