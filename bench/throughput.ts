/**
 * Server throughput: many concurrent clients reading one record with
 * autocannon, against `signalbox serve` and against a bare node:http server
 * answering the same bytes, each in its own child process, in the same run.
 */
import autocannon from 'autocannon'
import { SafeLauncherStore, nameOf } from '../src/index.js'
import { startServerChild } from './child.js'

/** What one load run measured. */
export interface LoadResult {
  readsPerSec: number
  p99Ms: number
  errors: number
}

async function load(url: string, connections: number, durationSec: number, headers: Record<string, string>): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: durationSec, headers })
  return { readsPerSec: result.requests.average, p99Ms: result.latency.p99, errors: result.errors + result.non2xx }
}

/** Reads of one record through `signalbox serve`, then through the bare server with the same bytes. */
export async function measureThroughput(record: string, connections: number, durationSec: number): Promise<{ server: LoadResult; bare: LoadResult }> {
  const server = await startServerChild('server-process.ts', { BENCH_COUNT: '0' })
  const store = new SafeLauncherStore({ url: server.url })
  await store.create('bench-room', record)
  const query = new URLSearchParams({ name: await nameOf('bench-room'), typeTag: '500' })
  const served = await load(`${server.url}structured-data/read?${query}`, connections, durationSec, {})
  await store.close()
  await server.stop()

  const bare = await startServerChild('bare-server.ts', { BENCH_BODY: record })
  const baseline = await load(`${bare.url}structured-data/read?${query}`, connections, durationSec, {})
  await bare.stop()
  return { server: served, bare: baseline }
}
