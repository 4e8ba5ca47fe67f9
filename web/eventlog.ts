/**
 * The event log in words: what the signaling machine did, said the way a
 * person would ("read the room: nobody there, so we offer"), with the raw
 * event type beside it for developers (shown by a toggle). Appending never
 * reads layout: the list sits in a column-reverse scroller that keeps the
 * newest line in view by itself. Lines are timed as they happen and drawn
 * together at the next frame, so the machine's own work (the handshake) is
 * never held up by the log's DOM.
 */
import type { InspectionEvent } from 'xstate'
import { eventWords } from '../src/diagram/labels.js'
import { peerName } from './ui.js'

/** The room machine's own actors; its other children are its pairs. */
const ROOM_ACTORS = new Set(['claimSlot', 'holdSlot', 'watchSlots'])

interface LoggedEvent {
  type: string
  output?: unknown
  error?: { message?: string; code?: string }
  snapshot?: { context?: unknown }
  room?: string
  occupants?: ReadonlyArray<string | null>
}

/** Writes the machine's events into `list` in words, timed from `startedAt`. */
export class EventLog {
  private state = 'idle'
  private readonly enteredAt = new Map<string, number>()
  /** How many people the room held at its last line (a room of many); undefined until a place is taken. */
  private roomCount: number | undefined
  /** The lines said once per call (our offer or answer being ready), until the next Join or Retry. */
  private readonly said = new Set<string>()
  /** Lines written since the last frame, not yet in the list. */
  private readonly pending: Array<{ at: number; words: string; raw: string }> = []

  constructor(
    private readonly list: HTMLOListElement,
    private readonly startedAt: number,
  ) {}

  /** One line: words, and the raw name (hidden unless the raw toggle is on), timed now and drawn at the next frame. */
  write(words: string, raw = ''): void {
    this.pending.push({ at: performance.now(), words, raw })
    if (this.pending.length === 1) requestAnimationFrame(() => this.draw())
  }

  /** Appends the lines written since the last frame, in one DOM insertion. */
  private draw(): void {
    const lines = document.createDocumentFragment()
    for (const { at, words, raw } of this.pending.splice(0)) {
      const item = document.createElement('li')
      const time = document.createElement('span')
      time.className = 'time'
      time.textContent = `+${Math.round(at - this.startedAt)} ms`
      const text = document.createElement('span')
      text.textContent = words
      item.append(time, text)
      if (raw !== '') {
        const code = document.createElement('code')
        code.className = 'raw'
        code.textContent = raw
        item.append(code)
      }
      lines.append(item)
    }
    this.list.append(lines)
  }

  /** The inspector callback: logs the root actor's events. */
  readonly inspect = (inspection: InspectionEvent): void => {
    if (inspection.actorRef.sessionId !== inspection.rootId) return
    if (inspection.type === '@xstate.snapshot') {
      const raw = (inspection.snapshot as { value?: unknown }).value
      // A room's `present` has a child state: the top-level name is the one that reads.
      const value = typeof raw === 'object' && raw !== null ? (Object.keys(raw)[0] ?? '') : String(raw)
      if (value !== this.state) this.enteredAt.set(value, performance.now())
      this.state = value
      return
    }
    if (inspection.type !== '@xstate.event') return
    const event = inspection.event as LoggedEvent
    if (event.type.startsWith('xstate.') && !/^xstate\.(done|error|after|snapshot\.pollAnswer)/.test(event.type)) return
    const words = this.words(event)
    if (words !== undefined) this.write(words, event.type)
  }

  private since(state: string): string {
    const at = this.enteredAt.get(state)
    return at === undefined ? '' : ` (${Math.round(performance.now() - at)} ms)`
  }

  private words(event: LoggedEvent): string | undefined {
    const type = event.type
    if (type === 'JOIN' || type === 'RETRY') this.said.clear()
    if (type === 'JOIN') return `asked to join room “${event.room ?? ''}”`
    if (type === 'HANGUP') return 'hung up'
    if (type === 'RETRY') return 'trying again'
    if (type === 'xstate.done.actor.readRoom') {
      return event.output == null ? `read the room: nobody there, so we offer${this.since('joining')}` : `read the room: an offer is waiting, so we answer${this.since('joining')}`
    }
    if (type === 'PEER.SIGNAL') {
      // With trickle each new candidate is a signal too: the description is ready once per call.
      const what = this.state === 'creatingAnswer' ? 'our answer is ready' : 'our offer is ready'
      if (this.said.has(what)) return undefined
      this.said.add(what)
      return `${what}${this.since(this.state === 'creatingAnswer' ? 'creatingAnswer' : 'joining')}`
    }
    if (type === 'xstate.done.actor.publishOffer') return `offer stored in the room${this.since('publishing')}; waiting for someone to answer`
    if (type === 'xstate.done.actor.publishAnswer') return `answer stored for the other side${this.since('publishingAnswer')}`
    if (type === 'xstate.snapshot.pollAnswer') {
      return event.snapshot?.context === undefined ? undefined : `the answer arrived${this.since('pollingAnswer')}`
    }
    const room = this.roomWords(event)
    if (room !== undefined) return room ?? undefined
    if (type === 'PEER.CONNECT') return 'the two browsers reached each other'
    if (type === 'PEER.CLOSE') return 'the other side closed the connection'
    if (type === 'PEER.ERROR') return `the connection failed: ${event.error?.message ?? 'unknown error'}`
    if (type.startsWith('xstate.error.actor.')) return `${eventWords(type)}: ${event.error?.message ?? 'unknown error'}`
    if (type.startsWith('xstate.after.')) return `gave up waiting: ${eventWords(type)}`
    if (type.startsWith('xstate.done.actor.')) return eventWords(type)
    return type
  }

  /** The words of a room machine's own events (a room of many): `null` for one not worth a line, undefined for any other event. */
  private roomWords(event: LoggedEvent): string | null | undefined {
    // The room's timer that retries failed pairs fires every few seconds: a line each time would bury the rest.
    if (event.type.startsWith('xstate.after.pairRetry')) return null
    if (event.type === 'xstate.done.actor.claimSlot') {
      this.roomCount = undefined
      return `took place ${Number(event.output) + 1} in the room${this.since('claiming')}`
    }
    if (event.type === 'SLOTS') {
      // The slots are read again every few seconds: a line only when the count changes.
      const count = (event.occupants ?? []).filter((occupant) => occupant !== null).length
      if (count === this.roomCount) return null
      this.roomCount = count
      return `the room now holds ${count} ${count === 1 ? 'person' : 'people'}`
    }
    if (event.type === 'SLOT.LOST') return 'our place in the room was taken after it expired: taking another'
    if (event.type === 'LEAVE') return 'left the room'
    const done = /^xstate\.done\.actor\.(.+)$/.exec(event.type)?.[1]
    // In the room, the other done actors are pairs (named by the other peer's id) that ended.
    if (this.state === 'present' && done !== undefined && !ROOM_ACTORS.has(done)) return `the pair with ${peerName(done)} ended`
    return undefined
  }
}
