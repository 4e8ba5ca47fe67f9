/**
 * Model-based test of the room statechart: every simple path through its
 * states, over a room of three slots, with the events its actors and its
 * pairs can send, replayed on a running actor whose actors the test drives.
 * On every step: one pair runs per other participant present (never with
 * ourselves, never twice), each in the pair room of the two slots; leaving
 * hangs every pair up and releases the slot.
 */
import { getShortestPaths, getSimplePaths } from '@xstate/graph'
import { createActor, createMachine, fromCallback, fromPromise, type AnyEventObject } from 'xstate'
import { describe, expect, it } from 'vitest'
import { pairRoomName, roomMachine, SignalingError, type ClaimSlotInput, type RoomEvent, type SlotOccupants } from '../src/index.js'
import { othersPresent } from '../src/machines/room.setup.js'

const ME = 'me'
const MAX_PEERS = 3
const OCCUPANCIES: SlotOccupants[] = [
  [ME, null, null],
  [ME, 'b', null],
  [ME, 'b', 'c'],
]

function eventsFor(type: string): AnyEventObject[] {
  if (type === 'xstate.done.actor.claimSlot') return [{ type, output: 0 }]
  if (type === 'xstate.error.actor.claimSlot') return [{ type, error: new SignalingError('ERR_ROOM_FULL') }, { type, error: new SignalingError('ERR_STORE_UNAVAILABLE') }]
  if (type === 'SLOTS') return OCCUPANCIES.map((occupants) => ({ type, occupants }))
  if (type === 'xstate.done.actor.*') return [{ type: 'xstate.done.actor.b' }]
  return [{ type }]
}

/** Occupancies that agree with our slot (the store never shows us elsewhere). */
function consistent(event: AnyEventObject, slot: number | null): boolean {
  return event.type !== 'SLOTS' || slot === null || (event['occupants'] as SlotOccupants)[slot] === ME
}

const traversal: Parameters<typeof getSimplePaths<typeof roomMachine>>[1] = {
  input: { room: 'r', peerId: ME, maxPeers: MAX_PEERS },
  events: (snapshot) => {
    if (snapshot.status === 'done') return []
    const value = typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value)[0]!
    const node = roomMachine.getStateNodeById(`room.${value}`)
    const types = ['LEAVE', ...node.transitions.keys()].filter((type) => type !== 'LEAVE' || value !== 'left')
    return [...new Set(types)].flatMap(eventsFor).filter((event) => consistent(event, snapshot.context.slot)) as RoomEvent[]
  },
  serializeState: (snapshot) =>
    JSON.stringify([snapshot.value, snapshot.context.slot, Object.keys(snapshot.context.pairs).sort(), snapshot.context.ended, snapshot.context.error?.code ?? null]),
}
// Simple paths through the room's own states (pair sets folded), and the shortest path to every full state.
const paths = [
  ...getSimplePaths(roomMachine, { ...traversal, serializeState: (snapshot) => JSON.stringify([snapshot.value, snapshot.context.error?.code ?? null]) }),
  ...getShortestPaths(roomMachine, traversal),
]

/** A running room machine whose actors the test drives, with pairs that record what they are told. */
function controlledRoom() {
  const pending = new Map<string, { resolve(value: unknown): void; reject(error: unknown): void }>()
  const pairsTold: Array<{ room: string; events: string[] }> = []
  const released = { count: 0 }
  const pair = createMachine({
    types: {} as { input: { room: string } | undefined; context: { room: string } },
    context: ({ input }) => ({ room: input?.room ?? '' }),
    entry: ({ context }) => pairsTold.push({ room: context.room, events: [] }),
    on: { '*': { actions: ({ context, event }) => pairsTold.find((told) => told.room === context.room)!.events.push(event.type) } },
  })
  const machine = roomMachine.provide({
    actors: {
      claimSlot: fromPromise<number, ClaimSlotInput>(() => new Promise((resolve, reject) => pending.set('claimSlot', { resolve: resolve as (value: unknown) => void, reject }))),
      holdSlot: fromCallback(() => undefined),
      watchSlots: fromCallback(() => undefined),
      pair: pair as never,
    },
    actions: { releaseSlot: () => void released.count++ },
  })
  const actor = createActor(machine, { input: { room: 'r', peerId: ME, maxPeers: MAX_PEERS } }).start()
  return { actor, pending, pairsTold, released }
}

describe('room machine, every simple path (3 slots)', () => {
  it('has paths to every state', () => {
    const reached = new Set(paths.map((path) => JSON.stringify(path.state.value)))
    for (const state of ['"claiming"', '{"present":"meshing"}', '"failed"', '"left"']) expect(reached).toContain(state)
    expect(paths.length).toBeGreaterThan(20)
  })

  for (const path of paths) {
    const label = path.steps.map((step) => (step.event.type === 'SLOTS' ? `SLOTS${JSON.stringify(step.event.occupants)}` : step.event.type)).join(' → ')
    it(label || '(start)', async () => {
      const { actor, pending, pairsTold, released } = controlledRoom()
      for (const { event } of path.steps.slice(1)) {
        if (event.type.startsWith('xstate.done.actor.claimSlot')) pending.get('claimSlot')!.resolve((event as { output?: unknown }).output)
        else if (event.type.startsWith('xstate.error.actor.claimSlot')) pending.get('claimSlot')!.reject((event as { error?: unknown }).error)
        else actor.send(event as RoomEvent)
        await Promise.resolve()
        await Promise.resolve()
        const snapshot = actor.getSnapshot()
        const { context } = snapshot
        const pairIds = Object.keys(context.pairs).sort()
        // One child per pair, named by the other peer, never ourselves.
        expect(pairIds).not.toContain(ME)
        for (const id of pairIds) expect(snapshot.children[id]).toBeDefined()
        if (snapshot.matches('present')) {
          const expected = othersPresent(context).map(([id]) => id).filter((id) => !context.ended.includes(id) || id in context.pairs)
          expect(pairIds).toEqual(expected.sort())
          for (const [id, slot] of Object.entries(context.pairs)) {
            expect(pairsTold.some((told) => told.room === pairRoomName('r', context.slot!, slot))).toBe(true)
            expect(id).not.toBe(ME)
          }
        } else {
          expect(pairIds).toEqual([])
        }
        if (snapshot.value === 'left') expect(released.count).toBe(1)
        if (snapshot.value === 'failed') expect(context.error).toBeInstanceOf(SignalingError)
      }
      expect(actor.getSnapshot().value).toEqual(path.state.value)
    })
  }
})
