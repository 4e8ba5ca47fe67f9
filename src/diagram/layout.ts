/**
 * Lays out a {@link MachineGraph} with ELK's layered algorithm (elkjs, the
 * bundled build: no worker, the same in browsers and in Node): node sizes from
 * their text, edge labels placed by ELK, orthogonal edge routing. The result
 * is plain geometry in pixels, drawn by `statechartSvg`.
 *
 * @module
 */
import type { ELK, ELKConstructorArguments, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js'
import type { MachineGraph } from './graph.js'

/** Font size of state names, in px (the drawing is meant to be shown at scale 1). */
export const TITLE_FONT_PX = 15
/** Font size of transition labels and internal transitions, in px: above the 11 px floor of readable text. */
export const LABEL_FONT_PX = 13
/** Height of one line of label text, in px. */
export const LINE_HEIGHT_PX = 17
/** Space between a node's border and its text, in px. */
const NODE_PADDING_PX = 10
/** Space around a label's text, in px. */
const LABEL_PADDING_PX = 3
/** Diameter of the initial-state dot, in px. */
export const START_DOT_PX = 14
/** Width of one character when nothing can measure text: a generous average for system-ui, in ems. */
const AVERAGE_CHAR_EM = 0.62

/** The id of the pseudo-node standing for "any state" (transitions of the root). */
export const ANY_STATE = '*'
/** The id of the pseudo-node the initial transition starts from. */
export const START = '*start'

/** Measures the width of `text` at `fontPx`, in px. */
export type MeasureText = (text: string, fontPx: number, bold: boolean) => number

/** An estimate from the character count, for Node (the docs) or when no canvas is at hand. */
export const estimateText: MeasureText = (text, fontPx, bold) => Math.ceil(text.length * fontPx * AVERAGE_CHAR_EM * (bold ? 1.06 : 1))

/** A placed state (or pseudo-node). */
export interface PlacedNode {
  id: string
  kind: 'state' | 'final' | 'any' | 'start'
  x: number
  y: number
  width: number
  height: number
  /** Internal transitions (no target) drawn inside the box, one label per line. */
  internal: Array<{ eventType: string; label: string }>
  description: string | undefined
}

/** A placed label line of an edge. */
export interface PlacedLabel {
  x: number
  y: number
  width: number
  height: number
  lines: Array<{ eventType: string; label: string }>
}

/** A routed edge: a polyline from `from` to `to`. */
export interface PlacedEdge {
  id: string
  from: string
  to: string
  points: Array<{ x: number; y: number }>
  label: PlacedLabel | undefined
}

/** The whole drawing, in px. */
export interface StatechartLayout {
  width: number
  height: number
  nodes: PlacedNode[]
  edges: PlacedEdge[]
}

/** elkjs's bundled ELK (in place), loaded only when no other ELK is given: a large module, slow to evaluate. */
async function bundledElk(): Promise<ELK> {
  // A CommonJS default export, typed through its API declarations.
  const { default: Elk } = (await import('elkjs/lib/elk.bundled.js')) as unknown as { default: new (options?: ELKConstructorArguments) => ELK }
  return new Elk()
}

const LAYOUT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.edgeLabels.inline': 'true',
  'elk.layered.edgeLabels.sideSelection': 'SMART_DOWN',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'false',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.layered.spacing.edgeNodeBetweenLayers': '18',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '12',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeNode': '14',
  'elk.spacing.edgeEdge': '12',
  'elk.spacing.edgeLabel': '4',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
}

/**
 * Lays out `graph`: states as boxes sized to their names and internal
 * transitions, every other transition an edge with its label lines. `elk`:
 * the ELK to lay out with (a page passes one backed by elkjs's worker, so the
 * layout never blocks its main thread); default elkjs's bundled one, in place.
 */
export async function layoutStatechart(graph: MachineGraph, measure: MeasureText = estimateText, elk?: ELK): Promise<StatechartLayout> {
  const textWidth = (lines: string[], fontPx: number, bold = false) => Math.max(0, ...lines.map((line) => measure(line, fontPx, bold)))
  const nodes: PlacedNode[] = []
  const elkNodes: ElkNode[] = []
  const addNode = (node: Omit<PlacedNode, 'x' | 'y' | 'width' | 'height'>, title: string): void => {
    const lines = node.internal.map((transition) => transition.label)
    const width = node.kind === 'start' ? START_DOT_PX : Math.max(textWidth([title], TITLE_FONT_PX, true), textWidth(lines, LABEL_FONT_PX)) + 2 * NODE_PADDING_PX
    const height = node.kind === 'start' ? START_DOT_PX : TITLE_FONT_PX + 2 * NODE_PADDING_PX + lines.length * LINE_HEIGHT_PX
    nodes.push({ ...node, x: 0, y: 0, width, height })
    elkNodes.push({ id: node.id, width, height })
  }
  const initial = graph.nodes.find((node) => node.initial)
  if (initial !== undefined) addNode({ id: START, kind: 'start', internal: [], description: 'where the machine starts' }, '')
  for (const node of graph.nodes) {
    const internal = graph.edges.filter((edge) => edge.from === node.id && edge.internal).flatMap((edge) => edge.transitions)
    addNode({ id: node.id, kind: node.final ? 'final' : 'state', internal, description: node.description }, node.id)
  }
  if (graph.anyState.length > 0) addNode({ id: ANY_STATE, kind: 'any', internal: [], description: 'transitions the machine takes from every state' }, 'any state')

  const drawn = [...graph.edges.filter((edge) => !edge.internal && edge.from !== edge.to), ...graph.anyState.map((edge) => ({ ...edge, from: ANY_STATE }))]
  const elkEdges: ElkExtendedEdge[] = drawn.map((edge) => {
    const lines = edge.transitions.map((transition) => transition.label)
    return {
      id: `${edge.from}->${edge.to}`,
      sources: [edge.from],
      targets: [edge.to],
      labels: [{ id: `${edge.from}->${edge.to}:label`, layoutOptions: { 'elk.edgeLabels.inline': 'true' }, text: lines.join('\n'), width: textWidth(lines, LABEL_FONT_PX) + 2 * LABEL_PADDING_PX, height: lines.length * LINE_HEIGHT_PX + 2 * LABEL_PADDING_PX }],
    }
  })
  if (initial !== undefined) elkEdges.unshift({ id: `${START}->${initial.id}`, sources: [START], targets: [initial.id] })

  const graphIn: ElkNode = { id: 'root', layoutOptions: LAYOUT_OPTIONS, children: elkNodes, edges: elkEdges }
  const result: ElkNode = await (elk ?? (await bundledElk())).layout(graphIn)
  const placed = new Map((result.children ?? []).map((child) => [child.id, child]))
  for (const node of nodes) Object.assign(node, { x: placed.get(node.id)?.x ?? 0, y: placed.get(node.id)?.y ?? 0 })
  const edges: PlacedEdge[] = (result.edges ?? []).map((edge) => {
    const [from = '', to = ''] = edge.id.split('->')
    const points = (edge.sections ?? []).flatMap((section) => [section.startPoint, ...(section.bendPoints ?? []), section.endPoint])
    const label = edge.labels?.[0]
    const source = drawn.find((candidate) => `${candidate.from}->${candidate.to}` === edge.id)
    return {
      id: edge.id,
      from,
      to,
      points: points.map(({ x, y }) => ({ x, y })),
      label:
        label === undefined || source === undefined
          ? undefined
          : { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0, lines: source.transitions },
    }
  })
  return { width: Math.ceil(result.width ?? 0), height: Math.ceil(result.height ?? 0), nodes, edges }
}
