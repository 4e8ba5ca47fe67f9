/**
 * The soak: 200 rooms handshaking at once against one `signalbox serve`, with
 * fake peers. None lost, none stuck; afterwards the server holds no records,
 * tokens or handles (its memory is back where it started: `npm run soak`
 * measures the resident memory, docs/reliability.md has the figures).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../src/server/index.js'
import { runSoak } from './helpers/soak.js'

let server: RunningServer
beforeAll(async () => {
  // All 400 participants come from one address here: the per-address rate limit is for real clients.
  server = await startServer({ port: 0, rateLimitPerSecond: 0 })
})
afterAll(async () => {
  await server.close()
})

async function health() {
  const response = await fetch(server.url.replace('/0.5/', '/health'))
  return (await response.json()) as { tokens: number; handles: number; records: number }
}

describe('soak', () => {
  it('connects 200 rooms handshaking at once, and leaves nothing behind once they hang up', async () => {
    const result = await runSoak(server.url, 200)
    expect(result.failed).toEqual({})
    expect(result.connected).toBe(200)
    expect(await health()).toMatchObject({ tokens: 0, handles: 0, records: 0 })
  }, 120_000)
})
