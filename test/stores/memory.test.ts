import { SimulatedClock } from 'xstate'
import { MemoryStore } from '../../src/index.js'
import { advanceClock, flushPromises } from '../../src/testing/index.js'
import { runStoreContract } from './contract.js'

runStoreContract('MemoryStore', { watch: true }, async () => {
  const clock = new SimulatedClock()
  clock.set(1_700_000_000_000)
  const a = new MemoryStore({ clock })
  return {
    a,
    b: a.client(),
    advance: (ms) => advanceClock(clock, ms, ms),
    settle: flushPromises,
    cleanup: async () => {},
  }
})
