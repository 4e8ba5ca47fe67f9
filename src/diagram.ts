/**
 * Draws a statechart as a Mermaid `stateDiagram-v2`, from the machine
 * definition itself, so the picture in docs/ can never drift from the code.
 *
 * @module
 */
import type { AnyStateMachine } from 'xstate'

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
