/**
 * Model-based tests: @xstate/graph walks every simple path of the statechart,
 * then each path is replayed on a running actor whose invoked actors the test
 * controls (resolving, rejecting, emitting), with the delays on a
 * SimulatedClock. Every step must land in the state the model predicts, and
 * invariants must hold in every state reached.
 */
import { getSimplePaths } from '@xstate/graph'
import { Subject } from 'rxjs'
import { createActor, fromCallback, fromObservable, fromPromise, SimulatedClock, type AnyEventObject } from 'xstate'
import { describe, expect, it } from 'vitest'
import {
  ERROR_CODES,
  SignalingError,
  signalingMachine,
  type PeerActorInput,
  type PeerCommand,
  type PublishAnswerInput,
  type PublishOfferInput,
  type PublishOutput,
  type ReadRoomInput,
  type RoomOffer,
  type SessionSignal,
  type SignalingEvent,
} from '../src/index.js'
import { flushPromises } from '../src/testing/index.js'
import type { ConfirmOfferInput, WithdrawOfferInput } from '../src/machines/signaling.types.js'

const OFFER: SessionSignal = { type: 'offer', sdp: 'v=0 offer' }
const ANSWER: SessionSignal = { type: 'answer', sdp: 'v=0 answer' }
const PEER_STATES = ['joining', 'creatingOffer', 'publishing', 'publishingWhileReading', 'pollingAnswer', 'withdrawingOffer', 'creatingAnswer', 'publishingAnswer', 'connecting', 'connected', 'hangingUp']
const unavailable = () => new SignalingError('ERR_STORE_UNAVAILABLE')

/** Whether the machine has a peer in this state: in every peer state, but in joining only on a round's first attempt. */
function hasPeer(snapshot: { value: unknown; context: { attempt: number } }): boolean {
  if (snapshot.value === 'joining') return snapshot.context.attempt === 1
  return PEER_STATES.includes(String(snapshot.value))
}

/** creatingOffer with the offer already gathered (while joining): the machine sends itself PEER.SIGNAL in the same breath. */
function isReplaying(snapshot: { value: unknown; context: { localSignal: unknown; attempt: number } }): boolean {
  return snapshot.value === 'creatingOffer' && snapshot.context.localSignal !== null && snapshot.context.attempt === 1
}

/** The events to try from a state, with payloads, for each event type the state accepts. */
function eventsFor(type: string): AnyEventObject[] {
  if (type === 'JOIN') return [{ type, room: 'demo' }, { type, room: '' }]
  if (type === 'PEER.SIGNAL') return [{ type, signal: OFFER }]
  if (type === 'PEER.RENEGOTIATE') return [{ type, signal: { type: 'renegotiate', renegotiate: true } }]
  if (type === 'PEER.REMOTE_SIGNAL') return [{ type, signal: { type: 'renegotiate', renegotiate: true } }]
  if (type === 'PEER.ERROR') return [{ type, error: new SignalingError('ERR_ICE_FAILURE') }, { type, error: new SignalingError('ERR_PEER_CLOSED') }]
  if (type === 'xstate.done.actor.readRoom') return [{ type, output: null }, { type, output: { signal: OFFER, targetId: 'demo-1' } }]
  if (type === 'xstate.done.actor.publishOffer' || type === 'xstate.done.actor.publishAnswer') return [{ type, output: { selfId: 'demo-2' } }]
  if (type === 'xstate.error.actor.publishOffer' || type === 'xstate.error.actor.publishAnswer') {
    return [{ type, error: new SignalingError('ERR_EXISTS') }, { type, error: unavailable() }]
  }
  if (type === 'xstate.error.actor.confirmOffer') return [{ type, error: new SignalingError('ERR_EXISTS') }, { type, error: unavailable() }]
  if (type === 'xstate.error.actor.readRoom') return [{ type, error: unavailable() }, { type, error: new SignalingError('ERR_BAD_RECORD') }]
  if (type === 'xstate.error.actor.pollAnswer' || type === 'xstate.error.actor.withdrawOffer') return [{ type, error: unavailable() }]
  if (type === 'xstate.done.actor.withdrawOffer') return [{ type, output: null }, { type, output: ANSWER }]
  if (type === 'xstate.snapshot.pollAnswer') return [{ type, snapshot: { context: ANSWER } }]
  return [{ type }]
}

/** The machine as `createSignaling` makes it over a store whose lost create answers the winner: every state reachable. */
const MODEL_INPUT = { publishWhileReading: true }

const paths = getSimplePaths(signalingMachine, {
  input: MODEL_INPUT,
  events: (snapshot) => {
    // creatingOffer entered with the offer in hand replays it to itself at once: nothing else can happen in between.
    if (isReplaying(snapshot)) return [{ type: 'PEER.SIGNAL', signal: OFFER } as const]
    const node = signalingMachine.getStateNodeById(`signaling.${String(snapshot.value)}`)
    const types = snapshot.status === 'done' ? [] : ['HANGUP', ...node.transitions.keys()]
    // A later attempt joins without a peer, so no peer event can come then.
    const peerless = !hasPeer(snapshot)
    // Only a recipient checks that the offer it answered still stands (the check spawned once its answer is stored).
    const unchecked = snapshot.context.role !== 'recipient'
    return types
      .filter((type) => !(peerless && type.startsWith('PEER.')) && !(unchecked && type === 'xstate.error.actor.confirmOffer'))
      .flatMap(eventsFor) as SignalingEvent[]
  },
  serializeState: (snapshot) =>
    JSON.stringify([
      snapshot.value,
      snapshot.context.role,
      snapshot.context.attempt,
      snapshot.context.error?.code ?? null,
      snapshot.context.peerConnected,
      snapshot.context.localSignal !== null,
    ]),
})

/** The test's hold on one peer actor: what it was told, and whether it was stopped. */
interface PeerHandle {
  sendBack(event: SignalingEvent): void
  commands: PeerCommand[]
  stopped: boolean
}

/** A running actor whose invoked actors the test drives by hand. */
function controlledActor() {
  const clock = new SimulatedClock()
  const pending = new Map<string, { resolve(value: unknown): void; reject(error: unknown): void }>()
  let polls = new Subject<SessionSignal>()
  let peer: PeerHandle | null = null
  const peersMade: PeerHandle[] = []
  const holding = { count: 0 }
  const releases = { count: 0 }
  const promiseActor = <TOutput, TInput>(name: string) =>
    fromPromise<TOutput, TInput>(() => new Promise((resolve, reject) => pending.set(name, { resolve: resolve as (value: unknown) => void, reject })))
  const machine = signalingMachine.provide({
    actors: {
      readRoom: promiseActor<RoomOffer | null, ReadRoomInput>('readRoom'),
      publishOffer: promiseActor<PublishOutput, PublishOfferInput>('publishOffer'),
      publishAnswer: promiseActor<PublishOutput, PublishAnswerInput>('publishAnswer'),
      confirmOffer: promiseActor<void, ConfirmOfferInput>('confirmOffer'),
      withdrawOffer: promiseActor<SessionSignal | null, WithdrawOfferInput>('withdrawOffer'),
      pollAnswer: fromObservable(() => {
        polls = new Subject<SessionSignal>()
        return polls
      }),
      holdRoom: fromCallback(() => {
        holding.count++
        return () => {
          holding.count--
        }
      }),
      peer: fromCallback<PeerCommand, PeerActorInput>(({ sendBack, receive }) => {
        const made: PeerHandle = { sendBack, commands: [], stopped: false }
        peer = made
        peersMade.push(made)
        receive((command) => made.commands.push(command))
        return () => {
          made.stopped = true
        }
      }),
    },
    actions: {
      releaseRecords: () => {
        releases.count++
      },
    },
  })
  const actor = createActor(machine, { clock, input: MODEL_INPUT })
  actor.start()

  async function perform(event: AnyEventObject): Promise<void> {
    const parts = event.type.split('.')
    const kind = parts[1]
    const name = kind === 'after' ? parts[2] : parts[3]
    if (event.type === 'xstate.init') return
    if (event.type.startsWith('xstate.done.actor.')) pending.get(name!)!.resolve(event['output'])
    else if (event.type.startsWith('xstate.error.actor.') && name === 'pollAnswer') polls.error(event['error'])
    else if (event.type.startsWith('xstate.error.actor.')) pending.get(name!)!.reject(event['error'])
    else if (event.type === 'xstate.snapshot.pollAnswer') polls.next(event['snapshot'].context as SessionSignal)
    else if (kind === 'after') {
      const context = actor.getSnapshot().context
      const delays: Record<string, number> = {
        signalTimeout: context.signalTimeoutMs,
        answerTimeout: context.answerTimeoutMs,
        connectTimeout: context.connectTimeoutMs,
        drainTimeout: context.drainTimeoutMs,
      }
      clock.increment(delays[name!]!)
    } else if (event.type.startsWith('PEER.')) peer!.sendBack(event as SignalingEvent)
    else actor.send(event as SignalingEvent)
    await flushPromises()
  }

  return { actor, perform, peersMade, holding, releases }
}

describe('model-based: every simple path of the statechart', () => {
  it('has paths to every state', () => {
    const reached = new Set(paths.map((path) => String(path.state.value)))
    expect([...reached].sort()).toEqual(Object.keys(signalingMachine.root.states).sort())
    expect(paths.length).toBeGreaterThan(100)
  })

  for (const [index, path] of paths.entries()) {
    const route = path.steps.map((step) => step.event.type.replace(/^xstate\.(after|done\.actor|error\.actor|snapshot)\.([^.]+).*$/, '$1:$2')).join(' → ')
    it(`path ${index + 1}: ${route || '(start)'} ⇒ ${String(path.state.value)}`, async () => {
      const { actor, perform, peersMade, holding, releases } = controlledActor()
      let replayed = false
      for (const step of path.steps) {
        if (replayed) replayed = false // the machine already sent itself this PEER.SIGNAL
        else await perform(step.event)
        const snapshot = actor.getSnapshot()
        if (isReplaying(step.state)) {
          expect(snapshot.value).toBe('publishing')
          replayed = true
          continue
        }
        expect(snapshot.value).toBe(step.state.value)
        expect(snapshot.context.role).toBe(step.state.context.role)
        expect(snapshot.context.error?.code).toBe(step.state.context.error?.code)

        // Invariants in every state reached.
        const state = String(snapshot.value)
        const alivePeers = peersMade.filter((made) => !made.stopped)
        expect(alivePeers.length).toBe(hasPeer(snapshot) ? 1 : 0)
        if (state === 'failed') {
          expect(snapshot.context.error).toBeInstanceOf(SignalingError)
          expect(Object.keys(ERROR_CODES)).toContain(snapshot.context.error!.code)
        } else if (state !== 'closed') {
          expect(snapshot.context.error).toBeNull()
        }
        if (state === 'closed') expect(snapshot.status).toBe('done')
        if (state === 'failed' || state === 'closed') expect(releases.count).toBeGreaterThan(0)
        expect(holding.count).toBe(state === 'connected' ? 1 : 0)
        if (state === 'connecting' && snapshot.context.role === 'initiator') {
          expect(alivePeers[0]!.commands).toEqual([{ type: 'SIGNAL', signal: ANSWER }])
        }
        if (state === 'creatingAnswer') expect(alivePeers[0]!.commands).toEqual([{ type: 'SIGNAL', signal: OFFER }])
      }
      actor.stop()
    })
  }
})
