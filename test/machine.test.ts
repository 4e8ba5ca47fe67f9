import { describe, expect, it } from 'vitest'
import {
  BUSY_OFFER_SDP,
  ANSWER_TIMEOUT_MS,
  BUSY_TTL_MS,
  answerAddress,
  CONNECT_TIMEOUT_MS,
  createRecord,
  encodeRecord,
  roomAddress,
  SIGNAL_TIMEOUT_MS,
  SignalingError,
} from '../src/index.js'
import { FakePeerNetwork } from '../src/testing/index.js'
import { createWorld, type Participant, type World } from './helpers/harness.js'

const INITIATOR_PATH = ['idle', 'joining', 'creatingOffer', 'publishing', 'pollingAnswer', 'connecting', 'connected']
const RECIPIENT_PATH = ['idle', 'joining', 'creatingAnswer', 'publishingAnswer', 'connecting', 'connected']

/** Alice alone in the room, waiting for an answer. */
async function aliceWaiting(world: World, watch = true): Promise<Participant> {
  const alice = world.join({}, { watch })
  alice.actor.send({ type: 'JOIN', room: 'demo' })
  await world.settle()
  expect(alice.state).toBe('pollingAnswer')
  return alice
}

describe('the signaling machine', () => {
  describe('happy paths', () => {
    it('takes the initiator and the recipient along their paths to connected', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      const bob = world.join()
      bob.actor.send({ type: 'JOIN', room: 'demo' })
      await world.settle()
      expect(alice.states).toEqual(INITIATOR_PATH)
      expect(bob.states).toEqual(RECIPIENT_PATH)
      expect(alice.context).toMatchObject({ role: 'initiator', room: 'demo', error: null })
      expect(bob.context).toMatchObject({ role: 'recipient', targetId: alice.context.selfId })
    })

    it('starts gathering the offer while it reads the room, and drops that peer when the room has an offer', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      expect(alice.peers).toHaveLength(1)
      const bob = world.join()
      bob.store.hold('read')
      bob.actor.send({ type: 'JOIN', room: 'demo' })
      await world.settle()
      expect(bob.state).toBe('joining')
      expect(bob.peers.map((peer) => peer.initiator)).toEqual([true])
      expect(bob.context.localSignal?.type).toBe('offer')
      bob.store.release('read')
      await world.settle()
      expect(bob.state).toBe('connected')
      expect(bob.peers.map((peer) => [peer.initiator, peer.destroyed])).toEqual([[true, true], [false, false]])
      expect(bob.context.localSignal?.type).toBe('answer')
    })

    it('starts at once when the input names a room', async () => {
      const world = createWorld()
      const alice = world.join({ room: 'demo' })
      await world.settle()
      expect(alice.states).toEqual(['joining', 'creatingOffer', 'publishing', 'pollingAnswer'])
    })

    it('writes seed-compatible records at seed-compatible addresses', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      const offer = await alice.memory.read(roomAddress('demo'))
      expect(roomAddress('demo')).toBe(btoa('example.signaling.v1-demo'))
      const record = JSON.parse(atob(offer!)) as Record<string, unknown>
      expect(record).toMatchObject({ v: 1, payload: { type: 'offer' }, targetId: alice.context.selfId })
      expect(alice.context.selfId).toMatch(/^demo-[0-9a-f]{32}$/)
      expect(record['expiresAt']).toBe(world.clock.now() + ANSWER_TIMEOUT_MS + CONNECT_TIMEOUT_MS)
    })

    it('learns of the answer at once through the store push', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world, true)
      world.join({ room: 'demo' })
      await world.settle()
      expect(alice.state).toBe('connected')
      expect(world.clock.now()).toBe(1_700_000_000_000)
    })

    it('without a push, finds the answer on the next 2-second poll', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world, false)
      await world.advance(500)
      const bob = world.join({ room: 'demo' })
      await world.settle()
      expect(bob.state).toBe('connecting')
      expect(alice.state).toBe('pollingAnswer')
      await world.advance(1_499)
      expect(alice.state).toBe('pollingAnswer')
      await world.advance(1)
      expect(alice.state).toBe('connected')
      expect(bob.state).toBe('connected')
      const reads = alice.store.calls.filter((call) => call.method === 'read' && call.address !== roomAddress('demo'))
      expect(reads).toHaveLength(2)
    })

    it('goes on to connected when the recipient’s peer connects before the store acknowledges its answer', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      const bob = world.join()
      bob.store.holdAnswer('create')
      bob.actor.send({ type: 'JOIN', room: 'demo' })
      await world.settle()
      expect(alice.state).toBe('connected')
      expect(bob.state).toBe('publishingAnswer')
      expect(bob.context.peerConnected).toBe(true)
      bob.store.release('create')
      await world.settle()
      expect(bob.state).toBe('connected')
    })

    it('marks the room busy while the call lasts, and frees it when the call ends', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      const bob = world.join({ room: 'demo' })
      await world.settle()
      expect(bob.state).toBe('connected')
      const marker = JSON.parse(atob((await bob.memory.read(roomAddress('demo')))!)) as Record<string, unknown>
      expect(marker).toMatchObject({ v: 1, busy: true })
      // It keeps the seed's shape for 2017 readers, with a placeholder offer: never the call's own description.
      expect(marker).toMatchObject({ payload: { type: 'offer', sdp: BUSY_OFFER_SDP }, targetId: 'demo' })
      // The answer stays until the call ends: a second answerer finds it taken.
      expect(await bob.memory.read(answerAddress(alice.context.selfId!))).not.toBeNull()

      const carol = world.join({ room: 'demo' })
      await world.settle()
      expect(carol.state).toBe('failed')
      expect(carol.error?.code).toBe('ERR_ROOM_BUSY')
      expect([alice.state, bob.state]).toEqual(['connected', 'connected'])

      // The marker is renewed while the call lasts, past its own lifetime.
      await world.advance(BUSY_TTL_MS * 2, 10_000)
      expect(await bob.memory.read(roomAddress('demo'))).not.toBeNull()

      bob.actor.send({ type: 'HANGUP' })
      await world.settle()
      await alice.provided.released()
      expect(alice.state).toBe('closed')
      expect(world.table.size).toBe(0)
      const dave = world.join({ room: 'demo' })
      await world.settle()
      expect(dave.context.role).toBe('initiator')
    })

    it('frees the room of a crashed call once its busy marker expires', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      world.join({ room: 'demo' })
      await world.settle()
      alice.actor.stop() // crashed while connected: nobody renews the marker
      await world.advance(BUSY_TTL_MS, 10_000)
      const carol = world.join({ room: 'demo' })
      await world.settle()
      expect(carol.context.role).toBe('initiator')
    })
  })

  describe('glare', () => {
    it('lets exactly one of two simultaneous joiners offer; the other answers; both connect', async () => {
      const world = createWorld()
      const alice = world.join({ room: 'demo' })
      const bob = world.join({ room: 'demo' })
      await world.settle()
      expect(alice.state).toBe('connected')
      expect(bob.state).toBe('connected')
      const roles = [alice.context.role, bob.context.role].sort()
      expect(roles).toEqual(['initiator', 'recipient'])
      const loser = alice.context.role === 'recipient' ? alice : bob
      expect(loser.states).toEqual([
        'joining',
        'creatingOffer',
        'publishing',
        'joining',
        'creatingAnswer',
        'publishingAnswer',
        'connecting',
        'connected',
      ])
      expect(loser.context.attempt).toBe(2)
      const winner = loser === alice ? bob : alice
      // The loser's offer peer gives way to its answering peer; knowing the room has an offer, it gathers no second one.
      expect(loser.peers.map((peer) => [peer.initiator, peer.destroyed])).toEqual([[true, true], [false, false]])
      expect(winner.peers.map((peer) => [peer.initiator, peer.destroyed])).toEqual([[true, false]])
    })

    it('gives up with ERR_ROOM_BUSY when the room cannot be won after the allowed attempts', async () => {
      const world = createWorld()
      const squatter = world.join().memory
      // An offer that says it expired, in a store that has not removed it yet.
      const stale = createRecord({ type: 'offer', sdp: 'v=0' }, { targetId: 'demo-old', now: world.clock.now() - 60_000, ttlMs: 1_000 })
      await squatter.create(roomAddress('demo'), encodeRecord(stale), { ttlMs: 600_000 })
      const bob = world.join({ room: 'demo', maxJoinAttempts: 2 })
      await world.settle()
      expect(bob.state).toBe('failed')
      expect(bob.error?.code).toBe('ERR_ROOM_BUSY')
      expect(bob.states.filter((state) => state === 'joining')).toHaveLength(2)
      expect(world.network.peers.every((peer) => peer.destroyed)).toBe(true)
    })
  })

  describe('stale offers', () => {
    it('never answers an expired offer', async () => {
      const world = createWorld()
      const squatter = world.join().memory
      const stale = createRecord({ type: 'offer', sdp: 'v=0' }, { targetId: 'demo-old', now: world.clock.now() - 60_000, ttlMs: 1_000 })
      await squatter.create(roomAddress('demo'), encodeRecord(stale), { ttlMs: 600_000 })
      const bob = world.join({ room: 'demo' })
      await world.settle()
      expect(bob.states).not.toContain('creatingAnswer')
      expect(await bob.memory.read(answerAddress('demo-old'))).toBeNull()
    })

    it('lets a newcomer be the initiator once a crashed initiator’s offer expires', async () => {
      const world = createWorld()
      const crashed = await aliceWaiting(world)
      crashed.actor.stop() // gone without hanging up: its offer stays behind
      await world.advance(ANSWER_TIMEOUT_MS + CONNECT_TIMEOUT_MS, 10_000)
      const bob = world.join({ room: 'demo' })
      await world.settle()
      expect(bob.context.role).toBe('initiator')
      expect(bob.state).toBe('pollingAnswer')
    })

    it('answers an offer the seed app wrote: bare { payload, targetId }, no expiry', async () => {
      const world = createWorld()
      const seed = world.join().memory
      const bare = btoa(JSON.stringify({ payload: { type: 'offer', sdp: 'fake-offer:99' }, targetId: 'demo-0.123' }))
      await seed.create(roomAddress('demo'), bare)
      const bob = world.join({ room: 'demo' })
      await world.settle()
      expect(bob.state).toBe('connecting')
      const answer = JSON.parse(atob((await seed.read(answerAddress('demo-0.123')))!)) as { payload: { type: string } }
      expect(answer.payload.type).toBe('answer')
    })
  })

  describe('failures', () => {
    it('fails with ERR_STORE_UNAVAILABLE when reading the room keeps failing, after retries', async () => {
      const world = createWorld()
      const alice = world.join()
      alice.store.fail('read')
      alice.actor.send({ type: 'JOIN', room: 'demo' })
      await world.advance(1_749, 1)
      expect(alice.state).toBe('joining')
      await world.advance(1, 1)
      expect(alice.state).toBe('failed')
      expect(alice.error?.code).toBe('ERR_STORE_UNAVAILABLE')
      expect(alice.store.calls.filter((call) => call.method === 'read')).toHaveLength(4)
    })

    it('fails with ERR_STORE_UNAVAILABLE when publishing the offer keeps failing', async () => {
      const world = createWorld()
      const alice = world.join()
      alice.store.fail('create')
      alice.actor.send({ type: 'JOIN', room: 'demo' })
      await world.advance(2_000)
      expect(alice.states).toEqual(['idle', 'joining', 'creatingOffer', 'publishing', 'failed'])
      expect(alice.error?.code).toBe('ERR_STORE_UNAVAILABLE')
      expect(world.network.peers[0]?.destroyed).toBe(true)
    })

    it('fails with ERR_STORE_UNAVAILABLE when polling for the answer keeps failing, and removes its offer', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world, false)
      alice.store.fail('read')
      await world.advance(4_000)
      expect(alice.state).toBe('failed')
      expect(alice.error?.code).toBe('ERR_STORE_UNAVAILABLE')
      await alice.provided.released()
      expect(world.table.size).toBe(0)
    })

    it('fails with ERR_STORE_UNAVAILABLE when publishing the answer keeps failing', async () => {
      const world = createWorld()
      await aliceWaiting(world)
      const bob = world.join()
      bob.store.fail('create')
      bob.actor.send({ type: 'JOIN', room: 'demo' })
      await world.advance(2_000)
      expect(bob.states).toEqual(['idle', 'joining', 'creatingAnswer', 'publishingAnswer', 'failed'])
      expect(bob.error?.code).toBe('ERR_STORE_UNAVAILABLE')
    })

    it('rides out a store that fails once, without the user noticing', async () => {
      const world = createWorld()
      const alice = world.join()
      alice.store.fail('create')
      alice.actor.send({ type: 'JOIN', room: 'demo' })
      await world.settle()
      alice.store.heal()
      await world.advance(250)
      expect(alice.state).toBe('pollingAnswer')
    })

    it('fails with ERR_BAD_RECORD when the room holds something that is not a record', async () => {
      const world = createWorld()
      await world.join().memory.create(roomAddress('demo'), btoa('{"hello":"world"}'))
      const bob = world.join({ room: 'demo' })
      await world.settle()
      expect(bob.state).toBe('failed')
      expect(bob.error?.code).toBe('ERR_BAD_RECORD')
      expect(bob.store.calls.filter((call) => call.method === 'read')).toHaveLength(1)
    })

    it('fails with ERR_ANSWER_TIMEOUT when nobody answers, destroys the peer and removes the offer', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      await world.advance(ANSWER_TIMEOUT_MS - 100, 1_000)
      expect(alice.state).toBe('pollingAnswer')
      await world.advance(100)
      expect(alice.state).toBe('failed')
      expect(alice.error?.code).toBe('ERR_ANSWER_TIMEOUT')
      expect(world.network.peers[0]?.destroyed).toBe(true)
      await alice.provided.released()
      expect(world.table.size).toBe(0)
    })

    it('fails both sides with ERR_CONNECT_TIMEOUT when the peers never connect', async () => {
      const world = createWorld({ connect: false })
      const alice = await aliceWaiting(world)
      const bob = world.join({ room: 'demo' })
      await world.settle()
      expect([alice.state, bob.state]).toEqual(['connecting', 'connecting'])
      await world.advance(CONNECT_TIMEOUT_MS, 1_000)
      expect(alice.error?.code).toBe('ERR_CONNECT_TIMEOUT')
      expect(bob.error?.code).toBe('ERR_CONNECT_TIMEOUT')
      await Promise.all([alice.provided.released(), bob.provided.released()])
      expect(world.table.size).toBe(0)
    })

    it('fails with ERR_SIGNAL_TIMEOUT when the peer never produces its offer', async () => {
      const world = createWorld({ signal: false })
      const alice = world.join({ room: 'demo' })
      await world.advance(SIGNAL_TIMEOUT_MS, 1_000)
      expect(alice.state).toBe('failed')
      expect(alice.error?.code).toBe('ERR_SIGNAL_TIMEOUT')
    })

    it('fails with ERR_ICE_FAILURE when the peer reports an ICE failure', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      world.network.peers[0]!.fail('ERR_ICE_CONNECTION_FAILURE')
      await world.settle()
      expect(alice.state).toBe('failed')
      expect(alice.error?.code).toBe('ERR_ICE_FAILURE')
      expect(world.network.peers[0]?.destroyed).toBe(true)
    })

    it('fails with ERR_PEER, naming simple-peer’s code, on any other peer error', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      world.network.peers[0]!.fail('ERR_SET_REMOTE_DESCRIPTION', 'bad sdp')
      await world.settle()
      expect(alice.error?.code).toBe('ERR_PEER')
      expect(alice.error?.message).toContain('ERR_SET_REMOTE_DESCRIPTION')
    })

    it('fails with ERR_PEER_CLOSED when the peer closes before connecting', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      world.network.peers[0]!.destroy()
      await world.settle()
      expect(alice.error?.code).toBe('ERR_PEER_CLOSED')
    })

    it('fails with ERR_WEBRTC_UNSUPPORTED when no peer can be made', async () => {
      const world = createWorld()
      const network = new FakePeerNetwork()
      const unsupported = Object.assign(network, {
        createPeer: () => {
          throw Object.assign(new Error('No WebRTC support: Specify `opts.wrtc` option in this environment'), { code: 'ERR_WEBRTC_SUPPORT' })
        },
      })
      const alice = world.join({ room: 'demo' }, { network: unsupported })
      await world.settle()
      expect(alice.state).toBe('failed')
      expect(alice.error?.code).toBe('ERR_WEBRTC_UNSUPPORTED')
    })

    it('fails a second answerer with ERR_ROOM_BUSY and leaves the call being set up alone', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world, false)
      const bob = world.join({ room: 'demo' })
      const carol = world.join({ room: 'demo' })
      await world.settle()
      expect(carol.state).toBe('failed')
      expect(carol.error?.code).toBe('ERR_ROOM_BUSY')
      await world.advance(2_000)
      expect([alice.state, bob.state]).toEqual(['connected', 'connected'])
    })

    it('fails with ERR_INVALID_ROOM on a bad room name, and RETRY cannot proceed from there', async () => {
      const world = createWorld()
      for (const room of ['', 'x'.repeat(257), 'a\u0000b', 42 as unknown as string]) {
        const alice = world.join()
        alice.actor.send({ type: 'JOIN', room })
        expect(alice.state).toBe('failed')
        expect(alice.error).toBeInstanceOf(SignalingError)
        expect(alice.error?.code).toBe('ERR_INVALID_ROOM')
        alice.actor.send({ type: 'RETRY' })
        expect(alice.state).toBe('failed')
      }
      expect(world.join({ room: '' }).state).toBe('failed')
    })
  })

  describe('RETRY', () => {
    it('joins again from failed and connects', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      await world.advance(ANSWER_TIMEOUT_MS, 10_000)
      expect(alice.state).toBe('failed')
      await alice.provided.released()
      const bob = world.join({ room: 'demo' })
      await world.settle()
      expect(bob.state).toBe('pollingAnswer')
      alice.actor.send({ type: 'RETRY' })
      await world.settle()
      expect(alice.states.slice(-6)).toEqual(['failed', 'joining', 'creatingAnswer', 'publishingAnswer', 'connecting', 'connected'])
      expect(bob.state).toBe('connected')
      expect(alice.error).toBeNull()
    })

    it('never lets a newcomer answer the offer of an initiator that gave up, even while its release is slow (issue 15, item 10)', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      const oldSelfId = alice.context.selfId
      // Alice gives up while Bob reads her offer: Bob's read is answered before her withdrawal lands.
      alice.store.hold('remove')
      const bob = world.join()
      bob.store.holdAnswer('read')
      bob.actor.send({ type: 'JOIN', room: 'demo' })
      await world.settle()
      await world.advance(ANSWER_TIMEOUT_MS, 10_000)
      expect(alice.state).toBe('withdrawingOffer')
      alice.store.release('remove')
      await world.settle()
      expect(alice.state).toBe('failed')
      expect(alice.error?.code).toBe('ERR_ANSWER_TIMEOUT')
      // Bob now answers the offer he read: refused, he reads the room again instead of waiting on a dead offer.
      bob.store.release('read')
      // Alice retries at once, her last release held: it must finish before her new round reads the room.
      alice.store.hold('remove')
      alice.actor.send({ type: 'RETRY' })
      await world.settle()
      alice.store.release('remove')
      await world.advance(4_000)
      expect([alice.state, bob.state]).toEqual(['connected', 'connected'])
      // His answer got past her released claim; the check that her offer stands, made while connecting, finds it gone.
      expect(bob.states.join()).toContain('publishingAnswer,connecting,joining')
      expect(alice.context.selfId).not.toBe(oldSelfId)
    })

    it('takes an answer that landed just before the offer was withdrawn', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world, false)
      const bob = world.join({}, { watch: false })
      bob.actor.send({ type: 'JOIN', room: 'demo' })
      // Bob's answer lands, but Alice's next poll comes after her answer timeout.
      await world.advance(ANSWER_TIMEOUT_MS, 10_000)
      await world.advance(2_000)
      expect([alice.state, bob.state]).toEqual(['connected', 'connected'])
    })

    it('connects after the store comes back', async () => {
      const world = createWorld()
      const alice = world.join()
      alice.store.fail('read')
      alice.actor.send({ type: 'JOIN', room: 'demo' })
      await world.advance(2_000)
      expect(alice.error?.code).toBe('ERR_STORE_UNAVAILABLE')
      alice.store.heal()
      alice.actor.send({ type: 'RETRY' })
      await world.settle()
      expect(alice.state).toBe('pollingAnswer')
    })
  })

  describe('HANGUP', () => {
    /** Ways to bring a participant to each state and keep it there. */
    const reach: Record<string, (world: World) => Promise<Participant>> = {
      idle: async (world) => world.join(),
      joining: async (world) => {
        const alice = world.join()
        alice.store.hold('read')
        alice.actor.send({ type: 'JOIN', room: 'demo' })
        return alice
      },
      creatingOffer: async (world) => world.join({ room: 'demo' }, { network: new FakePeerNetwork({ signal: false }) }),
      publishing: async (world) => {
        const alice = world.join()
        alice.store.hold('create')
        alice.actor.send({ type: 'JOIN', room: 'demo' })
        return alice
      },
      pollingAnswer: async (world) => aliceWaiting(world),
      creatingAnswer: async (world) => {
        await aliceWaiting(world)
        return world.join({ room: 'demo' }, { network: new FakePeerNetwork({ signal: false }) })
      },
      publishingAnswer: async (world) => {
        await aliceWaiting(world)
        const bob = world.join()
        bob.store.hold('create')
        bob.actor.send({ type: 'JOIN', room: 'demo' })
        return bob
      },
      connecting: async (world) => {
        const network = new FakePeerNetwork({ connect: false })
        await world.join({ room: 'demo' }, { network })
        await world.settle()
        return world.join({ room: 'demo' }, { network })
      },
      connected: async (world) => {
        await aliceWaiting(world)
        return world.join({ room: 'demo' })
      },
      failed: async (world) => {
        const alice = await aliceWaiting(world)
        await world.advance(ANSWER_TIMEOUT_MS, 10_000)
        await alice.provided.released()
        return alice
      },
    }

    for (const [state, bring] of Object.entries(reach)) {
      it(`from ${state}: closes, destroys the peer and leaves nothing of its own in the store`, async () => {
        const world = createWorld()
        const participant = await bring(world)
        await world.settle()
        expect(participant.state).toBe(state)
        participant.actor.send({ type: 'HANGUP' })
        expect(participant.state).toBe('closed')
        expect(participant.actor.getSnapshot().status).toBe('done')
        participant.store.release('read')
        participant.store.release('create')
        await world.settle()
        await participant.provided.released()
        expect(participant.actor.getSnapshot().children.peer).toBeUndefined()
        const hadPeer = state !== 'idle'
        expect(participant.peers.length > 0).toBe(hadPeer)
        expect(participant.peers.every((peer) => peer.destroyed)).toBe(true)
        const left = [...world.table.entries.entries()].filter(([, entry]) => entry.owner === participantOwner(participant))
        expect(left).toEqual([])
      })
    }

    it('treats the data channel closing while connected as the other side hanging up (as browsers report it)', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      const bob = world.join({ room: 'demo' })
      await world.settle()
      bob.peers.at(-1)!.fail('ERR_DATA_CHANNEL', 'User-Initiated Abort, reason=Close called')
      await world.settle()
      expect(bob.state).toBe('closed')
      expect(bob.error).toBeNull()
      expect(alice.state).toBe('closed')
    })

    it('fails a connected call with ERR_ICE_FAILURE when the connection itself fails', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      world.join({ room: 'demo' })
      await world.settle()
      alice.peers[0]!.fail('ERR_ICE_CONNECTION_FAILURE')
      await world.settle()
      expect(alice.state).toBe('failed')
      expect(alice.error?.code).toBe('ERR_ICE_FAILURE')
    })

    it('closes the other side when a connected participant hangs up', async () => {
      const world = createWorld()
      const alice = await aliceWaiting(world)
      const bob = world.join({ room: 'demo' })
      await world.settle()
      alice.actor.send({ type: 'HANGUP' })
      await world.settle()
      expect(bob.state).toBe('closed')
      expect(bob.states.at(-2)).toBe('connected')
    })
  })
})

/** The owner identity of `participant`'s store: records it created carry it. */
function participantOwner(participant: Participant): string {
  return participant.memory.ownerId
}
