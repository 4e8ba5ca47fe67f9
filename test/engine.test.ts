import { SimulatedClock } from 'xstate'
import { describe, expect, it } from 'vitest'
import { createSignaling, createSimplePeerFactory, MemoryStore, roomAddress, SignalingError, type SignalingSnapshot } from '../src/index.js'
import { advanceClock, FakePeerNetwork, flushPromises } from '../src/testing/index.js'
import { codeOf } from './helpers/codes.js'

function fakeEngine(options: { store?: MemoryStore; network?: FakePeerNetwork; clock?: SimulatedClock } = {}) {
  const clock = options.clock ?? new SimulatedClock()
  const network = options.network ?? new FakePeerNetwork()
  const store = options.store ?? new MemoryStore({ clock })
  return { clock, network, store, signaling: createSignaling({ store, createPeer: network.createPeer, clock }) }
}

describe('createSignaling', () => {
  it('connects two calls in one room and resolves each with its connected peer', async () => {
    const { signaling } = fakeEngine()
    const alice = signaling.join('demo')
    const bob = signaling.join('demo')
    const [alicePeer, bobPeer] = await Promise.all([alice.connected, bob.connected])
    const received = new Promise<string>((resolve) => bobPeer.on('data', (data: Uint8Array) => resolve(new TextDecoder().decode(data))))
    alicePeer.send('hello')
    expect(await received).toBe('hello')
    expect(alice.actor.getSnapshot().value).toBe('connected')
    await signaling.close()
  })

  it('reports every state from idle to onSnapshot', async () => {
    const { signaling } = fakeEngine()
    const seen: string[] = []
    const record = (snapshot: SignalingSnapshot) => {
      if (seen.at(-1) !== snapshot.value) seen.push(snapshot.value)
    }
    signaling.join('demo', { onSnapshot: record })
    expect(seen).toEqual(['idle', 'joining'])
    await flushPromises()
    expect(seen).toEqual(['idle', 'joining', 'creatingOffer', 'publishing', 'pollingAnswer'])
    await signaling.close()
  })

  it('uses a memory store of its own when given none', async () => {
    const signaling = createSignaling({ createPeer: new FakePeerNetwork().createPeer })
    expect(signaling.store).toBeInstanceOf(MemoryStore)
    const alice = signaling.join('demo')
    await flushPromises()
    expect(await signaling.store.read(roomAddress('demo'))).not.toBeNull()
    await alice.hangup()
    expect(await signaling.store.read(roomAddress('demo'))).toBeNull()
    await signaling.close()
  })

  it('puts the app id into every address', async () => {
    const store = new MemoryStore()
    const signaling = createSignaling({ store, appId: 'my.app', createPeer: new FakePeerNetwork().createPeer })
    signaling.join('demo')
    await flushPromises()
    expect(await store.read(roomAddress('demo', 'my.app'))).not.toBeNull()
    expect(await store.read(roomAddress('demo'))).toBeNull()
    await signaling.close()
  })

  it('rejects connected with ERR_CLOSED when hung up first, and removes what it published', async () => {
    const { signaling, store } = fakeEngine()
    const alice = signaling.join('demo')
    await flushPromises()
    expect(store.size).toBe(1)
    await alice.hangup()
    expect(await codeOf(alice.connected)).toBe('ERR_CLOSED')
    expect(store.size).toBe(0)
  })

  it('rejects connected with the failure, and retry() gives a new attempt that can connect', async () => {
    const { signaling, clock, store, network } = fakeEngine()
    const alice = signaling.join('demo')
    const failedAttempt = alice.connected
    await advanceClock(clock, 150_000, 10_000)
    expect(await codeOf(failedAttempt)).toBe('ERR_ANSWER_TIMEOUT')
    const bob = createSignaling({ store: store.client(), createPeer: network.createPeer, clock }).join('demo')
    await flushPromises()
    expect(bob.actor.getSnapshot().value).toBe('pollingAnswer')
    const retried = alice.retry()
    expect(alice.connected).toBe(retried)
    expect(retried).not.toBe(failedAttempt)
    const [alicePeer, bobPeer] = await Promise.all([retried, bob.connected])
    expect(alicePeer.remote).toBe(bobPeer)
    await bob.hangup()
    await alice.hangup()
    expect(store.size).toBe(0)
  })

  it('close() hangs up every call and refuses new ones', async () => {
    const { signaling, store } = fakeEngine()
    const calls = [signaling.join('one'), signaling.join('two'), signaling.join('three')]
    await flushPromises()
    expect(store.size).toBe(3)
    await signaling.close()
    expect(calls.map((call) => call.actor.getSnapshot().value)).toEqual(['closed', 'closed', 'closed'])
    expect(store.size).toBe(0)
    expect(() => signaling.join('four')).toThrow(expect.objectContaining({ code: 'ERR_CLOSED' }))
  })

  it('refuses bad room names at once with ERR_INVALID_ROOM', () => {
    const { signaling } = fakeEngine()
    for (const room of ['', ' '.repeat(300), 'line\nbreak', undefined, null, 7]) {
      expect(() => signaling.join(room as string)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ROOM' }))
    }
  })

  it('refuses bad options at once with ERR_INVALID_OPTION, naming the option', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ store: {} }, 'store'],
      [{ store: { create: 1 } }, 'store'],
      [{ createPeer: 'simple-peer' }, 'createPeer'],
      [{ appId: '' }, 'appId'],
      [{ answerTimeoutMs: 0 }, 'answerTimeoutMs'],
      [{ connectTimeoutMs: Number.POSITIVE_INFINITY }, 'connectTimeoutMs'],
      [{ signalTimeoutMs: '5s' }, 'signalTimeoutMs'],
      [{ drainTimeoutMs: 0 }, 'drainTimeoutMs'],
      [{ pollIntervalMs: -2000 }, 'pollIntervalMs'],
      [{ storeRetries: 2.5 }, 'storeRetries'],
      [{ answerTimeoutMs: 13 * 60 * 60 * 1000 }, 'answerTimeoutMs'],
    ]
    for (const [options, name] of bad) {
      let caught: unknown
      try {
        createSignaling(options)
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(SignalingError)
      expect((caught as SignalingError).code).toBe('ERR_INVALID_OPTION')
      expect((caught as SignalingError).message).toContain(name)
    }
    expect(() => createSignaling(null as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }))
  })

  it('refuses trickle: false with a factory whose peers trickle (their candidates would never leave), with ERR_INVALID_OPTION saying what to change', () => {
    const createPeer = createSimplePeerFactory({ trickle: true })
    expect(createPeer.trickle).toBe(true)
    expect(createSimplePeerFactory().trickle).toBe(false)
    expect(() => createSignaling({ createPeer, trickle: false })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', message: expect.stringContaining('make the peers with trickle: false') }),
    )
    // Told nothing, or told the same, it is accepted.
    expect(() => createSignaling({ createPeer })).not.toThrow()
    expect(() => createSignaling({ createPeer, trickle: true })).not.toThrow()
    expect(() => createSignaling({ createPeer: createSimplePeerFactory(), trickle: true })).not.toThrow()
  })

  it('fails a call with ERR_WEBRTC_UNSUPPORTED, saying how to fix it, when Node has no WebRTC', async () => {
    const signaling = createSignaling()
    const call = signaling.join('demo')
    const error = await call.connected.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(SignalingError)
    expect((error as SignalingError).code).toBe('ERR_WEBRTC_UNSUPPORTED')
    expect((error as SignalingError).message).toContain('@roamhq/wrtc')
    await signaling.close()
  })
})
