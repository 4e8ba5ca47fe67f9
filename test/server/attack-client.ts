/**
 * A small Launcher API client for the hardening tests: raw requests from a
 * chosen loopback address (127.0.0.x: Linux answers the whole 127/8), so a test
 * can be "another client" than the attacker it plays.
 */
import { request as httpRequest } from 'node:http'
import { connect, type Socket } from 'node:net'

/** An answer: status, headers and body text. */
export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  json<T = { errorCode: number; description: string }>(): T
}

/** What {@link call} sends. */
export interface CallOptions {
  method?: string
  token?: string
  body?: unknown
  headers?: Record<string, string>
  /** The loopback address to send from. Default 127.0.0.1. */
  from?: string
}

/** One request to `base` + `path` (a fresh connection each time), resolved with the whole answer. */
export function call(base: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const url = new URL(path, base)
  const body = options.body === undefined ? undefined : typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body)
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`
  if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json'
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'GET', headers, localAddress: options.from ?? '127.0.0.1', agent: false },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json: () => JSON.parse(text) })
        })
        response.on('error', reject)
      },
    )
    request.on('error', reject)
    request.setTimeout(20_000, () => request.destroy(new Error(`no answer to ${path} within 20 s`)))
    request.end(body)
  })
}

/** The app the tests authorise as. */
export const TEST_APP = { app: { name: 'attack', id: 'attack', version: '1', vendor: 'test' }, permissions: ['LOW_LEVEL_API'] }

/** `POST auth`: the answer (a token inside when 200). */
export async function authorise(base: string, options: Omit<CallOptions, 'method' | 'body'> = {}): Promise<Answer> {
  return call(base, 'auth', { ...options, method: 'POST', body: TEST_APP })
}

/** `POST auth` that must succeed: the token. */
export async function token(base: string, options: Omit<CallOptions, 'method' | 'body'> = {}): Promise<string> {
  const answer = await authorise(base, options)
  if (answer.status !== 200) throw new Error(`POST auth answered ${answer.status}: ${answer.text}`)
  return answer.json<{ token: string }>().token
}

/** A 32-byte name, base64, different for each `seed`. */
export function nameOf(seed: string): string {
  const bytes = Buffer.alloc(32)
  bytes.write(seed.slice(0, 32))
  return bytes.toString('base64')
}

/** /health of the server at `base` (the API URL). */
export function health(base: string, from?: string): Promise<Answer> {
  return call(base.replace(/0\.5\/$/, ''), 'health', from === undefined ? {} : { from })
}

/** A raw socket to the server at `base`, from `from`; resolves once connected. */
export function rawSocket(base: string, from = '127.0.0.1'): Promise<Socket> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), localAddress: from }, () => resolve(socket))
    socket.once('error', reject)
  })
}

/** Everything `socket` receives until it closes (or `limitMs` passes: then what came so far). */
export function readAll(socket: Socket, limitMs = 20_000): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    const timer = setTimeout(() => resolve(text), limitMs)
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
    socket.on('error', () => {})
    socket.once('close', () => {
      clearTimeout(timer)
      resolve(text)
    })
  })
}
