/**
 * Every I/O actor stops its work when its actor stops: store calls in flight
 * see their signal abort, retries and polls stop, the busy marker is no longer
 * renewed, the peer is destroyed, and the release still removes what landed.
 */
import { createActor, fromCallback, fromObservable, fromPromise, SimulatedClock, type EventObject } from 'xstate'
import { EMPTY } from 'rxjs'
import { describe, expect, it } from 'vitest'
import {
  BUSY_REFRESH_MS,
  createSignaling,
  MemoryTable,
  MemoryStore,
  provideSignaling,
  roomAddress,
  SignalingError,
  signalingMachine,
  type HoldRoomInput,
  type PeerActorInput,
  type PeerCommand,
  type PollAnswerInput,
  type PublishAnswerInput,
  type PublishOfferInput,
  type PublishOutput,
  type ReadRoomInput,
  type RoomOffer,
  type SessionSignal,
  type SignalingInput,
} from '../src/index.js'
import { advanceClock, FakePeerNetwork, flushPromises, type FakePeer } from '../src/testing/index.js'
import { SignalCheckingStore } from './helpers/signal-store.js'
import { createParticipant } from '../src/actors/participant.js'
import { publishAnswerActor } from '../src/actors/publish-answer.js'

function createWorld() {
  const clock = new SimulatedClock()
  clock.set(1_700_000_000_000)
  const table = new MemoryTable(clock)
  const network = new FakePeerNetwork()
  function join(input: SignalingInput = {}, options: { watch?: boolean; deaf?: boolean } = {}) {
    const store = new SignalCheckingStore(new MemoryStore({ table }), options)
    const peers: FakePeer[] = []
    const provided = provideSignaling({ store, createPeer: (peerOptions) => peers[peers.push(network.createPeer(peerOptions)) - 1]!, clock })
    const actor = createActor(provided.machine, { clock, input }).start()
    return { store, peers, provided, actor, state: () => actor.getSnapshot().value }
  }
  return { clock, table, join, advance: (ms: number, stepMs?: number) => advanceClock(clock, ms, stepMs) }
}

describe('every I/O actor stops its work when its actor stops', () => {
  it('readRoom: HANGUP aborts the read in flight', async () => {
    const world = createWorld()
    const alice = world.join()
    alice.store.hold('read')
    alice.actor.send({ type: 'JOIN', room: 'demo' })
    await flushPromises()
    expect(alice.state()).toBe('joining')
    const [read] = alice.store.callsOf('read')
    expect(read?.signal?.aborted).toBe(false)
    alice.actor.send({ type: 'HANGUP' })
    expect(read?.signal?.aborted).toBe(true)
    await alice.provided.released()
    expect(alice.peers.every((peer) => peer.destroyed)).toBe(true)
  })

  it('readRoom: retries stop when aborted', async () => {
    const world = createWorld()
    const alice = world.join()
    alice.store.hold('read')
    alice.actor.send({ type: 'JOIN', room: 'demo' })
    await flushPromises()
    alice.actor.send({ type: 'HANGUP' })
    alice.store.release('read')
    await world.advance(10_000)
    expect(alice.store.callsOf('read')).toHaveLength(1)
  })

  it('publishOffer: HANGUP aborts the create; the release removes the record the aborted create still landed', async () => {
    const world = createWorld()
    const alice = world.join()
    alice.store.hold('create', { landAfterAbort: true })
    alice.actor.send({ type: 'JOIN', room: 'demo' })
    await flushPromises()
    expect(alice.state()).toBe('publishing')
    const [create] = alice.store.callsOf('create')
    alice.actor.send({ type: 'HANGUP' })
    expect(create?.signal?.aborted).toBe(true)
    await alice.provided.released()
    expect(alice.store.callsOf('remove').map((call) => call.address)).toEqual([roomAddress('demo')])
    expect(world.table.size).toBe(0)
    expect(alice.store.callsOf('create')).toHaveLength(1)
  })

  it('publishAnswer: HANGUP aborts the create; the release removes the answer it still landed', async () => {
    const world = createWorld()
    const alice = world.join({ room: 'demo' })
    await flushPromises()
    expect(alice.state()).toBe('pollingAnswer')
    const bob = world.join()
    bob.store.hold('create', { landAfterAbort: true })
    bob.actor.send({ type: 'JOIN', room: 'demo' })
    await flushPromises()
    expect(bob.state()).toBe('publishingAnswer')
    const [create] = bob.store.callsOf('create')
    bob.actor.send({ type: 'HANGUP' })
    expect(create?.signal?.aborted).toBe(true)
    await bob.provided.released()
    expect(bob.store.callsOf('remove').map((call) => call.address)).toEqual([create?.address])
    expect(await bob.store.inner.read(create!.address)).toBeNull()
  })

  it('pollAnswer: HANGUP aborts the read in flight and no read follows', async () => {
    const world = createWorld()
    const alice = world.join({ room: 'demo' }, { watch: false })
    await flushPromises()
    expect(alice.state()).toBe('pollingAnswer')
    alice.store.hold('read')
    await world.advance(2_000)
    const reads = alice.store.callsOf('read')
    const inFlight = reads.at(-1)
    expect(inFlight?.signal?.aborted).toBe(false)
    alice.actor.send({ type: 'HANGUP' })
    expect(inFlight?.signal?.aborted).toBe(true)
    await world.advance(20_000, 1_000)
    expect(alice.store.callsOf('read')).toHaveLength(reads.length)
    await alice.provided.released()
    expect(world.table.size).toBe(0)
  })

  it('pollAnswer: a poll stopped during its read does not publish the offer again, even when the store ignores the signal', async () => {
    const world = createWorld()
    const alice = world.join({ room: 'demo' }, { watch: false, deaf: true })
    await flushPromises()
    await alice.store.inner.remove(roomAddress('demo')) // the store lost our offer: the next poll would publish it again
    alice.store.hold('read')
    await world.advance(2_000)
    alice.actor.send({ type: 'HANGUP' })
    alice.store.release('read')
    await world.advance(4_000)
    await alice.provided.released()
    expect(alice.store.callsOf('create')).toHaveLength(1)
    expect(world.table.size).toBe(0)
  })

  it('holdRoom: leaving connected aborts the renewal in flight and stops renewing', async () => {
    const world = createWorld()
    const alice = world.join({ room: 'demo' })
    await flushPromises()
    const bob = world.join({ room: 'demo' })
    await flushPromises()
    expect([alice.state(), bob.state()]).toEqual(['connected', 'connected'])
    const renewals = alice.store.callsOf('update').length
    expect(renewals).toBe(1)
    alice.store.hold('update')
    await world.advance(BUSY_REFRESH_MS, 10_000)
    const inFlight = alice.store.callsOf('update').at(-1)
    expect(alice.store.callsOf('update')).toHaveLength(2)
    alice.actor.send({ type: 'HANGUP' })
    expect(inFlight?.signal?.aborted).toBe(true)
    await world.advance(BUSY_REFRESH_MS * 3, 10_000)
    expect(alice.store.callsOf('update')).toHaveLength(2)
    await alice.provided.released()
    expect(await alice.store.inner.read(roomAddress('demo'))).toBeNull()
  })

  it('peer and holdRoom: stopping the whole actor destroys the peer and stops renewing', async () => {
    const world = createWorld()
    const alice = world.join({ room: 'demo' })
    await flushPromises()
    world.join({ room: 'demo' })
    await flushPromises()
    expect(alice.state()).toBe('connected')
    alice.actor.stop()
    expect(alice.peers.map((peer) => peer.destroyed)).toEqual([true])
    const renewals = alice.store.callsOf('update').length
    await world.advance(BUSY_REFRESH_MS * 3, 10_000)
    expect(alice.store.callsOf('update')).toHaveLength(renewals)
  })

  it('hangup() resolves once the records an aborted create still landed are removed', async () => {
    const clock = new SimulatedClock()
    const memory = new MemoryStore({ clock })
    const store = new SignalCheckingStore(memory)
    store.hold('create', { landAfterAbort: true })
    const signaling = createSignaling({ store, createPeer: new FakePeerNetwork().createPeer, clock })
    const call = signaling.join('demo')
    await flushPromises()
    expect(call.actor.getSnapshot().value).toBe('publishing')
    await call.hangup()
    expect(store.callsOf('create')[0]?.signal?.aborted).toBe(true)
    expect(memory.size).toBe(0)
  })
})

describe('releaseRecords', () => {
  it('fails with ERR_NOT_PROVIDED when not provided, like the actors', () => {
    const machine = signalingMachine.provide({
      actors: {
        readRoom: fromPromise<RoomOffer | null, ReadRoomInput>(async () => null),
        publishOffer: fromPromise<PublishOutput, PublishOfferInput>(async () => ({ selfId: 'demo-1' })),
        publishAnswer: fromPromise<PublishOutput, PublishAnswerInput>(async () => ({ selfId: 'demo-2' })),
        pollAnswer: fromObservable<SessionSignal, PollAnswerInput>(() => EMPTY),
        peer: fromCallback<PeerCommand, PeerActorInput>(() => undefined),
        holdRoom: fromCallback<EventObject, HoldRoomInput>(() => undefined),
      },
    })
    const actor = createActor(machine, { input: { room: '' } })
    let failure: unknown
    actor.subscribe({ error: (error) => (failure = error) })
    actor.start()
    expect(actor.getSnapshot().status).toBe('error')
    expect(failure).toBeInstanceOf(SignalingError)
    expect((failure as SignalingError).code).toBe('ERR_NOT_PROVIDED')
    expect((failure as SignalingError).message).toContain('releaseRecords')
  })
})

describe('publishAnswer: a lost create', () => {
  it('fails with ERR_EXISTS when the store answers the create with the answer that won (createOrRead), and books nothing for release', async () => {
    const table = new MemoryTable(new SimulatedClock())
    const inner = new MemoryStore({ table })
    const answer = (words: string): SessionSignal => ({ type: 'answer', sdp: `v=0 ${words}` })
    const winner = createParticipant({ store: inner })
    const offer = { room: 'busy', appId: 'example.signaling.v1', targetId: 'busy-offer', ttlMs: 30_000 }
    const first = createActor(publishAnswerActor(winner), { input: { ...offer, signal: answer('first') } })
    const answered = new Promise<void>((resolve) => first.subscribe({ complete: resolve }))
    first.start()
    await answered
    // A store that answers a lost create with the record that won, as signalbox serve's create-and-save does.
    const store = new MemoryStore({ table })
    const answering = Object.assign(store, {
      createOrRead: async (address: string, data: string) => {
        try {
          await store.create(address, data)
          return null
        } catch (error) {
          if ((error as { code?: string }).code !== 'ERR_EXISTS') throw error
          return store.read(address)
        }
      },
    })
    const late = createParticipant({ store: answering })
    const actor = createActor(publishAnswerActor(late), { input: { ...offer, signal: answer('second') } })
    const failed = new Promise<unknown>((resolve) => actor.subscribe({ error: resolve }))
    actor.start()
    expect(await failed).toMatchObject({ code: 'ERR_EXISTS' })
    await late.ledger.release()
    expect(table.size).toBe(1)
  })
})
