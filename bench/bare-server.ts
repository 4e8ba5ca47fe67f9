/**
 * The throughput baseline: a bare node:http server in a child process that
 * answers every request with the same bytes `signalbox serve` answers a read
 * with, from memory. Same IPC hello as server-process.ts.
 */
import { createServer } from 'node:http'

const body = Buffer.from(process.env['BENCH_BODY'] ?? '', 'base64')
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
  response.end(body)
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number }
  process.send!({ url: `http://127.0.0.1:${address.port}/0.5/` })
})
process.on('message', (command: { type: string }) => {
  if (command.type === 'stop') server.close(() => process.exit(0))
})
