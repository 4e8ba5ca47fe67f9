/**
 * Faults against the real server and real peers (@roamhq/wrtc): the store
 * going away and coming back, a server restart mid-handshake, a crashed
 * initiator, a third participant, 100 rounds of glare, timeouts, and room
 * secrets. docs/reliability.md lists each fault with the test that covers it.
 */
import wrtc from '@roamhq/wrtc'
import { SimulatedClock } from 'xstate'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createSignaling,
  MemoryTable,
  roomAddress,
  SafeLauncherStore,
  SignalingError,
  type SignalingOptions,
  type SignalingSession,
  type SimplePeerInstance,
} from '../src/index.js'
import { startServer, type RunningServer, type StartServerOptions } from '../src/server/index.js'
import { codeOf } from './helpers/codes.js'

const cleanups: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
})

async function server(options: StartServerOptions = {}): Promise<RunningServer> {
  const running = await startServer({ port: 0, ...options })
  cleanups.push(() => running.close())
  return running
}

function participant(url: string, options: Omit<SignalingOptions, 'store' | 'wrtc'> = {}) {
  const store = new SafeLauncherStore({ url })
  cleanups.push(() => store.close())
  return { store, signaling: createSignaling({ store, wrtc, pollIntervalMs: 250, ...options }) }
}

function join(url: string, room: string, options: Omit<SignalingOptions, 'store' | 'wrtc'> = {}): SignalingSession<SimplePeerInstance> {
  const call = participant(url, options).signaling.join(room)
  cleanups.push(() => call.hangup())
  return call
}

function reaches(call: SignalingSession<SimplePeerInstance>, state: string): Promise<void> {
  return new Promise((resolve) => {
    if (call.actor.getSnapshot().value === state) resolve()
    call.actor.subscribe((snapshot) => snapshot.value === state && resolve())
  })
}

async function talk(a: SimplePeerInstance, b: SimplePeerInstance): Promise<string> {
  const heard = new Promise<string>((resolve) => b.once('data', (data: Uint8Array) => resolve(new TextDecoder().decode(data))))
  a.send('still here')
  return heard
}

describe('faults, with the real server and real peers', () => {
  it('fails with ERR_STORE_UNAVAILABLE when the server goes away, and RETRY connects once it is back', async () => {
    const first = await server()
    const port = first.port
    const alice = join(first.url, 'outage', { storeRetries: 2, retryDelayMs: 50 })
    await reaches(alice, 'pollingAnswer')
    await first.close()
    expect(await codeOf(alice.connected)).toBe('ERR_STORE_UNAVAILABLE')
    expect(alice.actor.getSnapshot().value).toBe('failed')

    const again = await server({ port })
    const bob = join(again.url, 'outage')
    await reaches(bob, 'pollingAnswer')
    const [alicePeer, bobPeer] = await Promise.all([alice.retry(), bob.connected])
    expect(await talk(alicePeer, bobPeer)).toBe('still here')
  })

  it('finishes the handshake when the server restarts in the middle: the initiator publishes its offer again', async () => {
    const first = await server()
    const port = first.port
    const alice = join(first.url, 'restart')
    await reaches(alice, 'pollingAnswer')
    await first.close()
    const again = await server({ port })
    const bob = join(again.url, 'restart')
    const [alicePeer, bobPeer] = await Promise.all([alice.connected, bob.connected])
    expect(await talk(bobPeer, alicePeer)).toBe('still here')
  })

  it('lets a newcomer be the initiator once a crashed initiator’s offer expires', async () => {
    const clock = new SimulatedClock()
    clock.set(Date.now())
    const running = await server({ backend: new MemoryTable(clock) })
    const crashed = join(running.url, 'crash', { answerTimeoutMs: 60_000, connectTimeoutMs: 30_000 })
    await reaches(crashed, 'pollingAnswer')
    crashed.actor.stop() // gone without hanging up
    const reader = participant(running.url).store
    expect(await reader.read(roomAddress('crash'))).not.toBeNull()
    clock.increment(90_000) // the offer lives answer + connect timeout
    expect(await reader.read(roomAddress('crash'))).toBeNull()
    const newcomer = join(running.url, 'crash')
    await reaches(newcomer, 'pollingAnswer')
    expect(newcomer.actor.getSnapshot().context.role).toBe('initiator')
  })

  it('tells a third participant ERR_ROOM_BUSY and leaves the call in progress alone', async () => {
    const running = await server()
    const alice = join(running.url, 'busy')
    await reaches(alice, 'pollingAnswer')
    const bob = join(running.url, 'busy')
    const [alicePeer, bobPeer] = await Promise.all([alice.connected, bob.connected])
    const carol = join(running.url, 'busy')
    const refused = await carol.connected.catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(SignalingError)
    expect((refused as SignalingError).code).toBe('ERR_ROOM_BUSY')
    expect((refused as SignalingError).message).toMatch(/busy/)
    expect([alice.actor.getSnapshot().value, bob.actor.getSnapshot().value]).toEqual(['connected', 'connected'])
    expect(await talk(alicePeer, bobPeer)).toBe('still here')
  })

  it('connects both participants in each of 100 rounds of joining an empty room at the same moment', async () => {
    const running = await server({ rateLimitPerSecond: 0 })
    const [a, b] = [participant(running.url), participant(running.url)]
    const roles: string[] = []
    for (let round = 0; round < 100; round++) {
      const calls = [a.signaling.join(`glare-${round}`), b.signaling.join(`glare-${round}`)]
      await Promise.all(calls.map((call) => call.connected))
      roles.push(calls.map((call) => call.actor.getSnapshot().context.role).sort().join('+'))
      await Promise.all(calls.map((call) => call.hangup()))
    }
    expect(roles).toEqual(Array.from({ length: 100 }, () => 'initiator+recipient'))
    const reader = participant(running.url).store
    for (const round of [0, 50, 99]) expect(await reader.read(roomAddress(`glare-${round}`))).toBeNull()
  }, 120_000)

  it('fails with ERR_ANSWER_TIMEOUT when nobody answers: peer destroyed, offer removed', async () => {
    const running = await server()
    const alice = join(running.url, 'alone', { answerTimeoutMs: 400 })
    await reaches(alice, 'pollingAnswer')
    expect(await codeOf(alice.connected)).toBe('ERR_ANSWER_TIMEOUT')
    await alice.hangup()
    expect(await participant(running.url).store.read(roomAddress('alone'))).toBeNull()
  })

  it('connects with a room secret while the store sees no SDP, and fails a wrong secret with ERR_BAD_SECRET', async () => {
    const running = await server()
    const alice = join(running.url, 'private', { secret: 'hunter2' })
    await reaches(alice, 'pollingAnswer')
    const stored = atob((await participant(running.url).store.read(roomAddress('private')))!)
    expect(stored).toContain('"enc"')
    expect(stored).not.toContain('v=0')
    expect(stored).not.toMatch(/\d+\.\d+\.\d+\.\d+/)

    const mallory = join(running.url, 'private', { secret: 'guess' })
    expect(await codeOf(mallory.connected)).toBe('ERR_BAD_SECRET')
    const eve = join(running.url, 'private')
    expect(await codeOf(eve.connected)).toBe('ERR_BAD_SECRET')

    const bob = join(running.url, 'private', { secret: 'hunter2' })
    const [alicePeer, bobPeer] = await Promise.all([alice.connected, bob.connected])
    expect(await talk(alicePeer, bobPeer)).toBe('still here')
  })
})
