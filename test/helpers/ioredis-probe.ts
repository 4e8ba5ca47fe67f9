/**
 * Run in a child process (`node --import tsx ioredis-probe.ts <module> [serve]`):
 * imports `<module>`, with `serve` also starts a memory-backed server from it
 * and answers one request, then prints how many files of ioredis Node has loaded.
 */
import { createRequire } from 'node:module'
import { sep } from 'node:path'

const require = createRequire(import.meta.url)
const [specifier, serve] = process.argv.slice(2)
const loaded = (await import(specifier!)) as { startServer?: (options: { port: number }) => Promise<{ url: string; close(): Promise<void> }> }
if (serve === 'serve') {
  const server = await loaded.startServer!({ port: 0 })
  await (await fetch(server.url.replace('/0.5/', '/health'))).json()
  await server.close()
}
const ioredisFiles = Object.keys(require.cache).filter((file) => file.includes(`${sep}node_modules${sep}ioredis${sep}`))
console.log(JSON.stringify({ ioredisFiles: ioredisFiles.length }))
