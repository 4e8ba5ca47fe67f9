/**
 * safe-js 0.3.3, the client library the seed app called, unchanged. It
 * hard-codes `http://localhost:8100/0.5/` and sends through node-fetch 1.x over
 * Node's `http` module with the default agent; {@link redirectLauncherTo}
 * swaps that agent for one whose connections to localhost:8100 go to the test
 * server instead. That is the one change: paths, methods, headers (the `Host`
 * header too) and bodies stay exactly as the library sends them.
 */
import http from 'node:http'
import { createRequire } from 'node:module'
import net from 'node:net'

/** The part of safe-js's API the tests call (it ships no types). */
export interface SafeJs {
  auth: {
    authorise(app: { name: string; id: string; version: string; vendor: string; permissions: string[] }): Promise<{ token: string; permissions: string[] }>
    isTokenValid(token: string): Promise<boolean>
  }
  dataId: {
    getStructuredDataHandle(token: string | undefined, name: string, typeTag?: number): Promise<{ handleId: number }>
    dropHandle(token: string | undefined, handleId: number): Promise<unknown>
    serialise(token: string, handleId: number): Promise<Buffer>
    deserialise(token: string | undefined, data: Buffer): Promise<{ handleId: number }>
  }
  structuredData: {
    create(token: string, name: string, typeTag: number, data: string, cipherOptsHandle?: number | null): Promise<{ handleId: number }>
    put(token: string, handleId: number): Promise<unknown>
    post(token: string, handleId: number): Promise<unknown>
    updateData(token: string, handleId: number, data: string, cipherOptsHandle?: number | null): Promise<unknown>
    getHandle(token: string | undefined, dataIdHandle: number): Promise<{ handleId: number; isOwner: boolean; version: number; dataVersionLength: number }>
    readData(token: string | undefined, handleId: number, version?: number): Promise<Buffer>
    getMetadata(token: string | undefined, handleId: number): Promise<{ isOwner: boolean; version: number; dataVersionLength: number }>
    getDataIdHandle(token: string | undefined, handleId: number): Promise<{ handleId: number }>
    isSizeValid(token: string | undefined, handleId: number): Promise<{ isValid: boolean }>
    serialise(token: string | undefined, handleId: number): Promise<Buffer>
    deserialise(token: string | undefined, data: Buffer): Promise<{ handleId: number; isOwner: boolean; version: number }>
    del(token: string, handleId: number): Promise<unknown>
    dropHandle(token: string | undefined, handleId: number): Promise<unknown>
  }
  cipherOpts: {
    getHandle(token: string | undefined, encType: string): Promise<{ handleId: number }>
    dropHandle(token: string | undefined, handleId: number): Promise<unknown>
  }
}

/** safe-js, loaded as the seed app loaded it (CommonJS). */
export const safe = createRequire(import.meta.url)('safe-js') as SafeJs

/** Where safe-js sends every request. */
const LAUNCHER_HOST = 'localhost'
const LAUNCHER_PORT = 8100

/** An agent whose connections to localhost:8100 go to `port` on loopback; any other goes where it says. */
class RedirectingAgent extends http.Agent {
  constructor(private readonly port: number) {
    super({ keepAlive: false })
  }

  override createConnection(options: http.ClientRequestArgs): net.Socket {
    const redirected = options.host === LAUNCHER_HOST && Number(options.port) === LAUNCHER_PORT
    return redirected ? net.createConnection({ host: '127.0.0.1', port: this.port }) : net.createConnection(options as net.NetConnectOpts)
  }
}

/** Sends safe-js's requests to the server on `port` until the returned function is called. */
export function redirectLauncherTo(port: number): () => void {
  const previous = http.globalAgent
  const agent = new RedirectingAgent(port)
  http.globalAgent = agent
  return () => {
    http.globalAgent = previous
    agent.destroy()
  }
}
