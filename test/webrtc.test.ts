/**
 * Real WebRTC: two participants in one process, simple-peer on @roamhq/wrtc
 * over loopback, meeting through the memory store.
 */
import wrtc from '@roamhq/wrtc'
import { nextMessage } from './helpers/peers.js'
import { describe, expect, it } from 'vitest'
import { createSignaling, createSimplePeerFactory, MemoryStore, type SignalStore } from '../src/index.js'
import { roomAddress } from '../src/protocol/addresses.js'
import { decodeRecord } from '../src/protocol/records.js'
import { candidatesOf } from '../src/protocol/trickle.js'


async function callAndTalk(aliceStore: SignalStore, bobStore: SignalStore, options: { pollIntervalMs?: number; trickle?: boolean } = {}) {
  const alice = createSignaling({ store: aliceStore, wrtc, ...options }).join('real-room')
  const bob = createSignaling({ store: bobStore, wrtc, ...options }).join('real-room')
  const [alicePeer, bobPeer] = await Promise.all([alice.connected, bob.connected])
  const toBob = nextMessage(bobPeer)
  const toAlice = nextMessage(alicePeer)
  alicePeer.send('hello from alice')
  bobPeer.send('hello from bob')
  const messages = [await toBob, await toAlice]
  const roles = [alice.actor.getSnapshot().context.role, bob.actor.getSnapshot().context.role].sort()
  const bobClosed = new Promise<void>((resolve) => bob.actor.subscribe((snapshot) => snapshot.value === 'closed' && resolve()))
  await alice.hangup()
  await bobClosed
  await bob.hangup()
  return { messages, roles, aliceState: alice.actor.getSnapshot().value }
}

describe('real WebRTC through the memory store', () => {
  it('connects simple-peer’s peers made with trickle: true as trickling participants, without trickle on createSignaling too', async () => {
    const store = new MemoryStore()
    const firstWrites = new Map<string, string>()
    const recording = (each: MemoryStore): MemoryStore => {
      const create = each.create.bind(each)
      each.create = async (address, data, options) => {
        if (!firstWrites.has(address)) firstWrites.set(address, data)
        return create(address, data, options)
      }
      return each
    }
    const createPeer = createSimplePeerFactory({ wrtc, trickle: true })
    const calls = [store, store.client()].map((each) => createSignaling({ store: recording(each), createPeer, connectTimeoutMs: 15_000 }).join('factory-trickle'))
    const [first, second] = await Promise.all(calls.map((call) => call.connected))
    const received = nextMessage(second!)
    first!.send('hello')
    expect(await received).toBe('hello')
    // Both records said from their creation that their writers trickle, so each side followed the other's
    // candidates. Before, they did not: peers whose first description left without a candidate (as simple-peer's
    // do in Chromium) then never had the other side's, and both stayed in `connecting` until the timeout.
    const written = [...firstWrites.values()].map((data) => decodeRecord(data))
    expect(written.length).toBe(2)
    expect(written.map((record) => record.trickle)).toEqual([true, true])
    await Promise.all(calls.map((call) => call.hangup()))
  })

  it('connects two participants who exchange a message both ways, then hang up leaving the store empty', async () => {
    const store = new MemoryStore()
    const result = await callAndTalk(store, store.client())
    expect(result.messages).toEqual(['hello from alice', 'hello from bob'])
    expect(result.roles).toEqual(['initiator', 'recipient'])
    expect(result.aliceState).toBe('closed')
    expect(store.size).toBe(0)
  })

  it('connects by polling alone when the store has no push', async () => {
    const store = new MemoryStore()
    const pollOnly = (inner: MemoryStore): SignalStore => ({
      create: (address, data, options) => inner.create(address, data, options),
      update: (address, data, options) => inner.update(address, data, options),
      read: (address) => inner.read(address),
      remove: (address) => inner.remove(address),
    })
    const result = await callAndTalk(pollOnly(store), pollOnly(store.client()), { pollIntervalMs: 250 })
    expect(result.messages).toEqual(['hello from alice', 'hello from bob'])
    expect(store.size).toBe(0)
  })

  it('connects with trickle: false, the seed\'s one complete description per record', async () => {
    const store = new MemoryStore()
    const result = await callAndTalk(store, store.client(), { trickle: false })
    expect(result.messages).toEqual(['hello from alice', 'hello from bob'])
    expect(store.size).toBe(0)
  })

  it('trickles by default: the offer record carries ICE candidates, and a trickle: false participant connects to a trickling one', async () => {
    const store = new MemoryStore()
    const seen: string[] = []
    const watching = store.watch(roomAddress('real-room')).subscribe((data) => data !== null && seen.push(data))
    const alice = createSignaling({ store, wrtc }).join('real-room')
    const bob = createSignaling({ store: store.client(), wrtc, trickle: false }).join('real-room')
    const [alicePeer, bobPeer] = await Promise.all([alice.connected, bob.connected])
    watching.unsubscribe()
    const toBob = nextMessage(bobPeer)
    alicePeer.send('trickled')
    expect(await toBob).toBe('trickled')
    const offers = seen.map((data) => decodeRecord(data)).filter((record) => record.payload?.type === 'offer')
    expect(offers.length).toBeGreaterThan(0)
    // Every version of the offer a seed-style reader could have read holds at least one candidate.
    for (const record of offers) expect(candidatesOf(record.payload!.sdp).length).toBeGreaterThan(0)
    await alice.hangup()
    await bob.hangup()
  })
})
