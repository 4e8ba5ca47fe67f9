/** The store contract for SafeLauncherStore, talking HTTP to `signalbox serve` started in-process on port 0. */
import { SimulatedClock } from 'xstate'
import { MemoryRecords, SafeLauncherStore } from '../../src/index.js'
import { startServer } from '../../src/server/index.js'
import { runStoreContract } from './contract.js'

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 2))

async function harness(watch: boolean, extensions = true) {
  const clock = new SimulatedClock()
  clock.set(1_700_000_000_000)
  const server = await startServer({ port: 0, backend: new MemoryRecords(clock), extensions })
  const a = new SafeLauncherStore({ url: server.url, watch })
  const b = new SafeLauncherStore({ url: server.url, watch })
  return {
    a,
    b,
    advance: async (ms: number) => clock.increment(ms),
    settle,
    cleanup: async () => {
      await Promise.all([a.close(), b.close()])
      await server.close()
    },
  }
}

runStoreContract('SafeLauncherStore with push reads', { watch: true }, () => harness(true))
runStoreContract('SafeLauncherStore polling only', { watch: false }, () => harness(false))
// A server without our extensions answers as the Launcher did: the store falls back to the Launcher's own flow.
runStoreContract('SafeLauncherStore against a plain Launcher API', { watch: false }, () => harness(false, false))
