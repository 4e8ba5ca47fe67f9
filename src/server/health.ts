/**
 * `GET /health`: whether the server can do its work, and what it holds. It
 * asks the record backend (Redis, say) for a record, within
 * {@link HEALTH_BACKEND_TIMEOUT_MS}: `200` with `status: 'ok'` when it
 * answers, `503` with `status: 'unavailable'` and the reason when it does not.
 *
 * @module
 */
import type { FastifyInstance } from 'fastify'
import type { BudgetedTable } from './budgeted-table.js'
import type { ConnectionCounter } from './connections.js'
import type { ServerContext } from './context.js'

/** How long /health waits for the record backend, in ms. */
export const HEALTH_BACKEND_TIMEOUT_MS = 1_000
/** An address nothing is ever written to: /health reads it to see the backend answer. */
const PROBE_ADDRESS = 'signalbox-health-probe'

/** Registers `/health`; `context()` is the server's context once its backend is open. */
export function registerHealthRoute(
  app: FastifyInstance,
  state: { context: () => ServerContext & { backend: BudgetedTable }; connections: ConnectionCounter; startedAt: number },
): void {
  app.get('/health', async (_request, reply) => {
    const { backend, sessions, budget } = state.context()
    let held = { tokens: 0 as number | null, handles: null as number | null, handleBytes: null as number | null }
    try {
      held = await withTimeout(Promise.resolve(sessions.counts()))
    } catch {
      held.tokens = null
    }
    const counts = {
      uptimeMs: Date.now() - state.startedAt,
      tokens: held.tokens,
      handles: held.handles,
      connections: state.connections.open,
      memory: { budgetBytes: budget.totalBytes, usedBytes: budget.usedBytes, recordBytes: backend.bytes, handleBytes: held.handleBytes },
    }
    try {
      const records = await withTimeout(backend.get(PROBE_ADDRESS).then(() => backend.count()))
      return { status: 'ok', ...counts, records }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      return reply.code(503).send({ status: 'unavailable', reason: `The record backend does not answer: ${reason}`, ...counts })
    }
  })
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_BACKEND_TIMEOUT_MS} ms`)), HEALTH_BACKEND_TIMEOUT_MS)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
