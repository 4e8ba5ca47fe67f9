/**
 * Two `signalbox serve --redis` instances behind the round-robin proxy, on one
 * real Redis, for the round-robin tests: start, restart one on its own port,
 * and stop everything.
 */
import { Redis } from 'ioredis'
import { startServer, type RunningServer, type StartServerOptions } from '../../src/server/index.js'
import { startRoundRobinProxy, type RoundRobinProxy } from './round-robin-proxy.js'

/** Two instances sharing Redis, and the proxy in front of them. */
export interface Cluster {
  instances: RunningServer[]
  proxy: RoundRobinProxy
  /** Stops instance `index` and starts it again on the same port (the others keep serving meanwhile). */
  restart(index: number): Promise<void>
  close(): Promise<void>
}

/** Empties the Redis at `url` (each test starts from nothing). */
export async function flushRedis(url: string): Promise<void> {
  const client = new Redis(url)
  await client.flushall()
  await client.quit()
}

/** Starts `count` instances with `options` on Redis at `redisUrl`, and the round-robin proxy in front of them. */
export async function startCluster(redisUrl: string, options: StartServerOptions = {}, count = 2): Promise<Cluster> {
  const instances: RunningServer[] = []
  for (let index = 0; index < count; index++) instances.push(await startServer({ ...options, port: 0, redisUrl }))
  const proxy = await startRoundRobinProxy(instances.map((instance) => instance.port))
  return {
    instances,
    proxy,
    async restart(index) {
      const { port } = instances[index]!
      await instances[index]!.close()
      instances[index] = await startServer({ ...options, port, redisUrl })
    },
    async close() {
      await proxy.close()
      await Promise.all(instances.map((instance) => instance.close()))
    },
  }
}
