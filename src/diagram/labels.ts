/**
 * The label vocabulary of the statechart view: every transition in words a
 * person can read (`JOIN`, `after 120 s`, `readRoom done: offer found`),
 * from its event type and guard. Unknown events and guards fall back to
 * their names, so any machine can be drawn.
 *
 * @module
 */
import { ANSWER_TIMEOUT_MS, CONNECT_TIMEOUT_MS, HANGUP_DRAIN_TIMEOUT_MS, SIGNAL_TIMEOUT_MS } from '../machines/signaling.types.js'

/** Words for the parts of a transition; every field is optional and merged over {@link SIGNALING_VOCABULARY}. */
export interface LabelVocabulary {
  /** A whole label for an event type (`xstate.snapshot.pollAnswer` → `answer arrived`). */
  events?: Record<string, string>
  /** Words after the event for a guard name (`foundOffer` → `offer found`); an empty string adds nothing. */
  guards?: Record<string, string>
  /** Words for the unguarded transition that follows guarded ones, by event type (`JOIN` → `invalid room`). */
  otherwise?: Record<string, string>
  /** Default length of each named delay, in ms, so `after signalTimeout` reads `after 15 s`. */
  delays?: Record<string, number>
}

/** The words for the signaling machine's events, guards and delays. */
export const SIGNALING_VOCABULARY: Required<LabelVocabulary> = {
  events: {
    'xstate.snapshot.pollAnswer': 'answer arrived',
    'xstate.done.actor.publishOffer': 'offer stored',
    'xstate.done.actor.publishAnswer': 'answer stored',
    'xstate.error.actor.confirmOffer': 'their offer is gone',
    'PEER.SIGNAL': 'PEER.SIGNAL: description ready (trickling: one more candidate)',
    'STORE.SIGNAL': 'STORE.SIGNAL: their newer candidates',
    'xstate.done.actor.withdrawOffer': 'offer withdrawn',
    'PEER.HANGUP': 'PEER.HANGUP: the other side hung up',
    'PEER.HUNG_UP': 'PEER.HUNG_UP: said goodbye',
    'PEER.RENEGOTIATE': 'PEER.RENEGOTIATE: our renegotiation, relayed over the control channel',
    'PEER.REMOTE_SIGNAL': 'PEER.REMOTE_SIGNAL: renegotiation over the control channel',
    'PEER.NEGOTIATED': 'PEER.NEGOTIATED: stable again',
  },
  guards: {
    hasValidRoom: 'room given',
    hasInvalidRoom: 'invalid room',
    isValidJoin: '',
    foundOffer: 'offer found',
    mayJoinAgain: 'lost the race, read again',
    lostToOffer: 'lost the race, their offer at hand',
    isExists: 'room taken',
    hasAnswer: '',
    answeredInTime: 'an answer came first',
    peerConnected: 'already connected',
    isPeerClosed: 'other side left',
  },
  otherwise: {
    JOIN: 'invalid room',
    'xstate.done.actor.readRoom': 'nobody there',
    'PEER.ERROR': 'failure',
    'xstate.done.actor.withdrawOffer': 'nobody answered',
  },
  delays: { signalTimeout: SIGNAL_TIMEOUT_MS, answerTimeout: ANSWER_TIMEOUT_MS, connectTimeout: CONNECT_TIMEOUT_MS, drainTimeout: HANGUP_DRAIN_TIMEOUT_MS },
}

const MS_PER_SECOND = 1000

/** `15000` → `15 s`, `250` → `250 ms`. */
export function formatDuration(ms: number): string {
  return ms >= MS_PER_SECOND ? `${Math.round((ms / MS_PER_SECOND) * 10) / 10} s` : `${ms} ms`
}

/** The name of a transition's guard (`'foundOffer'`, `{ type: 'foundOffer' }`), or undefined when it has none or it is an inline function. */
export function guardName(guard: unknown): string | undefined {
  if (typeof guard === 'string') return guard
  const type = (guard as { type?: unknown } | undefined)?.type
  return typeof type === 'string' ? type : undefined
}

/** The event part of a label: `JOIN`, `readRoom done`, `after 15 s`; eventless transitions give an empty string. */
export function eventWords(eventType: string, vocabulary: LabelVocabulary = SIGNALING_VOCABULARY): string {
  if (eventType === '') return ''
  const known = vocabulary.events?.[eventType]
  if (known !== undefined) return known
  const parts = eventType.split('.')
  if (parts[0] !== 'xstate') return eventType
  if (parts[1] === 'after') {
    const ms = vocabulary.delays?.[parts[2] ?? ''] ?? Number(parts[2])
    return `after ${Number.isFinite(ms) ? formatDuration(ms) : parts[2]}`
  }
  if (parts[1] === 'done' && parts[2] === 'actor') return `${parts[3]} done`
  if (parts[1] === 'error' && parts[2] === 'actor') return `${parts[3]} failed`
  if (parts[1] === 'snapshot') return `${parts[2]} emits`
  return eventType
}

/**
 * A transition's label: the event's words, then `: ` and the guard's words.
 * `fallback` marks an unguarded transition after guarded ones for the same event (the "otherwise" branch).
 */
export function transitionLabel(eventType: string, guard: unknown, fallback: boolean, vocabulary: LabelVocabulary = SIGNALING_VOCABULARY): string {
  const event = eventWords(eventType, vocabulary)
  const name = guardName(guard)
  const condition =
    name !== undefined ? (vocabulary.guards?.[name] ?? name) : guard !== undefined ? 'guarded' : fallback ? (vocabulary.otherwise?.[eventType] ?? (eventType.startsWith('xstate.error.') ? '' : 'otherwise')) : ''
  if (event === '') return condition === '' ? 'always' : condition
  return condition === '' ? event : `${event}: ${condition}`
}

/** {@link SIGNALING_VOCABULARY} with `extra`'s entries on top. */
export function mergeVocabulary(extra: LabelVocabulary = {}): Required<LabelVocabulary> {
  return {
    events: { ...SIGNALING_VOCABULARY.events, ...extra.events },
    guards: { ...SIGNALING_VOCABULARY.guards, ...extra.guards },
    otherwise: { ...SIGNALING_VOCABULARY.otherwise, ...extra.otherwise },
    delays: { ...SIGNALING_VOCABULARY.delays, ...extra.delays },
  }
}
