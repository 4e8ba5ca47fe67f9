/**
 * The ELK layout of the statechart (src/diagram/layout.ts), in Node: every
 * transition of the machine gets a label in words, no edge crosses a state's
 * box, and docs/statechart.svg is the drawing of the current machine.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { signalingMachine } from '../src/index.js'
import { layoutStatechart, machineGraph, transitionLabel, type PlacedNode, type StatechartLayout } from '../src/diagram/index.js'
import { diagramSvg, SVG_FILE } from '../scripts/diagram.js'

type Point = { x: number; y: number }

/** True when the axis-parallel or slanted segment a→b enters the box shrunk by `inset` px. */
function segmentCrossesBox(a: Point, b: Point, box: Pick<PlacedNode, 'x' | 'y' | 'width' | 'height'>, inset = 1): boolean {
  const left = box.x + inset
  const right = box.x + box.width - inset
  const top = box.y + inset
  const bottom = box.y + box.height - inset
  const steps = 64
  for (let step = 0; step <= steps; step++) {
    const x = a.x + ((b.x - a.x) * step) / steps
    const y = a.y + ((b.y - a.y) * step) / steps
    if (x > left && x < right && y > top && y < bottom) return true
  }
  return false
}

function crossings(layout: StatechartLayout): string[] {
  const found: string[] = []
  for (const edge of layout.edges) {
    for (const node of layout.nodes) {
      if (node.id === edge.from || node.id === edge.to) continue
      edge.points.slice(1).forEach((point, index) => {
        if (segmentCrossesBox(edge.points[index]!, point, node)) found.push(`${edge.id} crosses ${node.id}`)
      })
    }
  }
  return found
}

describe('the statechart layout', () => {
  it('labels every transition of the machine in words, on its edge or inside its state', async () => {
    const layout = await layoutStatechart(machineGraph(signalingMachine))
    for (const [key, node] of Object.entries(signalingMachine.root.states)) {
      const lists: Array<[string, readonly { guard?: unknown; target?: ReadonlyArray<{ key: string }> | undefined }[]]> = [['', node.always ?? []], ...node.transitions]
      for (const [eventType, transitions] of lists) {
        transitions.forEach((transition, index) => {
          const label = transitionLabel(eventType, transition.guard, index > 0 && transition.guard === undefined)
          const target = transition.target?.[0]?.key
          const lines = target === undefined ? layout.nodes.find((placed) => placed.id === key)?.internal : layout.edges.find((edge) => edge.id === `${key}->${target}`)?.label?.lines
          expect(lines?.map((line) => line.label), `${key} ${eventType}`).toContain(label)
        })
      }
    }
    expect(layout.edges.find((edge) => edge.id === '*->closed')?.label?.lines.map((line) => line.label)).toEqual(['HANGUP'])
  })

  it('reads timeouts and actor results as words', () => {
    expect(transitionLabel('xstate.after.answerTimeout.signaling.pollingAnswer', undefined, false)).toBe('after 120 s')
    expect(transitionLabel('xstate.done.actor.readRoom', { type: 'foundOffer' }, false)).toBe('readRoom done: offer found')
    expect(transitionLabel('xstate.done.actor.readRoom', undefined, true)).toBe('readRoom done: nobody there')
    expect(transitionLabel('SOMETHING.NEW', 'unknownGuard', false)).toBe('SOMETHING.NEW: unknownGuard')
  })

  it('routes no edge through a state’s box', async () => {
    const layout = await layoutStatechart(machineGraph(signalingMachine))
    expect(layout.edges.length).toBeGreaterThan(10)
    expect(crossings(layout)).toEqual([])
    const outside = { x: 0, y: 0, width: 10, height: 10 }
    expect(segmentCrossesBox({ x: -5, y: 5 }, { x: 15, y: 5 }, outside)).toBe(true)
  })

  it('in docs/statechart.svg is the drawing of the current machine (npm run docs:diagram)', async () => {
    expect(readFileSync(SVG_FILE, 'utf8')).toBe(await diagramSvg())
  })
})
