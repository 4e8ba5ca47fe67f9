/**
 * Our push-read extension (not in the Launcher): a long poll.
 * `GET structured-data/watch/:dataIdHandle?since=R&timeoutMs=T` answers
 * `{ revision, version, data }` as soon as the record's revision differs from
 * `R` (at once if it already does), or after `T` ms with the record as it is.
 * Without `since` it answers at once with the record as it is. `data` is base64,
 * null when there is no record; `revision` is 0 then.
 * `GET structured-data/watch?name=<base64>&typeTag=500&since=R&timeoutMs=T`
 * is the same by the record's name, without a data-id handle.
 *
 * @module
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { filter, firstValueFrom, fromEvent, map, merge, take, takeUntil, timer } from 'rxjs'
import type { ServerContext } from '../context.js'
import { LAUNCHER_ROUTES, WATCH_WAIT_MS, type WatchAnswer } from '../../launcher/api.js'
import { LauncherError, serverBusy } from '../../launcher/errors.js'
import { MAX_ANONYMOUS_WATCHES } from '../limits.js'
import { dataIdBody, handleIdParam, parseRequest, recordAddress, watchQuery } from '../requests.js'
import type { TableEntry } from '../../stores/table.js'
import { handlesOf } from './shared.js'

function answerOf(entry: TableEntry | null): WatchAnswer {
  return entry === null ? { revision: 0, version: 0, data: null } : { revision: entry.revision, version: entry.version, data: entry.data }
}

/** Registers the push-read endpoint. */
export function registerWatchRoute(api: FastifyInstance, context: ServerContext): void {
  const open = new Map<string, number>()
  let total = 0

  /** The answer for the record at `address`: at once without `since`, else when its revision differs (or after the wait). */
  const watchAddress = async (request: FastifyRequest<{ Querystring: Record<string, string> }>, address: string): Promise<WatchAnswer> => {
    const { since, timeoutMs } = parseRequest(watchQuery, request.query)
    if (since === undefined) return answerOf(await context.backend.get(address))
    const waitMs = timeoutMs ?? WATCH_WAIT_MS
    const key = request.session?.token ?? ''
    const limit = request.session === null ? MAX_ANONYMOUS_WATCHES : context.maxWatchesPerToken
    const count = open.get(key) ?? 0
    if (count >= limit) {
      throw new LauncherError(429, 429, `Too many open watches for this token (limit ${limit}): close one before opening another`)
    }
    if (total >= context.maxWatches) throw serverBusy(`the server holds its limit of ${context.maxWatches} open push reads`)
    open.set(key, count + 1)
    total++
    try {
      const changes = context.backend.watch(address).pipe(map(answerOf))
      const ended = merge(timer(waitMs), fromEvent(request.raw, 'close'), context.closing)
      const changed = changes.pipe(filter((answer) => answer.revision !== since), take(1), takeUntil(ended))
      return (await firstValueFrom(changed, { defaultValue: null })) ?? answerOf(await context.backend.get(address))
    } finally {
      total--
      const left = (open.get(key) ?? 1) - 1
      if (left === 0) open.delete(key)
      else open.set(key, left)
    }
  }

  api.get<{ Params: { dataIdHandle: string }; Querystring: Record<string, string> }>(`/${LAUNCHER_ROUTES.watch}`, async (request) => {
    const dataId = await handlesOf(request, context).get(handleIdParam(request.params.dataIdHandle), 'dataId')
    return watchAddress(request, recordAddress(dataId.typeTag, dataId.name))
  })
  // By name: no data-id handle to take first, nor to drop after.
  api.get<{ Querystring: Record<string, string> }>(`/${LAUNCHER_ROUTES.watchByName}`, async (request) => {
    const { name, typeTag } = parseRequest(dataIdBody, request.query)
    return watchAddress(request, recordAddress(typeTag, name))
  })
}
