/**
 * The statechart panel, loaded after the page has joined (a dynamic import, in
 * its own chunk with elkjs; the layout itself runs in elkjs's worker): the ELK drawing of the signaling machine that
 * follows the current call's actor. In a room of many it also draws the room
 * machine (once, when a room is first joined) and the signaling drawing follows
 * the pair in focus: the one chosen in the pair list, or else the most recent.
 */
import ElkModule from 'elkjs/lib/elk-api.js'
import type { ELK, ELKConstructorArguments } from 'elkjs/lib/elk-api.js'
import type { AnyActor, AnyActorRef, AnyStateMachine } from 'xstate'
import { signalingMachine } from '../src/machines/signaling.machine.js'
import { drawStatechart, type StatechartView } from '../src/diagram/live.js'
import { peerName } from './ui.js'

/** elkjs's worker, copied beside this chunk by scripts/build-web.ts. */
export const ELK_WORKER_FILE = 'elk-worker.js'
/** elkjs's API constructor: a CommonJS default export, typed through its declarations. */
const ElkApi = ElkModule as unknown as new (options: ELKConstructorArguments) => ELK

/**
 * An ELK that lays out in elkjs's worker: a statechart's layout takes seconds
 * of CPU on a busy machine, and in the page's main thread it would hold up
 * everything else (the room's slot renewals, the pairs' handshakes, the video).
 * Undefined where workers are not available: the layout then runs in place.
 */
function workerElk(): ELK | undefined {
  if (typeof Worker === 'undefined') return undefined
  return new ElkApi({ workerUrl: new URL(ELK_WORKER_FILE, import.meta.url).href })
}

/** The room's part of the panel: where its drawing goes, and the list that picks the pair shown. */
export interface RoomPanelElements {
  panel: HTMLElement
  drawing: HTMLElement
  pairSelect: HTMLSelectElement
}

/** What the panel reads of a room machine's snapshot. */
interface RoomSnapshot {
  context: { pairs: Record<string, number> }
  children: Record<string, AnyActorRef | undefined>
}

const noop = (): void => {}

/** True for an actor of the room machine (a room of many), false for a pair call's signaling machine. */
function isRoomActor(actor: AnyActor): boolean {
  return (actor.logic as AnyStateMachine).id === 'room'
}

/**
 * Draws the signaling machine into `container`; returns the function that
 * follows an actor (stopping the previous one): a pair call's, or a room's
 * (drawn into `room`, with its pair in focus drawn in `container`).
 */
export async function openPanel(container: HTMLElement, room: RoomPanelElements): Promise<(actor: AnyActor | undefined) => void> {
  const elk = workerElk()
  const drawOptions = elk === undefined ? {} : { elk }
  const pairView = await drawStatechart(container, signalingMachine, { title: 'signaling statechart', ...drawOptions })
  pairView.show('idle')
  let roomView: Promise<StatechartView> | undefined
  let stop = noop
  return (actor) => {
    stop()
    stop = noop
    room.panel.hidden = actor === undefined || !isRoomActor(actor)
    if (actor === undefined) return
    if (!isRoomActor(actor)) {
      stop = pairView.follow(actor)
      return
    }
    roomView ??= drawStatechart(room.drawing, actor.logic as AnyStateMachine, { title: 'room statechart', ...drawOptions })
    let stopped = false
    let stopRoom = noop
    const stopPairs = followPairs(actor, pairView, room.pairSelect)
    void roomView.then((view) => {
      if (!stopped) stopRoom = view.follow(actor)
    })
    stop = () => {
      stopped = true
      stopRoom()
      stopPairs()
    }
  }
}

/** Keeps the pair list in step with the room's pairs, and the signaling drawing on the pair in focus. */
function followPairs(room: AnyActor, pairView: StatechartView, select: HTMLSelectElement): () => void {
  let chosen: string | undefined
  let focused: string | undefined
  let listed = ''
  let stopPair = noop
  const focus = (id: string | undefined, pair: AnyActorRef | undefined): void => {
    if (id === focused) return
    stopPair()
    focused = id
    // The transition marked as just taken was the previous pair's: a new pair starts without one.
    for (const edge of pairView.svg.querySelectorAll('.sb-taken')) edge.classList.remove('sb-taken')
    if (pair === undefined) {
      stopPair = noop
      pairView.show('idle')
    } else {
      stopPair = pairView.follow(pair)
    }
  }
  const update = (snapshot: RoomSnapshot): void => {
    const ids = Object.keys(snapshot.context.pairs).filter((id) => snapshot.children[id] !== undefined)
    if (ids.join() !== listed) {
      listed = ids.join()
      const options = ids.map((id) => new Option(`with ${peerName(id)}`, id))
      select.replaceChildren(...(options.length > 0 ? options : [new Option('Nobody else yet', '')]))
    }
    // The pair chosen while it runs; else the most recent (pairs are kept in the order they started).
    const id = chosen !== undefined && ids.includes(chosen) ? chosen : ids.at(-1)
    focus(id, id === undefined ? undefined : snapshot.children[id])
    select.value = id ?? ''
  }
  select.onchange = () => {
    chosen = select.value === '' ? undefined : select.value
    update(room.getSnapshot() as RoomSnapshot)
  }
  const subscription = room.subscribe((snapshot) => update(snapshot as RoomSnapshot))
  update(room.getSnapshot() as RoomSnapshot)
  return () => {
    subscription.unsubscribe()
    stopPair()
    select.onchange = null
  }
}
