import wrtc from '@roamhq/wrtc'
import { createSignaling, SafeLauncherStore, type SafeLauncherStoreOptions, type SimplePeerInstance } from '../../src/index.js'

/** The next message `peer` receives on its data channel, as text. */
export function nextMessage(peer: SimplePeerInstance): Promise<string> {
  return new Promise((resolve) => peer.once('data', (data: Uint8Array) => resolve(new TextDecoder().decode(data))))
}

/**
 * A real WebRTC call through the Launcher API at `url`: Alice joins `room`,
 * Bob once her offer is stored (so the roles are fixed), each with its own
 * SafeLauncherStore (own token); each sends the other `words` and a greeting;
 * Alice hangs up, Bob hears it. Returns what each heard (Bob's first), their
 * roles, and what is left at the room's address afterwards. `store` adds
 * options to both stores (such as a `webSocket`).
 */
export async function callThrough(url: string, options: { watch: boolean; room: string; words: string; store?: SafeLauncherStoreOptions }) {
  const { watch, room, words } = options
  const stores = [new SafeLauncherStore({ ...options.store, url, watch }), new SafeLauncherStore({ ...options.store, url, watch })]
  const join = (store: SafeLauncherStore) => createSignaling({ store, wrtc, pollIntervalMs: 250 }).join(room)
  const alice = join(stores[0]!)
  await new Promise<void>((resolve, reject) => {
    alice.actor.subscribe((snapshot) => snapshot.value === 'pollingAnswer' && resolve())
    alice.connected.catch(reject)
  })
  const bob = join(stores[1]!)
  const [a, b] = await Promise.all([alice.connected, bob.connected])
  const toBob = nextMessage(b)
  const toAlice = nextMessage(a)
  a.send(`${words}: hi bob`)
  b.send(`${words}: hi alice`)
  const messages = [await toBob, await toAlice]
  const bobClosed = new Promise<void>((resolve) => bob.actor.subscribe((snapshot) => snapshot.value === 'closed' && resolve()))
  await alice.hangup()
  await bobClosed
  await bob.hangup()
  const leftover = await stores[0]!.read(btoa(`example.signaling.v1-${room}`))
  await Promise.all(stores.map((store) => store.close()))
  return { messages, roles: [alice.actor.getSnapshot().context.role, bob.actor.getSnapshot().context.role], leftover }
}
