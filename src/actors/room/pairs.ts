/**
 * The pair handshakes of one participant in a room of many: the signaling
 * machine as `provideSignaling()` provides it, but with one provided
 * instance (one ledger of published records, one set of room keys) per pair
 * room (`room#i#j`), so that one pair failing or hanging up releases only its
 * own records, never another pair's. Every actor whose input names a `room`,
 * and every action, is routed by that room; the others (the `peer`) are
 * shared.
 *
 * @module
 */
import type { AnyActorLogic } from 'xstate'
import type { signalingMachine } from '../../machines/signaling.machine.js'
import { SLOT_REFRESH_MS, SLOT_TTL_MS } from '../../machines/room.types.js'
import type { PeerLike } from '../../peer/types.js'
import type { SignalingDeps } from '../participant.js'
import { provideSignaling, type ProvidedSignaling } from '../provide.js'

/** The pair machine of a room, and the end of the cleanup of all its pairs. */
export interface ProvidedPairs {
  /** The signaling machine with every actor and action routed to the provided instance of its pair room. */
  machine: typeof signalingMachine
  /** Releases what every pair published (the room is left), and resolves once done. */
  releaseAll(): Promise<void>
}

type Implementations = ProvidedSignaling['machine']['implementations']
type ActionImplementation = (args: { context: { room: string | null } }, params: unknown) => void

function roomOf(value: unknown): string | undefined {
  const room = (value as { room?: unknown } | undefined)?.room
  return typeof room === 'string' ? room : undefined
}

/** Actor logic that delegates, at each step, to the logic `pick` chooses by the actor's input. */
function routedLogic(pick: (input: unknown) => AnyActorLogic): AnyActorLogic {
  const of = (snapshot: unknown) => pick((snapshot as { input?: unknown }).input)
  return {
    config: undefined,
    transition: (snapshot, event, scope) => of(snapshot).transition(snapshot, event, scope),
    start: (snapshot, scope) => of(snapshot).start?.(snapshot, scope),
    getInitialSnapshot: (scope, input) => pick(input).getInitialSnapshot(scope, input),
    getPersistedSnapshot: (snapshot, options) => of(snapshot).getPersistedSnapshot(snapshot, options),
  }
}

/** Provides the pair handshakes of one participant over `deps` (see the module comment). */
export function providePairs<TPeer extends PeerLike>(deps: SignalingDeps<TPeer>): ProvidedPairs {
  // A pair's busy marker lives as long as a slot record: a crashed participant's pair rooms are free by the time its slot is.
  const busy = { ttlMs: SLOT_TTL_MS, refreshMs: SLOT_REFRESH_MS }
  const shared = provideSignaling(deps, busy)
  const byRoom = new Map<string, ProvidedSignaling>()
  const providedFor = (room: string | undefined): ProvidedSignaling => {
    if (room === undefined) return shared
    let provided = byRoom.get(room)
    if (provided === undefined) byRoom.set(room, (provided = provideSignaling(deps, busy)))
    return provided
  }
  const implementationsFor = (room: string | undefined): Implementations => providedFor(room).machine.implementations
  const { actors, actions } = shared.machine.implementations
  const routedActors: Record<string, AnyActorLogic> = {}
  for (const name of Object.keys(actors)) {
    routedActors[name] = routedLogic((input) => implementationsFor(roomOf(input)).actors[name] as AnyActorLogic)
  }
  const routedActions: Record<string, ActionImplementation> = {}
  for (const [name, action] of Object.entries(actions)) {
    // XState's own actions (assign, sendTo, …) carry `resolve` and are no I/O: only the provided I/O actions are routed.
    if (typeof action !== 'function' || 'resolve' in action) continue
    routedActions[name] = (args, params) =>
      (implementationsFor(args.context.room ?? undefined).actions[name] as unknown as ActionImplementation)(args, params)
  }
  const machine = shared.machine.provide({ actors: routedActors, actions: routedActions } as Parameters<typeof shared.machine.provide>[0])
  return {
    machine,
    async releaseAll() {
      const all = [shared, ...byRoom.values()]
      // Also the pairs stopped before their hang-up ran: releaseRecords is idempotent.
      for (const provided of all) (provided.machine.implementations.actions['releaseRecords'] as unknown as (() => void) | undefined)?.()
      await Promise.all(all.map((provided) => provided.released()))
    },
  }
}
