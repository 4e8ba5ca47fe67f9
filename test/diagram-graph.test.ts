import { describe, expect, it } from 'vitest'
import { signalingMachine } from '../src/index.js'
import { machineGraph } from '../src/diagram/graph.js'

describe('the statechart panel’s graph', () => {
  it('has a node for every state of the machine and an edge for every transition', () => {
    const graph = machineGraph(signalingMachine)
    expect(graph.nodes.map((node) => node.id).sort()).toEqual(Object.keys(signalingMachine.root.states).sort())
    const transitions = Object.values(signalingMachine.root.states).reduce(
      (count, node) => count + (node.always?.length ?? 0) + [...node.transitions.values()].reduce((sum, list) => sum + list.length, 0),
      0,
    )
    expect(graph.edges.reduce((count, edge) => count + edge.labels.length, 0)).toBe(transitions)
    const at = (id: string) => graph.nodes.find((node) => node.id === id)!
    expect(at('idle')).toMatchObject({ column: 0, initial: true })
    expect(at('closed').final).toBe(true)
    expect(at('connected').column).toBeGreaterThan(at('connecting').column)
    const places = new Set(graph.nodes.map((node) => `${node.column}:${node.row}`))
    expect(places.size).toBe(graph.nodes.length)
  })
})
