/**
 * The live statechart panel: the diagram drawn from the machine definition
 * (src/diagram/graph.ts machineGraph), the active state highlighted as it changes,
 * and the events with their timings. No network: it works offline.
 */
import type { AnyStateMachine } from 'xstate'
import { machineGraph } from '../src/diagram/graph.js'

const SVG = 'http://www.w3.org/2000/svg'
const NODE_WIDTH = 132
const NODE_HEIGHT = 30
const COLUMN_GAP = 168
const ROW_GAP = 56
const MARGIN = 12

function element<K extends keyof SVGElementTagNameMap>(name: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name)
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value))
  return node
}

/** Draws `machine` into `container`; returns the function that marks the active state. */
export function renderStatechart(container: HTMLElement, machine: AnyStateMachine): (state: string) => void {
  const { nodes, edges } = machineGraph(machine)
  const columns = Math.max(...nodes.map((node) => node.column)) + 1
  const rows = Math.max(...nodes.map((node) => node.row)) + 1
  const svg = element('svg', { viewBox: `0 0 ${columns * COLUMN_GAP + MARGIN} ${rows * ROW_GAP + MARGIN}`, role: 'img', 'aria-label': 'signaling statechart' })
  const defs = element('defs', {})
  const marker = element('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' })
  marker.append(element('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#b4bccb' }))
  defs.append(marker)
  svg.append(defs)
  const centre = new Map(nodes.map((node) => [node.id, { x: MARGIN + node.column * COLUMN_GAP + NODE_WIDTH / 2, y: MARGIN + node.row * ROW_GAP + NODE_HEIGHT / 2 }]))
  for (const edge of edges) {
    if (edge.from === edge.to) continue
    const from = centre.get(edge.from)!
    const to = centre.get(edge.to)!
    const line = element('line', { x1: from.x, y1: from.y, x2: to.x, y2: to.y, 'data-edge': `${edge.from}->${edge.to}` })
    const title = element('title', {})
    title.textContent = `${edge.from} → ${edge.to}: ${edge.labels.join(', ')}`
    line.append(title)
    svg.append(line)
  }
  const boxes = new Map<string, SVGGElement>()
  for (const node of nodes) {
    const { x, y } = centre.get(node.id)!
    const group = element('g', { class: 'node', 'data-state': node.id })
    group.append(element('rect', { x: x - NODE_WIDTH / 2, y: y - NODE_HEIGHT / 2, width: NODE_WIDTH, height: NODE_HEIGHT, rx: node.final ? 14 : 6 }))
    const label = element('text', { x, y })
    label.textContent = node.id
    const title = element('title', {})
    title.textContent = node.description ?? node.id
    group.append(label, title)
    svg.append(group)
    boxes.set(node.id, group)
  }
  container.replaceChildren(svg)
  let active: SVGGElement | undefined
  return (state) => {
    active?.classList.remove('active')
    active = boxes.get(state)
    active?.classList.add('active', 'visited')
  }
}

/** Appends an event and its time since `startedAt` to the log list. */
export function logEvent(list: HTMLElement, startedAt: number, text: string): void {
  const item = document.createElement('li')
  item.textContent = `+${String(Math.round(performance.now() - startedAt)).padStart(6)} ms  ${text}`
  list.append(item)
  list.scrollTop = list.scrollHeight
}
