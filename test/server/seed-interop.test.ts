/**
 * Old and new participants in one room, through `signalbox serve`: a
 * participant written as the seed app was (safe-js, simple-peer with
 * `trickle: false`, the 2-second poll; test/helpers/seed-participant.ts) meets
 * a `signalbox` participant in both orders and another seed participant, with
 * real WebRTC (@roamhq/wrtc). A seed initiator that leaks a handle per poll
 * still reads its answer after 10 minutes' worth of polls, and a seed
 * participant that finds a busy room is refused as in 2017, without throwing.
 */
import wrtc from '@roamhq/wrtc'
import type Peer from 'simple-peer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSignaling, decodeRecord, roomAddress, SafeLauncherStore, type SimplePeerInstance } from '../../src/index.js'
import { startServer, type RunningServer } from '../../src/server/index.js'
import { nextMessage } from '../helpers/peers.js'
import { redirectLauncherTo } from '../helpers/safe-js.js'
import { joinAsSeed, SEED_POLL_INTERVAL_MS, SeedStore, type SeedParticipant } from '../helpers/seed-participant.js'

/** 10 minutes of the seed's polls, one leaked data-id handle each. */
const TEN_MINUTES_OF_POLLS = (10 * 60 * 1000) / SEED_POLL_INTERVAL_MS
/** The handle cap of the server in these tests: far below what a waiting seed initiator leaks. */
const MAX_HANDLES = 8
/** Reads of the room, at most, before its busy marker must be there. */
const MAX_MARKER_READS = 100

let server: RunningServer
let restore: () => void
const requests: string[] = []
const stores: SafeLauncherStore[] = []

beforeAll(async () => {
  // The simulated polls come 10 minutes' worth at once: the per-token rate limit is for real clients.
  server = await startServer({ port: 0, maxHandlesPerToken: MAX_HANDLES, rateLimitPerSecond: 0, log: (line) => requests.push(line.split(' ').slice(1, 4).join(' ')) })
  restore = redirectLauncherTo(server.port)
})
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()))
  restore()
  await server.close()
})

function signalbox(room: string) {
  const store = new SafeLauncherStore({ url: server.url })
  stores.push(store)
  return createSignaling({ store, wrtc, pollIntervalMs: 250 }).join(room)
}

/** Resolves once a signalbox participant's offer is in the room. */
function offered(call: ReturnType<typeof signalbox>): Promise<void> {
  return new Promise((resolve, reject) => {
    call.actor.subscribe((snapshot) => snapshot.value === 'pollingAnswer' && resolve())
    call.connected.catch(reject)
  })
}

/** Both ends say something and hear the other. */
async function talk(a: SimplePeerInstance | Peer.Instance, b: SimplePeerInstance | Peer.Instance): Promise<string[]> {
  const toB = nextMessage(b as SimplePeerInstance)
  const toA = nextMessage(a as SimplePeerInstance)
  a.send('from a')
  b.send('from b')
  return [await toB, await toA]
}

describe('seed-era and signalbox participants in one room', () => {
  it('connects a seed initiator (there first) with a signalbox participant', async () => {
    const seed = await joinAsSeed('old-first', { wrtc, pollIntervalMs: 250 })
    expect(seed.initiator).toBe(true)
    expect(await seed.published).toBeUndefined()
    const call = signalbox('old-first')
    const [seedPeer, peer] = await Promise.all([seed.connected, call.connected])
    expect(call.actor.getSnapshot().context.role).toBe('recipient')
    expect(await talk(seedPeer, peer)).toEqual(['from a', 'from b'])
    await call.hangup()
    seed.leave()
  })

  it('connects a signalbox initiator (there first) with a seed participant', async () => {
    const call = signalbox('new-first')
    await offered(call)
    const seed = await joinAsSeed('new-first', { wrtc })
    expect(seed.initiator).toBe(false)
    expect(seed.thrown).toBeUndefined()
    const [peer, seedPeer] = await Promise.all([call.connected, seed.connected])
    expect(call.actor.getSnapshot().context.role).toBe('initiator')
    expect(await seed.published).toBeUndefined()
    expect(await talk(peer, seedPeer)).toEqual(['from a', 'from b'])
    await call.hangup()
    seed.leave()
  })

  it('connects two seed participants', async () => {
    const first = await joinAsSeed('old-and-old', { wrtc, pollIntervalMs: 250 })
    expect(await first.published).toBeUndefined()
    const second = await joinAsSeed('old-and-old', { wrtc })
    expect([first.initiator, second.initiator]).toEqual([true, false])
    const [a, b] = await Promise.all([first.connected, second.connected])
    expect(await talk(a, b)).toEqual(['from a', 'from b'])
    first.leave()
    second.leave()
  })

  it('lets a seed initiator that leaked a handle on each of 10 minutes of polls read its answer', async () => {
    const initiator = new SeedStore()
    await initiator.authorise()
    const myNewId = `waiting-room-${Math.random()}`
    await initiator.publishData('waiting-room', { payload: { type: 'offer', sdp: 'v=0' }, targetId: myNewId })
    let failed = 0
    for (let poll = 0; poll < TEN_MINUTES_OF_POLLS; poll++) await initiator.readData(myNewId).catch(() => failed++)
    expect(failed).toBe(TEN_MINUTES_OF_POLLS)
    const recipient = new SeedStore()
    await recipient.authorise()
    await recipient.publishData(myNewId, { payload: { type: 'answer', sdp: 'v=0 answer' }, targetId: 'waiting-room-2' })
    expect(await initiator.readData(myNewId)).toEqual({ payload: { type: 'answer', sdp: 'v=0 answer' }, targetId: 'waiting-room-2' })
    const health = (await (await fetch(server.url.replace('/0.5/', '/health'))).json()) as { tokens: number; handles: number }
    expect(health.handles).toBeLessThanOrEqual(health.tokens * MAX_HANDLES)
  })

  it('refuses a seed participant in a busy room as in 2017: its answer gets DataExists, nothing throws, the call goes on', async () => {
    const [alice, bob] = [signalbox('busy-room'), signalbox('busy-room')]
    const [alicePeer, bobPeer] = await Promise.all([alice.connected, bob.connected])
    const reader = new SafeLauncherStore({ url: server.url, watch: false })
    stores.push(reader)
    // The initiator turns its offer into the busy marker as the call connects: wait for it (bounded).
    let marker = decodeRecord((await reader.read(roomAddress('busy-room')))!)
    for (let attempt = 0; attempt < MAX_MARKER_READS && marker.busy !== true; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      marker = decodeRecord((await reader.read(roomAddress('busy-room')))!)
    }
    expect(marker.busy).toBe(true)

    const from = requests.length
    const late: SeedParticipant = await joinAsSeed('busy-room', { wrtc })
    expect(late.thrown).toBeUndefined()
    expect(late.initiator).toBe(false)
    expect(await late.published).toBeInstanceOf(Error)
    expect(requests.slice(from).filter((line) => line.startsWith('PUT'))).toEqual([expect.stringMatching(/^PUT \/0\.5\/structured-data\/\d+ 400$/)])
    expect(await talk(alicePeer, bobPeer)).toEqual(['from a', 'from b'])
    late.leave()
    await Promise.all([alice.hangup(), bob.hangup()])
  })
})
