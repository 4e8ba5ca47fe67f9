/**
 * The files of the consumer project test/package.test.ts installs the packed
 * tarball into: a strict Node consumer of every entry, and a ~20-line browser
 * app as a web developer would write it from the README.
 */

/** Node-only modules that must never be in a browser bundle. */
export const NODE_ONLY = /(?:^|[\\/]|\0)(?:node_modules[\\/](?:@roamhq[\\/]wrtc|fastify|@fastify[\\/][^\\/]+|ioredis)[\\/]|node:|__vite-browser-external)/

/** Strict, skipLibCheck false: every .d.ts the package ships (and what they import) is checked. */
export function tsconfig(moduleResolution: 'NodeNext' | 'Bundler', include: string[]): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      module: moduleResolution === 'NodeNext' ? 'NodeNext' : 'ESNext',
      moduleResolution,
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: false,
      noEmit: true,
      types: moduleResolution === 'NodeNext' ? ['node'] : [],
    },
    include,
  })
}

/** A Node program using signalbox, signalbox/testing, signalbox/server and signalbox/redis. */
export const NODE_CONSUMER = `
import { createSignaling, loadWrtc, MemoryStore, SignalingError, type SimplePeerInstance } from 'signalbox'
import { advanceClock, FakePeerNetwork } from 'signalbox/testing'
import { startServer } from 'signalbox/server'
import { RedisStore } from 'signalbox/redis'
import { SimulatedClock } from 'xstate'

export async function call(): Promise<string> {
  const signaling = createSignaling({ store: new MemoryStore(), wrtc: await loadWrtc() })
  const peer: SimplePeerInstance = await signaling.join('room').connected
  return new Promise((resolve) => peer.on('data', (data) => resolve(new TextDecoder().decode(data))))
}

export async function fake(): Promise<string | undefined> {
  const clock = new SimulatedClock()
  const network = new FakePeerNetwork()
  const signaling = createSignaling({ store: new MemoryStore({ clock }), createPeer: network.createPeer, clock })
  const session = signaling.join('room')
  session.connected.catch((error: unknown) => error instanceof SignalingError && error.code)
  await advanceClock(clock, 120_000)
  return session.actor.getSnapshot().context.error?.code
}

export async function serve(): Promise<string> {
  const server = await startServer({ port: 0 })
  const store = new RedisStore({ url: 'redis://127.0.0.1:6379' })
  await store.close?.()
  await server.close()
  return server.url
}
`

/** The browser app: join the room of ?room= through the page's signalbox serve, say hello, show what arrives. */
export const BROWSER_APP = `
import { createSignaling, SafeLauncherStore } from 'signalbox'

const params = new URLSearchParams(location.search)
const store = new SafeLauncherStore({ url: \`\${location.origin}/0.5/\` })
const call = createSignaling({ store }).join(params.get('room') ?? 'demo', {
  onSnapshot: (snapshot) => (document.body.dataset['state'] = snapshot.value),
})
call.connected.then(
  (peer) => {
    peer.on('data', (data) => (document.body.dataset['received'] = new TextDecoder().decode(data)))
    peer.send(\`hello from \${params.get('name') ?? 'someone'}\`)
  },
  (error: unknown) => (document.body.dataset['error'] = String(error)),
)
`

/** The page Vite builds. */
export const VITE_INDEX = '<!doctype html><html><body><script type="module" src="./app.ts"></script></body></html>\n'

/** The page for a bundle (esbuild's) or for the prebuilt module, imported as ./module.js. */
export const MODULE_INDEX = '<!doctype html><html><body><script type="module" src="./module.js"></script></body></html>\n'

/** The same app on the prebuilt module, without a bundler. */
export const PREBUILT_APP = BROWSER_APP.replace("from 'signalbox'", "from './signalbox.min.js'")
  .replace('(error: unknown)', '(error)')

/** A Node program loading WebRTC where @roamhq/wrtc is not installed: prints the error as JSON. */
export const MISSING_WRTC = `
import { loadWrtc } from 'signalbox'
try {
  await loadWrtc()
  console.log('{}')
} catch (error) {
  console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message }))
}
`
