/**
 * signalbox's own peer (src/peer/native-peer.ts) with real WebRTC
 * (@roamhq/wrtc over loopback): it meets simple-peer, the seed app's peer,
 * either way round, with trickle on and off; it signals as simple-peer does;
 * it keeps messages until someone listens, holds writes until the channel
 * opens, renegotiates media from either side, and fails with clear codes.
 */
import wrtc from '@roamhq/wrtc'
import SimplePeer from 'simple-peer'
import { describe, expect, it } from 'vitest'
import { createPeerFactory } from '../src/peer/factory.js'
import { peerError } from '../src/peer/errors.js'
import { Emitter } from '../src/peer/emitter.js'
import { NativePeer } from '../src/peer/native-peer.js'
import { guardedWrtc } from '../src/peer/wrtc-guard.js'
import type { SessionSignal } from '../src/protocol/records.js'
import { SignalingError } from '../src/errors.js'

const { RTCVideoSource } = (wrtc as unknown as { nonstandard: { RTCVideoSource: new () => { createTrack(): MediaStreamTrack } } }).nonstandard
const { MediaStream: WrtcMediaStream } = wrtc as unknown as { MediaStream: new (tracks: MediaStreamTrack[]) => MediaStream }

/** The part of either peer these tests use. */
interface AnyPeer {
  signal(data: unknown): void
  send(data: string): void
  destroy(error?: Error): void
  on(event: string, listener: (...args: never[]) => void): unknown
  once(event: string, listener: (...args: never[]) => void): unknown
}

type Kind = 'native' | 'simple-peer'

function makePeer(kind: Kind, initiator: boolean, trickle: boolean): AnyPeer {
  if (kind === 'native') return new NativePeer({ initiator, trickle, wrtc, config: { iceServers: [] } })
  // wrtc as createSimplePeerFactory gives it to simple-peer (src/peer/wrtc-guard.ts): raw, simple-peer's reads of its descriptions can crash it.
  return new SimplePeer({ initiator, trickle, wrtc: guardedWrtc(wrtc) as unknown as SimplePeer.Options['wrtc'], config: { iceServers: [] } }) as unknown as AnyPeer
}

/** Wires two peers' signals to each other and records what each signaled. */
function wire(a: AnyPeer, b: AnyPeer) {
  const signals: { a: Array<{ type: string }>; b: Array<{ type: string }> } = { a: [], b: [] }
  a.on('signal', (data: never) => {
    signals.a.push(data)
    b.signal(data)
  })
  b.on('signal', (data: never) => {
    signals.b.push(data)
    a.signal(data)
  })
  return signals
}

/** wrtc's connection, with each read of a description recorded in `reads` (its properties cannot be redefined: a proxy counts them). */
function descriptionReadsCounted(reads: string[]): typeof RTCPeerConnection {
  const Base = wrtc.RTCPeerConnection as unknown as typeof RTCPeerConnection
  const descriptions = new Set(['localDescription', 'remoteDescription', 'currentLocalDescription', 'currentRemoteDescription', 'pendingLocalDescription', 'pendingRemoteDescription'])
  return class extends Base {
    constructor(configuration?: RTCConfiguration) {
      super(configuration)
      return new Proxy(this, {
        get: (target, name) => {
          if (typeof name === 'string' && descriptions.has(name)) reads.push(name)
          const value: unknown = Reflect.get(target, name, target)
          return typeof value === 'function' ? value.bind(target) : value
        },
        set: (target, name, value) => Reflect.set(target, name, value, target),
      })
    }
  }
}

const connected = (peer: AnyPeer) => new Promise<void>((resolve, reject) => {
  peer.once('connect', () => resolve())
  peer.once('error', (error: never) => reject(error))
})
const nextText = (peer: AnyPeer) => new Promise<string>((resolve) => peer.once('data', (data: never) => resolve(new TextDecoder().decode(data as Uint8Array))))
const closed = (peer: AnyPeer) => new Promise<void>((resolve) => peer.once('close', () => resolve()))

describe('NativePeer meets simple-peer', () => {
  const cases: Array<[Kind, Kind, boolean]> = [
    ['native', 'simple-peer', true],
    ['native', 'simple-peer', false],
    ['simple-peer', 'native', true],
    ['simple-peer', 'native', false],
    ['native', 'native', true],
    ['native', 'native', false],
  ]
  it.each(cases)('%s offers, %s answers, trickle %s: messages both ways, and closing one closes the other', async (offerer, answerer, trickle) => {
    const a = makePeer(offerer, true, trickle)
    const b = makePeer(answerer, false, trickle)
    const signals = wire(a, b)
    await Promise.all([connected(a), connected(b)])
    const toB = nextText(b)
    const toA = nextText(a)
    a.send('from the offerer')
    b.send('from the answerer')
    expect([await toB, await toA]).toEqual(['from the offerer', 'from the answerer'])
    const types = [...signals.a, ...signals.b].map((signal) => signal.type)
    if (trickle) expect(types).toContain('candidate')
    else expect(types.sort()).toEqual(['answer', 'offer'])
    const bClosed = closed(b)
    a.destroy()
    await Promise.all([closed(a), bClosed])
  })
})

describe('NativePeer signals as the seed expects', () => {
  it('without trickle: one offer once gathering is complete, with every candidate gathered and without the trickle option', async () => {
    const peer = new NativePeer({ initiator: true, trickle: false, wrtc })
    const gathered: string[] = []
    peer._pc!.addEventListener('icecandidate', (event) => event.candidate !== null && event.candidate.candidate !== '' && gathered.push(`a=${event.candidate.candidate}`))
    const signals: Array<{ type: string; sdp?: string }> = []
    peer.on('signal', (data: never) => signals.push(data))
    await new Promise<void>((resolve) => peer.once('_iceComplete', () => resolve()))
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(signals.map((signal) => signal.type)).toEqual(['offer'])
    expect(gathered.length).toBeGreaterThan(0)
    expect(signals[0]!.sdp!.split('\r\n').filter((line) => line.startsWith('a=candidate:')).sort()).toEqual(gathered.sort())
    expect(signals[0]!.sdp).not.toMatch(/a=ice-options:trickle/)
    peer.destroy()
  })

  it('without trickle: the answer carries every candidate its connection gathered too (wrtc announces an end of candidates before them)', async () => {
    const offerer = new NativePeer({ initiator: true, trickle: false, wrtc, config: { iceServers: [] } })
    const answerer = new NativePeer({ trickle: false, wrtc, config: { iceServers: [] } })
    const gathered: string[] = []
    answerer._pc!.addEventListener('icecandidate', (event) => event.candidate !== null && event.candidate.candidate !== '' && gathered.push(`a=${event.candidate.candidate}`))
    const signals = wire(offerer, answerer)
    await Promise.all([connected(offerer), connected(answerer)])
    const answer = signals.b[0] as { type: string; sdp: string }
    expect(answer.type).toBe('answer')
    expect(gathered.length).toBeGreaterThan(0)
    expect(answer.sdp.split('\r\n').filter((line) => line.startsWith('a=candidate:')).sort()).toEqual(gathered.sort())
    offerer.destroy()
    answerer.destroy()
  })

  it('with trickle: the offer first, then each candidate as simple-peer shapes it', async () => {
    const peer = new NativePeer({ initiator: true, trickle: true, wrtc })
    const signals: Array<{ type: string; candidate?: { candidate: string; sdpMLineIndex: number; sdpMid: string } }> = []
    peer.on('signal', (data: never) => signals.push(data))
    await new Promise<void>((resolve) => peer.once('_iceComplete', () => resolve()))
    expect(signals[0]!.type).toBe('offer')
    const candidate = signals.find((signal) => signal.type === 'candidate')!.candidate!
    expect(candidate.candidate).toMatch(/^candidate:/)
    expect(typeof candidate.sdpMLineIndex).toBe('number')
    expect(typeof candidate.sdpMid).toBe('string')
    peer.destroy()
  })

  it.each([true, false])('never reads the connection’s descriptions, which wrtc serializes while its own thread adds candidates to them (trickle %s)', async (trickle) => {
    const reads: string[] = []
    const implementation = { ...wrtc, RTCPeerConnection: descriptionReadsCounted(reads) } as typeof wrtc
    const a = new NativePeer({ initiator: true, trickle, wrtc: implementation, config: { iceServers: [] } })
    const b = new NativePeer({ trickle, wrtc: implementation, config: { iceServers: [] } })
    wire(a, b)
    await Promise.all([connected(a), connected(b)])
    expect(reads).toEqual([])
    a.destroy()
    b.destroy()
  })
})

describe('NativePeer data', () => {
  it('keeps messages that arrive before anyone listens, and hands them on in order', async () => {
    const a = new NativePeer({ initiator: true, wrtc })
    const b = new NativePeer({ wrtc })
    wire(a, b)
    await Promise.all([connected(a), connected(b)])
    for (const word of ['one', 'two', 'three']) a.send(word)
    // Wait until all three have reached b's connection, with nobody listening for them yet.
    const arrivedAtB = async () => {
      for (const report of (await b._pc!.getStats()).values()) if (report.type === 'data-channel') return (report as { messagesReceived?: number }).messagesReceived ?? 0
      return 0
    }
    while ((await arrivedAtB()) < 3) await new Promise((resolve) => setTimeout(resolve, 10))
    await new Promise((resolve) => setTimeout(resolve, 50))
    const heard: string[] = []
    b.on('data', (data: Uint8Array) => heard.push(new TextDecoder().decode(data)))
    // They were held: the next turn hands them on, in order.
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(heard).toEqual(['one', 'two', 'three'])
    a.destroy()
    b.destroy()
  })

  it('holds writes made before the channel opens and sends them in order once it does, calling each back', async () => {
    const a = new NativePeer({ initiator: true, wrtc })
    const b = new NativePeer({ wrtc })
    const written: string[] = []
    expect(a.write('first', () => written.push('first'))).toBe(true)
    expect(a.write(new TextEncoder().encode('second'), () => written.push('second'))).toBe(true)
    const heard: string[] = []
    b.on('data', (data: Uint8Array) => heard.push(new TextDecoder().decode(data)))
    wire(a, b)
    await connected(b)
    while (heard.length < 2) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(heard).toEqual(['first', 'second'])
    expect(written).toEqual(['first', 'second'])
    a.destroy()
    b.destroy()
  })

  it('calls back every write, also those made while the channel held more than it should (then drain)', async () => {
    const WRITES = 64
    const CHUNK_BYTES = 64 * 1024
    const a = new NativePeer({ initiator: true, wrtc })
    const b = new NativePeer({ wrtc })
    wire(a, b)
    await Promise.all([connected(a), connected(b)])
    let received = 0
    const allReceived = new Promise<void>((resolve) => b.on('data', () => ++received === WRITES && resolve()))
    const drained = new Promise<void>((resolve) => a.once('drain', () => resolve()))
    const calledBack: number[] = []
    const accepted: boolean[] = []
    for (let index = 0; index < WRITES; index++) {
      accepted.push(a.write(new Uint8Array(CHUNK_BYTES), () => calledBack.push(index)))
      // A turn now and then, for the connection to report what it holds (wrtc tells it on its own thread).
      if (index % 4 === 3) await new Promise((resolve) => setImmediate(resolve))
    }
    // The channel filled up: some writes asked to wait for drain.
    expect(accepted).toContain(false)
    await Promise.all([allReceived, drained])
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(calledBack.sort((x, y) => x - y)).toEqual(Array.from({ length: WRITES }, (_, index) => index))
    a.destroy()
    b.destroy()
  })

  it('a send before the channel is open throws ERR_DATA_CHANNEL saying to wait for connect', () => {
    const peer = new NativePeer({ initiator: true, wrtc })
    let thrown: (Error & { code?: string }) | undefined
    try {
      peer.send('too early')
    } catch (error) {
      thrown = error as Error & { code?: string }
    }
    expect(thrown?.code).toBe('ERR_DATA_CHANNEL')
    expect(thrown?.message).toContain('connect')
    peer.destroy()
  })

  it('a write on a closed peer is called back with ERR_DATA_CHANNEL and a send throws ERR_DESTROYED', async () => {
    const peer = new NativePeer({ initiator: true, wrtc })
    peer.destroy()
    await closed(peer)
    const error = await new Promise<Error & { code?: string }>((resolve) => peer.write('late', (failure) => resolve(failure!)))
    expect(error.code).toBe('ERR_DATA_CHANNEL')
    expect(() => peer.send('late')).toThrow(expect.objectContaining({ code: 'ERR_DESTROYED' }))
  })
})

describe('NativePeer media', () => {
  it.each([true, false])('a track added after connecting by the %s side reaches the other side', async (byInitiator) => {
    const a = new NativePeer({ initiator: true, wrtc })
    const b = new NativePeer({ wrtc })
    wire(a, b)
    await Promise.all([connected(a), connected(b)])
    const [sender, receiver] = byInitiator ? [a, b] : [b, a]
    const track = new RTCVideoSource().createTrack()
    const arrived = new Promise<MediaStreamTrack>((resolve) => receiver.once('track', (remote: MediaStreamTrack) => resolve(remote)))
    const stream = new WrtcMediaStream([track])
    sender.addTrack(track, stream)
    expect((await arrived).kind).toBe('video')
    expect(() => sender.addTrack(track, stream)).toThrow(expect.objectContaining({ code: 'ERR_SENDER_ALREADY_ADDED' }))
    track.stop()
    a.destroy()
    b.destroy()
  })
})

describe('NativePeer errors', () => {
  it('a signal that is none closes the peer with ERR_SIGNALING, which signalbox reports as ERR_PEER naming it', async () => {
    const peer = new NativePeer({ initiator: true, wrtc })
    const failure = new Promise<Error & { code?: string }>((resolve) => peer.once('error', (error: Error & { code?: string }) => resolve(error)))
    const whenClosed = closed(peer)
    peer.signal({ type: 'nonsense' } as unknown as SessionSignal)
    const error = await failure
    await whenClosed
    expect(error.code).toBe('ERR_SIGNALING')
    const mapped = peerError(error)
    expect(mapped.code).toBe('ERR_PEER')
    expect(mapped.message).toContain('ERR_SIGNALING')
    expect(() => peer.signal({ type: 'offer', sdp: 'v=0' })).toThrow(expect.objectContaining({ code: 'ERR_DESTROYED' }))
  })

  it('a description the connection refuses closes the peer with ERR_SET_REMOTE_DESCRIPTION', async () => {
    const peer = new NativePeer({ wrtc })
    const failure = new Promise<Error & { code?: string }>((resolve) => peer.once('error', (error: Error & { code?: string }) => resolve(error)))
    peer.signal({ type: 'offer', sdp: 'not a session description' })
    expect((await failure).code).toBe('ERR_SET_REMOTE_DESCRIPTION')
  })

  it('without WebRTC (Node, no wrtc) the factory throws ERR_WEBRTC_UNSUPPORTED saying what to install', () => {
    const create = createPeerFactory()
    let thrown: unknown
    try {
      create({ initiator: true })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(SignalingError)
    expect((thrown as SignalingError).code).toBe('ERR_WEBRTC_UNSUPPORTED')
    expect((thrown as SignalingError).message).toContain('@roamhq/wrtc')
  })

  it('destroy(error) emits that error, then close, once', async () => {
    const peer = new NativePeer({ initiator: true, wrtc })
    const events: string[] = []
    peer.on('error', (error: Error) => events.push(`error ${error.message}`))
    peer.on('close', () => events.push('close'))
    peer.destroy(new Error('gone'))
    peer.destroy(new Error('again'))
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(events).toEqual(['error gone', 'close'])
    expect(peer.destroyed).toBe(true)
  })
})

describe('the peer\'s event emitter', () => {
  it('calls listeners in the order added, once-listeners once, and removes a once-listener by the function given to it', () => {
    const emitter = new Emitter()
    const heard: string[] = []
    const first = (word: string) => heard.push(`first ${word}`)
    const once = (word: string) => heard.push(`once ${word}`)
    const removed = (word: string) => heard.push(`removed ${word}`)
    emitter.on('say', first).once('say', once).once('say', removed)
    emitter.off('say', removed)
    expect(emitter.listenerCount('say')).toBe(2)
    expect(emitter.emit('say', 'a')).toBe(true)
    emitter.emit('say', 'b')
    expect(heard).toEqual(['first a', 'once a', 'first b'])
    emitter.removeAllListeners('say')
    expect(emitter.emit('say', 'c')).toBe(false)
  })

  it('drops an error nobody listens for instead of throwing', () => {
    expect(new Emitter().emit('error', new Error('nobody listens'))).toBe(false)
  })
})
