/**
 * `signalbox/testing`: what you need to test your own UI around signalbox
 * deterministically: a fake peer and time helpers.
 *
 * @example
 * ```ts
 * import { createActor, SimulatedClock } from 'xstate'
 * import { MemoryStore, provideSignaling } from 'signalbox'
 * import { FakePeerNetwork, advanceClock } from 'signalbox/testing'
 *
 * const clock = new SimulatedClock()
 * const network = new FakePeerNetwork()
 * const { machine } = provideSignaling({ store: new MemoryStore({ clock }), createPeer: network.createPeer, clock })
 * const actor = createActor(machine, { clock, input: { room: 'demo' } }).start()
 * await advanceClock(clock, 2000)
 * ```
 *
 * @module
 */
export { FakePeer, FakePeerNetwork, type FakePeerNetworkOptions } from './fake-peer.js'
export { advanceClock, flushPromises } from './time.js'
