/**
 * simple-peer's peers from `createSimplePeerFactory` on @roamhq/wrtc (real
 * WebRTC over loopback): wrtc serializes a description on the JavaScript
 * thread while its own thread adds candidates to it, which crashes the process
 * now and then, so the factory's connections answer simple-peer's reads of
 * their descriptions from what was set (src/peer/wrtc-guard.ts). A proxy
 * records each read that reaches wrtc, with the gathering state then.
 */
import wrtc from '@roamhq/wrtc'
import { describe, expect, it } from 'vitest'
import { createSimplePeerFactory, type SimplePeerInstance } from '../src/index.js'
import { nextMessage } from './helpers/peers.js'

const DESCRIPTIONS = new Set(['localDescription', 'remoteDescription'])

/** wrtc whose connections record in `reads` each read of a description, as `name@gatheringState`. */
function recordingWrtc(reads: string[]): typeof wrtc {
  const Base = wrtc.RTCPeerConnection as unknown as typeof RTCPeerConnection
  class Recording extends Base {
    constructor(configuration?: RTCConfiguration) {
      super(configuration)
      return new Proxy(this, {
        get: (target, name) => {
          if (typeof name === 'string' && DESCRIPTIONS.has(name)) reads.push(`${name}@${target.iceGatheringState}`)
          const value: unknown = Reflect.get(target, name, target)
          return typeof value === 'function' ? value.bind(target) : value
        },
        set: (target, name, value) => Reflect.set(target, name, value, target),
      })
    }
  }
  return { ...wrtc, RTCPeerConnection: Recording } as unknown as typeof wrtc
}

/** Two peers of `createPeer`, each one's signals handed to the other, and every signal they sent. */
async function connectedPair(trickle: boolean, reads: string[]) {
  const createPeer = createSimplePeerFactory({ wrtc: recordingWrtc(reads), trickle })
  const [a, b] = [createPeer({ initiator: true }), createPeer({ initiator: false })] as [SimplePeerInstance, SimplePeerInstance]
  const signals: Array<{ type?: string; sdp?: string }> = []
  a.on('signal', (data) => (signals.push(data as never), b.signal(data)))
  b.on('signal', (data) => (signals.push(data as never), a.signal(data)))
  await Promise.all([a, b].map((peer) => new Promise<void>((resolve, reject) => (peer.once('connect', () => resolve()), peer.once('error', reject)))))
  return { a, b, signals }
}

describe('simple-peer on wrtc through createSimplePeerFactory', () => {
  it.each([true, false])('never reads a description from wrtc, and connects (trickle %s)', async (trickle) => {
    const reads: string[] = []
    const { a, b, signals } = await connectedPair(trickle, reads)
    const received = nextMessage(b)
    a.send('hello')
    expect(await received).toBe('hello')
    expect(reads).toEqual([])
    // Without trickle, each description still carries its candidates.
    if (!trickle) for (const signal of signals) expect(signal.sdp).toMatch(/a=candidate:/)
    a.destroy()
    b.destroy()
  })
})
