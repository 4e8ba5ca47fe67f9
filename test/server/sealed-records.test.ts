/**
 * Issue 15, item 5: sealed records are bound to their app, room, role, target
 * and expiry. Against the real server: a stranger without the secret who
 * copies Alice's sealed offer to her answer address, or replays a stale sealed
 * offer with a fresh expiry as the room's offer, gets the participants
 * ERR_BAD_SECRET (before: `connecting` then ERR_PEER, or an answer to a dead offer).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  answerAddress,
  createSignaling,
  decodeRecord,
  encodeRecord,
  roomAddress,
  SafeLauncherStore,
  type PeerLike,
  type SignalingSession,
} from '../../src/index.js'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { FakePeerNetwork } from '../../src/testing/index.js'
import { codeOf } from '../helpers/codes.js'

let server: RunningServer
let network: FakePeerNetwork
const cleanups: Array<() => Promise<unknown> | void> = []
beforeEach(async () => {
  server = await startServer({ port: 0, rateLimitPerSecond: 0 })
  network = new FakePeerNetwork()
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await server.close()
})

function store(): SafeLauncherStore {
  const created = new SafeLauncherStore({ url: server.url })
  cleanups.push(() => created.close())
  return created
}

function join(room: string, secret: string): SignalingSession<PeerLike> {
  const call = createSignaling({ store: store(), createPeer: network.createPeer, secret, pollIntervalMs: 100, answerTimeoutMs: 20_000 }).join(room)
  cleanups.push(() => call.hangup())
  return call
}

function reaches(call: SignalingSession<PeerLike>, state: string): Promise<void> {
  return new Promise((resolve) => {
    if (call.actor.getSnapshot().value === state) resolve()
    call.actor.subscribe((snapshot) => snapshot.value === state && resolve())
  })
}

describe('sealed records', () => {
  it("refuse a sealed offer copied to the offerer's answer address (ERR_BAD_SECRET)", async () => {
    const alice = join('private', 'hunter2')
    await reaches(alice, 'pollingAnswer')
    const mallory = store()
    const offer = (await mallory.read(roomAddress('private')))!
    const { targetId } = decodeRecord(offer)
    await mallory.create(answerAddress(targetId!), offer)
    expect(await codeOf(alice.connected)).toBe('ERR_BAD_SECRET')
  }, 30_000)

  it('refuse a stale sealed offer replayed with a fresh expiry as the room offer (ERR_BAD_SECRET)', async () => {
    const alice = join('replayed', 'hunter2')
    await reaches(alice, 'pollingAnswer')
    const mallory = store()
    const stale = decodeRecord((await mallory.read(roomAddress('replayed')))!)
    await alice.hangup()
    const replayed = encodeRecord({ ...stale, createdAt: Date.now(), expiresAt: Date.now() + 60_000 })
    await mallory.create(roomAddress('replayed'), replayed)
    const bob = join('replayed', 'hunter2')
    expect(await codeOf(bob.connected)).toBe('ERR_BAD_SECRET')
  }, 30_000)
})
