/**
 * A real redis-server for the tests, on a free loopback port, started and
 * stopped by the test file. Where redis-server is not installed, the Redis
 * tests are skipped with one line saying how to install it; under CI=true a
 * missing redis-server is a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { freePort } from './ports.js'
import { it } from 'vitest'

/** Whether redis-server can be run here. */
export const redisAvailable = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
const INSTALL = 'apt-get install -y redis-server'

/** Under CI a missing redis-server fails; elsewhere one line says the Redis tests are skipped. */
export function requireRedis(): void {
  if (redisAvailable) return
  if (process.env['CI'] === 'true') {
    it('needs redis-server', () => {
      throw new Error(`redis-server is not installed: ${INSTALL}`)
    })
  } else {
    console.warn(`redis-server not found: skipping the Redis tests (install it with: ${INSTALL})`)
  }
}


/** A running redis-server. */
export interface RedisServer {
  url: string
  port: number
  stop(): Promise<void>
}

/** Starts redis-server on `port` (a free one by default), without persistence; resolves once it accepts connections. */
export async function startRedis(port?: number): Promise<RedisServer> {
  const chosen = port ?? (await freePort())
  const child: ChildProcess = spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  await new Promise<void>((resolve, reject) => {
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)))
  })
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}
