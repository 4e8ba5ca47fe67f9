/** Starting the bench's server child process and talking to it. */
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

/** A server child process. */
export interface ServerChild {
  url: string
  /** Sends a command and resolves with the answer. */
  ask<T>(command: { type: string }): Promise<T>
  stop(): Promise<void>
}

/** Forks `bench/server-process.ts` (or another script) with tsx and --expose-gc; resolves once it listens. */
export async function startServerChild(script = 'server-process.ts', env: Record<string, string> = {}): Promise<ServerChild> {
  const child: ChildProcess = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  })
  const [hello] = (await once(child, 'message')) as [{ url: string }]
  return {
    url: hello.url,
    async ask<T>(command: { type: string }): Promise<T> {
      child.send(command)
      const [answer] = (await once(child, 'message')) as [T]
      return answer
    },
    async stop() {
      child.send({ type: 'stop' })
      await once(child, 'exit')
    },
  }
}
