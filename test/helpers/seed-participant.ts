/**
 * A participant written as the seed app was (2017): its `store.js` calls over
 * safe-js 0.3.3 and its `PeerView.js` signalling with simple-peer
 * (`trickle: false`), an offer at the room's address, the answer at
 * `<room>-<Math.random()>`, and a 2-second `setInterval` poll for it. Reproduced
 * call for call, including what it never did: drop a handle when a read
 * fails, drop the structured-data handle of a publish, or catch a failed poll
 * (a browser logs those; here they are counted).
 */
import type wrtcModule from '@roamhq/wrtc'
import Peer from 'simple-peer'
import { safe } from './safe-js.js'

/** The seed's app id; every address starts with it. */
export const SEED_APP_ID = 'example.signaling.v1'
/** The seed's poll interval, in ms. */
export const SEED_POLL_INTERVAL_MS = 2000

/** A seed record: `{ payload, targetId }` (signalbox's records carry more fields beside them). */
interface SeedRecord {
  payload: Peer.SignalData
  targetId: string
}

/** The seed's store.js: one token, `readData` and `publishData`. */
export class SeedStore {
  private token: string | undefined

  /** `authorise()`: a token for the seed's app with `LOW_LEVEL_API`. */
  async authorise(): Promise<string> {
    if (this.token !== undefined) return this.token
    const auth = await safe.auth.authorise({ name: 'SAFE Signaling Demo', id: SEED_APP_ID, version: '0.7', vendor: 'MaidSafe Ltd.', permissions: ['LOW_LEVEL_API'] })
    this.token = auth.token
    return auth.token
  }

  /** `readData(item)`: data id, handle, drop the data id, read, drop the handle (not awaited), JSON.parse. A failed step leaks what was taken. */
  async readData(item: string): Promise<SeedRecord> {
    const token = this.requireToken()
    const address = btoa(`${SEED_APP_ID}-${item}`)
    const { handleId: dataHandleId } = await safe.dataId.getStructuredDataHandle(token, address, 500)
    const { handleId } = await safe.structuredData.getHandle(token, dataHandleId)
    await safe.dataId.dropHandle(token, dataHandleId)
    const payload = await safe.structuredData.readData(token, handleId)
    // The seed did not wait for this drop (nor catch it; a browser would log a failure).
    void safe.structuredData.dropHandle(token, handleId).catch(() => {})
    return JSON.parse(payload.toString('utf8')) as SeedRecord
  }

  /** `publishData(name, payload)`: create, then put; the handle is never dropped. */
  async publishData(name: string, payload: SeedRecord): Promise<void> {
    const token = this.requireToken()
    const address = btoa(`${SEED_APP_ID}-${name}`)
    const data = Buffer.from(JSON.stringify(payload)).toString('base64')
    const { handleId } = await safe.structuredData.create(token, address, 500, data)
    await safe.structuredData.put(token, handleId)
  }

  private requireToken(): string {
    if (this.token === undefined) throw new Error('Not authorised before!')
    return this.token
  }
}

/** What a seed participant did and does. */
export interface SeedParticipant {
  /** Whether it found an offer in the room (and so answers it). */
  initiator: boolean
  peer: Peer.Instance
  /** Resolves once its data channel is open. */
  connected: Promise<Peer.Instance>
  /** Resolves when its first publish settles: undefined when stored, the error when refused. */
  published: Promise<unknown>
  /** What `peer.signal(...)` with the room's payload threw, as the seed's component would have (it never caught it). */
  thrown: unknown
  /** Polls of the answer that failed (not there yet). */
  readonly failedPolls: number
  /** Stops the poll and the peer. */
  leave(): void
}

/** Joins `room` as the seed app did: read the room; answer the offer there, or offer and poll for the answer. */
export async function joinAsSeed(room: string, options: { wrtc: typeof wrtcModule; pollIntervalMs?: number }): Promise<SeedParticipant> {
  const store = new SeedStore()
  await store.authorise()
  const peerPayload = await store.readData(room).catch(() => false as const)
  const initiator = !peerPayload
  const peer = new Peer({ initiator, trickle: false, wrtc: options.wrtc })
  const targetId = initiator ? room : peerPayload.targetId
  const myNewId = `${room}-${Math.random()}`
  let poller: ReturnType<typeof setInterval> | undefined
  let failedPolls = 0
  let settlePublished!: (outcome: unknown) => void
  const published = new Promise<unknown>((resolve) => (settlePublished = resolve))
  const connected = new Promise<Peer.Instance>((resolve) => peer.once('connect', () => resolve(peer)))
  // A browser logs an error event nobody listens to; Node would crash the test on it.
  peer.on('error', () => {})

  peer.on('signal', (signal: Peer.SignalData) => {
    store.publishData(targetId, { payload: signal, targetId: myNewId }).then(() => settlePublished(undefined), settlePublished)
    if (initiator) {
      poller = setInterval(() => {
        store.readData(myNewId).then(
          (data) => {
            clearInterval(poller)
            peer.signal(data.payload)
          },
          () => failedPolls++,
        )
      }, options.pollIntervalMs ?? SEED_POLL_INTERVAL_MS)
    }
  })

  let thrown: unknown
  if (!initiator) {
    try {
      peer.signal(peerPayload.payload)
    } catch (error) {
      thrown = error
    }
  }
  return {
    initiator,
    peer,
    connected,
    published,
    thrown,
    get failedPolls() {
      return failedPolls
    },
    leave() {
      clearInterval(poller)
      peer.destroy()
    },
  }
}
