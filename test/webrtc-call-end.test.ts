/**
 * Issue 15, items 11 and 12, with real WebRTC (simple-peer on @roamhq/wrtc
 * over loopback): a hang-up delivers what was already sent and reaches the
 * other side as a hang-up; media added after connecting is renegotiated over
 * the control channel and reaches the other side.
 */
import wrtc from '@roamhq/wrtc'
import { describe, expect, it } from 'vitest'
import { createSignaling, MemoryStore, type SignalingSession, type SignalStore, type SimplePeerInstance } from '../src/index.js'

/** wrtc's non-standard media: a video source whose track we add after connecting. */
const { RTCVideoSource } = (wrtc as unknown as { nonstandard: { RTCVideoSource: new () => { createTrack(): MediaStreamTrack } } }).nonstandard
const { MediaStream: WrtcMediaStream } = wrtc as unknown as { MediaStream: new (tracks: MediaStreamTrack[]) => MediaStream }

/** Messages of a bulk send before hanging up, and the size of each, in bytes: enough to fill the channel's buffer. */
const BULK_MESSAGES = 64
const BULK_MESSAGE_BYTES = 16 * 1024
/** The hang-up's drain deadline in these tests, in ms: far beyond any load (the default, 2 s, bounds a user's wait). */
const TEST_DRAIN_TIMEOUT_MS = 120_000

/** A store whose creates land at once but answer only once `open()` is called: its owner stays in publishingAnswer. */
function slowAcknowledging(inner: SignalStore) {
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  const store: SignalStore = {
    create: async (address, data, options) => {
      await inner.create(address, data, options)
      await gate
    },
    update: (address, data, options) => inner.update(address, data, options),
    read: (address, options) => inner.read(address, options),
    remove: (address, options) => inner.remove(address, options),
    ...(inner.watch === undefined ? {} : { watch: (address: string) => inner.watch!(address) }),
  }
  return { store, open }
}

function ended(session: SignalingSession): Promise<string> {
  return new Promise((resolve) =>
    session.actor.subscribe((snapshot) => (snapshot.value === 'closed' || snapshot.value === 'failed') && resolve(String(snapshot.value))),
  )
}

function callPair(room: string, bobStore?: SignalStore) {
  const store = new MemoryStore()
  const received: string[] = []
  const bobPeers: SimplePeerInstance[] = []
  // What a hang-up delivers must not depend on how fast a loaded machine moves 1 MiB: no drain deadline in reach.
  const alice = createSignaling({ store, wrtc, drainTimeoutMs: TEST_DRAIN_TIMEOUT_MS }).join(room)
  const bob = createSignaling({ store: bobStore ?? store.client(), wrtc }).join(room, {
    onPeer: (peer) => {
      bobPeers.push(peer)
      peer.on('data', (data: Uint8Array) => received.push(new TextDecoder().decode(data)))
    },
  })
  return { store, alice, bob, received, bobPeers }
}

describe('the end of a real call, and media added while connected (issue 15)', () => {
  it('delivers the last message before a hang-up, and the other side closes without an error', async () => {
    const { store, alice, bob, received } = callPair('hangup-room')
    const [alicePeer] = await Promise.all([alice.connected, bob.connected])
    const bobEnded = new Promise<string>((resolve) =>
      bob.actor.subscribe((snapshot) => (snapshot.value === 'closed' || snapshot.value === 'failed') && resolve(String(snapshot.value))),
    )
    alicePeer.send('hi')
    await alice.hangup()
    expect(await bobEnded).toBe('closed')
    expect(bob.actor.getSnapshot().context.error).toBeNull()
    expect(received).toEqual(['hi'])
    expect(alice.actor.getSnapshot().value).toBe('closed')
    await bob.hangup()
    expect(store.size).toBe(0)
  })

  it('sends everything queued before hanging up, however much', async () => {
    const { alice, bob, received } = callPair('bulk-room')
    const [alicePeer] = await Promise.all([alice.connected, bob.connected])
    const bobEnded = ended(bob)
    for (let index = 0; index < BULK_MESSAGES; index++) alicePeer.send(`${index}:`.padEnd(BULK_MESSAGE_BYTES, 'x'))
    await alice.hangup()
    expect(await bobEnded).toBe('closed')
    expect(received.map((message) => message.split(':')[0])).toEqual(Array.from({ length: BULK_MESSAGES }, (_, index) => String(index)))
    await bob.hangup()
  })

  it('reaches a side still waiting for the store as a hang-up, not as a failure', async () => {
    const shared = new MemoryStore()
    const slow = slowAcknowledging(shared.client())
    const received: string[] = []
    const alice = createSignaling({ store: shared, wrtc }).join('early-room')
    const bob = createSignaling({ store: slow.store, wrtc }).join('early-room', {
      onPeer: (peer) => peer.on('data', (data: Uint8Array) => received.push(new TextDecoder().decode(data))),
    })
    const bobEnded = ended(bob)
    const alicePeer = await alice.connected
    alicePeer.send('hi')
    await alice.hangup()
    const end = await bobEnded
    expect([end, bob.actor.getSnapshot().context.error?.message]).toEqual(['closed', undefined])
    expect(received).toEqual(['hi'])
    slow.open()
    await bob.hangup()
  })

  it('renegotiates over the control channel: a track added after connecting reaches the other side', async () => {
    const { alice, bob } = callPair('media-room')
    const [alicePeer, bobPeer] = await Promise.all([alice.connected, bob.connected])
    const track = new RTCVideoSource().createTrack()
    const arrived = new Promise<MediaStreamTrack>((resolve) => bobPeer.on('track', (remote) => resolve(remote)))
    const aliceStates: boolean[] = []
    alice.actor.subscribe((snapshot) => aliceStates.push(snapshot.context.renegotiating))
    alicePeer.addTrack(track, new WrtcMediaStream([track]))
    const remote = await arrived
    expect(remote.kind).toBe('video')
    expect(aliceStates).toContain(true)
    expect(alice.actor.getSnapshot().value).toBe('connected')
    expect(bob.actor.getSnapshot().value).toBe('connected')
    track.stop()
    await Promise.all([alice.hangup(), bob.hangup()])
  })
})
