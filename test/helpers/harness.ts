import { createActor, SimulatedClock } from 'xstate'
import { MemoryStore, MemoryTable, provideSignaling, type SignalingInput, type SignalStore } from '../../src/index.js'
import { advanceClock, FakePeerNetwork, flushPromises, type FakePeer, type FakePeerNetworkOptions } from '../../src/testing/index.js'
import { FaultyStore } from './faulty-store.js'

/** A shared world for machine tests: one simulated clock, one shared table, one fake peer network. */
export function createWorld(networkOptions: FakePeerNetworkOptions = {}) {
  const clock = new SimulatedClock()
  clock.set(1_700_000_000_000)
  const table = new MemoryTable(clock)
  const network = new FakePeerNetwork(networkOptions)

  function join(input: SignalingInput = {}, options: { watch?: boolean; network?: FakePeerNetwork; store?: SignalStore } = {}) {
    const memory = new MemoryStore({ table })
    const store = new FaultyStore(options.store ?? memory, { watch: options.watch ?? true })
    const peers: FakePeer[] = []
    const createPeer = (peerOptions: { initiator: boolean }) => {
      const peer = (options.network ?? network).createPeer(peerOptions)
      peers.push(peer)
      return peer
    }
    const provided = provideSignaling({ store, createPeer, clock })
    const actor = createActor(provided.machine, { clock, input })
    const states: string[] = []
    actor.subscribe((snapshot) => {
      if (states.at(-1) !== snapshot.value) states.push(snapshot.value)
    })
    actor.start()
    return {
      actor,
      store,
      memory,
      provided,
      states,
      /** Every peer made for this participant. */
      peers,
      get state() {
        return actor.getSnapshot().value
      },
      get context() {
        return actor.getSnapshot().context
      },
      get error() {
        return actor.getSnapshot().context.error
      },
    }
  }

  return {
    clock,
    table,
    network,
    join,
    advance: (ms: number, stepMs?: number) => advanceClock(clock, ms, stepMs),
    settle: flushPromises,
  }
}

export type World = ReturnType<typeof createWorld>
export type Participant = ReturnType<World['join']>
