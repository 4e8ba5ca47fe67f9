/**
 * Draws a statechart as a Mermaid `stateDiagram-v2`, from the machine
 * definition itself, so the picture in docs/ can never drift from the code.
 *
 * @module
 */
import type { AnyStateMachine } from 'xstate'
import { mergeVocabulary, transitionLabel, type LabelVocabulary } from './labels.js'

interface TransitionLike {
  eventType: string
  target?: ReadonlyArray<{ key: string }> | undefined
  guard?: unknown
}

/** A readable label for an event type: `readRoom done`, `after answerTimeout`, `pollAnswer emits`. */
export function eventLabel(eventType: string): string {
  const parts = eventType.split('.')
  if (eventType === '') return 'always'
  if (parts[0] !== 'xstate') return eventType
  if (parts[1] === 'after') return `after ${parts[2]}`
  if (parts[1] === 'done' && parts[2] === 'actor') return `${parts[3]} done`
  if (parts[1] === 'error' && parts[2] === 'actor') return `${parts[3]} error`
  if (parts[1] === 'snapshot') return `${parts[2]} emits`
  return eventType
}

function guardLabel(guard: unknown): string {
  if (guard === undefined) return ''
  const name = typeof guard === 'string' ? guard : (guard as { type?: unknown }).type
  return typeof name === 'string' ? ` [${name}]` : ' [guard]'
}

/**
 * The machine's top-level states and transitions as Mermaid: one edge per
 * transition (guards in brackets, eventless ones as `always`), and a note for
 * each transition the root takes from every state (such as `HANGUP`).
 */
export function toMermaid(machine: AnyStateMachine): string {
  const root = machine.root
  const lines = ['stateDiagram-v2']
  const initial = root.initial?.target[0]?.key
  if (initial !== undefined) lines.push(`  [*] --> ${initial}`)
  const edge = (from: string, transition: TransitionLike, eventType: string): void => {
    const to = transition.target?.[0]?.key ?? from
    lines.push(`  ${from} --> ${to} : ${eventLabel(eventType)}${guardLabel(transition.guard)}`)
  }
  for (const node of Object.values(root.states)) {
    for (const transition of node.always ?? []) edge(node.key, transition, '')
    for (const [eventType, transitions] of node.transitions) {
      for (const transition of transitions) edge(node.key, transition, eventType)
    }
    if (node.type === 'final') lines.push(`  ${node.key} --> [*]`)
  }
  for (const [eventType, transitions] of root.transitions) {
    for (const transition of transitions) {
      const to = transition.target?.[0]?.key
      if (to !== undefined) lines.push(`  note right of ${to} : ${eventLabel(eventType)} from any state leads here`)
    }
  }
  return lines.join('\n')
}

/** A state in {@link machineGraph}: where to draw it. */
export interface GraphNode {
  id: string
  /** Column: the state's distance from the initial state. */
  column: number
  /** Row within its column, in the order states were reached. */
  row: number
  initial: boolean
  final: boolean
  description: string | undefined
}

/** One transition of a {@link GraphEdge}. */
export interface GraphTransition {
  /** The event type (`''` for an eventless one). */
  eventType: string
  /** The label in words, from the vocabulary (`readRoom done: offer found`, `after 15 s`). */
  label: string
}

/** A transition (or several between the same two states) in {@link machineGraph}. */
export interface GraphEdge {
  from: string
  to: string
  /** Every event that takes it, readable (`PEER.SIGNAL`, `readRoom done [foundOffer]`). */
  labels: string[]
  /** The same transitions in words, in the same order. */
  transitions: GraphTransition[]
  /** True for transitions without a target: they run actions and stay in the state. */
  internal: boolean
}

/** What {@link machineGraph} returns. */
export interface MachineGraph {
  nodes: GraphNode[]
  edges: GraphEdge[]
  /** Transitions the root takes from any state (`HANGUP` → `closed`), with `from` set to `*`. */
  anyState: GraphEdge[]
}

/**
 * The machine's top-level states and transitions as a laid-out graph, for
 * drawing a live diagram: each state in the column of its breadth-first
 * distance from the initial state.
 */
export function machineGraph(machine: AnyStateMachine, vocabulary: LabelVocabulary = {}): MachineGraph {
  const words = mergeVocabulary(vocabulary)
  const root = machine.root
  const states = Object.values(root.states)
  const edges = new Map<string, GraphEdge>()
  const addEdges = (from: string, transitions: readonly TransitionLike[], eventType: string, into = edges): void => {
    transitions.forEach((transition, index) => {
      const to = transition.target?.[0]?.key ?? from
      const internal = transition.target === undefined || transition.target.length === 0
      const key = `${from}->${to}`
      const edge = into.get(key) ?? { from, to, labels: [], transitions: [], internal }
      edge.labels.push(`${eventLabel(eventType)}${guardLabel(transition.guard)}`)
      const fallback = index > 0 && transition.guard === undefined
      edge.transitions.push({ eventType, label: transitionLabel(eventType, transition.guard, fallback, words) })
      into.set(key, edge)
    })
  }
  for (const node of states) {
    addEdges(node.key, node.always ?? [], '')
    for (const [eventType, transitions] of node.transitions) addEdges(node.key, transitions, eventType)
  }
  const anyState = new Map<string, GraphEdge>()
  for (const [eventType, transitions] of root.transitions) addEdges('*', transitions, eventType, anyState)
  const initial = root.initial?.target[0]?.key ?? states[0]?.key ?? ''
  const depth = new Map<string, number>([[initial, 0]])
  const queue = [initial]
  while (queue.length > 0) {
    const current = queue.shift()!
    for (const edge of edges.values()) {
      if (edge.from === current && !depth.has(edge.to)) {
        depth.set(edge.to, depth.get(current)! + 1)
        queue.push(edge.to)
      }
    }
  }
  const rows = new Map<number, number>()
  const nodes = states.map((node) => {
    const column = depth.get(node.key) ?? Math.max(0, ...depth.values()) + 1
    const row = rows.get(column) ?? 0
    rows.set(column, row + 1)
    return { id: node.key, column, row, initial: node.key === initial, final: node.type === 'final', description: node.description }
  })
  return { nodes, edges: [...edges.values()], anyState: [...anyState.values()] }
}
