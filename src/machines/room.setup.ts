/**
 * The room statechart's `setup()`: its types and every name its states refer
 * to. `claimSlot`, `holdSlot`, `watchSlots` and the action `releaseSlot` are
 * placeholders that fail with `ERR_NOT_PROVIDED`; `pair` is the signaling
 * machine itself, whose own actors come with it from `provideRoom()`
 * (src/actors/room/) or your own `roomMachine.provide({ actors, actions })`.
 *
 * @module
 */
import { assign, enqueueActions, fromCallback, fromPromise, setup, type EventObject } from 'xstate'
import { SignalingError, toSignalingError } from '../errors.js'
import { DEFAULT_APP_ID, pairRoomName } from '../protocol/addresses.js'
import { signalingMachine } from './signaling.machine.js'
import type { ClaimSlotInput, HoldSlotInput, RoomContext, RoomEvent, RoomInput, WatchSlotsInput } from './room.types.js'
import { DEFAULT_MAX_PEERS, MAX_CLAIM_ATTEMPTS, PAIR_RETRY_MS } from './room.types.js'

function notProvided(name: string, kind: 'actor' | 'action' = 'actor'): never {
  throw new SignalingError(
    'ERR_NOT_PROVIDED',
    `The room machine's "${name}" ${kind} has no implementation: use joinRoom(), or the machine of provideRoom(deps), or roomMachine.provide({ actors, actions }) with all of them.`,
  )
}

/** The prefix of the event a pair handshake sends its room when it ends (`closed`, a final state), followed by the peer's id. */
export const PAIR_DONE_PREFIX = 'xstate.done.actor.'

/** The context a room machine starts with: the input's values, the defaults for the rest. */
export function initialRoomContext(input: RoomInput): RoomContext {
  return {
    room: input.room,
    appId: input.appId ?? DEFAULT_APP_ID,
    peerId: input.peerId,
    maxPeers: input.maxPeers ?? DEFAULT_MAX_PEERS,
    slot: null,
    occupants: [],
    refreshes: [],
    pairs: {},
    ended: [],
    endedRefreshes: {},
    error: null,
    claimAttempt: 1,
    pairInput: input.pair ?? {},
    pairRetryMs: input.pairRetryMs ?? PAIR_RETRY_MS,
  }
}

/**
 * The other participants present, as `[peerId, slot]`, read from the slots
 * (never ourselves). A peer in two slots (a claim that timed out but landed,
 * until that stray record expires) is in its lowest one: a claim goes up from
 * slot 0, so that is the one it holds.
 */
export function othersPresent(context: Pick<RoomContext, 'occupants' | 'peerId' | 'slot'>): Array<[string, number]> {
  const others = new Map<string, number>()
  context.occupants.forEach((occupant, slot) => {
    if (occupant !== null && occupant !== context.peerId && slot !== context.slot && !others.has(occupant)) others.set(occupant, slot)
  })
  return [...others]
}

/** True when `peerId`, whose pair ended, has refreshed its record in `slot` since: it is alive. */
function refreshedSinceEnded(context: Pick<RoomContext, 'refreshes' | 'endedRefreshes'>, peerId: string, slot: number): boolean {
  const now = context.refreshes[slot] ?? null
  const then = context.endedRefreshes[peerId] ?? null
  return now !== null && then !== null && now > then
}

type ChildRefs = Record<string, { getSnapshot(): { status: string; value?: unknown } } | undefined>

/** True when the pair handshake `child` is connected (its peer connection open). */
function isConnected(child: ChildRefs[string]): boolean {
  const snapshot = child?.getSnapshot()
  return snapshot?.status === 'active' && snapshot.value === 'connected'
}

/** The running children of the room actor `self` (none while a machine is only walked, as by @xstate/graph). */
function childrenOf(self: { getSnapshot(): unknown }): ChildRefs {
  return ((self.getSnapshot() as { children?: ChildRefs } | undefined)?.children ?? {})
}

/** The room machine's setup: types, placeholder actors, actions, guards and delays by name. */
export const roomSetup = setup({
  types: {
    context: {} as RoomContext,
    events: {} as RoomEvent,
    input: {} as RoomInput,
  },
  actors: {
    claimSlot: fromPromise<number, ClaimSlotInput>(async () => notProvided('claimSlot')),
    holdSlot: fromCallback<EventObject, HoldSlotInput>(() => notProvided('holdSlot')),
    watchSlots: fromCallback<EventObject, WatchSlotsInput>(() => notProvided('watchSlots')),
    pair: signalingMachine,
  },
  actions: {
    /** Removes this participant's slot record (I/O): provided like the actors. */
    releaseSlot: () => notProvided('releaseSlot', 'action'),
    assignError: assign({ error: ({ event }) => toSignalingError((event as { error?: unknown }).error, 'ERR_STORE_UNAVAILABLE') }),
    assignOccupants: assign(({ context, event }) =>
      event.type === 'SLOTS' ? { occupants: event.occupants, refreshes: event.refreshes ?? [] } : { occupants: context.occupants, refreshes: context.refreshes },
    ),
    /**
     * Starts a pair handshake with every participant present that has none,
     * on the pair's own room (`room#i#j`), and hangs up the pairs of those
     * gone from their slot. A pair still connected is kept while its peer's
     * slot is empty (a record that lapsed under load, and comes back): the
     * connection itself tells when the peer is gone. A peer whose pair ended
     * but who refreshed its slot since is alive: its pair starts again.
     */
    reconcilePairs: enqueueActions(({ context, enqueue, self }) => {
      const children = childrenOf(self)
      const present = new Map(othersPresent(context))
      const pairs = { ...context.pairs }
      const revived = context.ended.filter((peerId) => present.has(peerId) && refreshedSinceEnded(context, peerId, present.get(peerId)!))
      const ended = context.ended.filter((peerId) => !revived.includes(peerId))
      const endedRefreshes = { ...context.endedRefreshes }
      for (const peerId of revived) {
        if (peerId in pairs) enqueue.stopChild(peerId)
        delete pairs[peerId]
        delete endedRefreshes[peerId]
      }
      for (const [peerId, slot] of Object.entries(pairs)) {
        if (present.get(peerId) === slot) continue
        if (!present.has(peerId) && isConnected(children[peerId])) continue
        if (children[peerId]?.getSnapshot().status === 'active') enqueue.sendTo(peerId, { type: 'HANGUP' })
        enqueue.stopChild(peerId)
        delete pairs[peerId]
      }
      for (const [peerId, slot] of present) {
        if (peerId in pairs || ended.includes(peerId) || context.slot === null) continue
        enqueue.spawnChild('pair', {
          id: peerId,
          input: { ...context.pairInput, appId: context.appId, room: pairRoomName(context.room, context.slot, slot) },
        })
        pairs[peerId] = slot
      }
      enqueue.assign({ pairs, ended, endedRefreshes })
    }),
    /** Sends `RETRY` to the pair handshake of every participant present (only a failed one acts on it); a failed pair whose peer is gone is hung up. */
    retryPairs: enqueueActions(({ context, enqueue, self }) => {
      const children = childrenOf(self)
      const present = new Map(othersPresent(context))
      const pairs = { ...context.pairs }
      for (const peerId of Object.keys(context.pairs)) {
        const running = children[peerId]?.getSnapshot().status === 'active'
        if (present.has(peerId)) {
          if (running) enqueue.sendTo(peerId, { type: 'RETRY' })
        } else if (!isConnected(children[peerId])) {
          if (running) enqueue.sendTo(peerId, { type: 'HANGUP' })
          enqueue.stopChild(peerId)
          delete pairs[peerId]
        }
      }
      enqueue.assign({ pairs })
    }),
    /** Hangs up and stops every pair handshake (on leaving, or when this participant's slot was lost). */
    hangUpPairs: enqueueActions(({ context, enqueue, self }) => {
      const children = childrenOf(self)
      for (const peerId of Object.keys(context.pairs)) {
        if (children[peerId]?.getSnapshot().status === 'active') enqueue.sendTo(peerId, { type: 'HANGUP' })
        enqueue.stopChild(peerId)
      }
      enqueue.assign({ pairs: {}, occupants: [], refreshes: [] })
    }),
    /** On a pair's done event (`xstate.done.actor.<peerId>`): that peer hung up; no new pair is started with it. */
    forgetPair: assign(({ context, event }) => {
      const peerId = (event.type as string).slice(PAIR_DONE_PREFIX.length)
      if (!(peerId in context.pairs) || context.ended.includes(peerId)) return {}
      const refreshed = context.refreshes[context.pairs[peerId]!] ?? null
      return { ended: [...context.ended, peerId], endedRefreshes: { ...context.endedRefreshes, [peerId]: refreshed } }
    }),
  },
  guards: {
    isRoomFull: (_, params: { error: unknown }) => (params.error as { code?: unknown } | undefined)?.code === 'ERR_ROOM_FULL',
    /**
     * The claim may be tried again: the store failed, or the room looked full
     * to a participant that held a slot until it lost it (its own lapsed
     * record retaken, a stray record of another's timed-out claim not yet
     * expired). A newcomer told the room is full is told so at once.
     */
    canClaimAgain: ({ context, event }) =>
      context.claimAttempt < MAX_CLAIM_ATTEMPTS && ((event as { error?: { code?: unknown } }).error?.code !== 'ERR_ROOM_FULL' || context.slot !== null),
  },
  delays: {
    pairRetry: ({ context }) => context.pairRetryMs,
  },
})
