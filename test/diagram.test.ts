import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { signalingMachine } from '../src/index.js'
import { eventLabel, toMermaid } from '../src/diagram/graph.js'
import { currentBlock, diagramBlock, DIAGRAM_FILE } from '../scripts/diagram.js'

describe('the state diagram', () => {
  it('in docs/architecture.md is the one generated from the machine (npm run docs:diagram)', () => {
    expect(currentBlock(readFileSync(DIAGRAM_FILE, 'utf8'))).toBe(diagramBlock())
  })

  it('shows every state and every transition of the machine', () => {
    const diagram = toMermaid(signalingMachine)
    for (const [key, node] of Object.entries(signalingMachine.root.states)) {
      expect(diagram).toMatch(new RegExp(`^  ${key} --> `, 'm'))
      for (const [eventType, transitions] of node.transitions) {
        for (const transition of transitions) {
          const target = transition.target?.[0]?.key ?? key
          expect(diagram).toContain(`  ${key} --> ${target} : ${eventLabel(eventType)}`)
        }
      }
    }
    expect(diagram).toContain('note right of closed : HANGUP from any state leads here')
  })
})
