/**
 * Draws a {@link StatechartLayout} as SVG text: the same drawing for the live
 * panel (parsed into the page) and for docs/statechart.svg. Its stylesheet is
 * inside, so the file stands alone; class names start with `sb-`.
 *
 * @module
 */
import { LABEL_FONT_PX, LINE_HEIGHT_PX, START_DOT_PX, TITLE_FONT_PX, type PlacedEdge, type PlacedNode, type StatechartLayout } from './layout.js'

const NODE_PADDING_PX = 10
const CORNER_PX = 8

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

/** The stylesheet inside every drawing. Colours meet WCAG AA contrast on white. */
export const STATECHART_CSS = `
.sb-statechart { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; background: #fff; }
.sb-statechart text { fill: #1d2330; }
.sb-node rect { fill: #f0f3f9; stroke: #7d879a; stroke-width: 1.5; }
.sb-node.sb-final rect { stroke-width: 3; }
.sb-node.sb-any rect { fill: #fff; stroke-dasharray: 5 4; }
.sb-node .sb-title { font-size: ${TITLE_FONT_PX}px; font-weight: 600; }
.sb-node .sb-internal, .sb-label text { font-size: ${LABEL_FONT_PX}px; }
.sb-node .sb-internal { fill: #3f4a5e; }
.sb-node:focus { outline: none; }
.sb-node:focus rect, .sb-node:hover rect { stroke: #173b91; stroke-width: 3; }
.sb-node.sb-visited rect { stroke: #2b5fd9; }
.sb-node.sb-active rect { fill: #2b5fd9; stroke: #173b91; }
.sb-node.sb-active text { fill: #fff; }
.sb-start circle { fill: #1d2330; }
.sb-edge path { fill: none; stroke: #8a94a6; stroke-width: 1.5; }
.sb-label rect { fill: #fff; fill-opacity: 0.92; }
.sb-label text { fill: #3a4456; }
.sb-edge.sb-taken path { stroke: #d9822b; stroke-width: 3.5; }
.sb-edge.sb-taken .sb-label rect { fill: #fff1e0; fill-opacity: 1; }
.sb-edge.sb-taken .sb-label text { fill: #6b3a00; font-weight: 600; }
@media (prefers-reduced-motion: no-preference) {
  .sb-edge.sb-taken path { stroke-dasharray: 8 5; animation: sb-flow 0.6s linear 3; }
}
@keyframes sb-flow { to { stroke-dashoffset: -26; } }
`

function nodeSvg(node: PlacedNode): string {
  if (node.kind === 'start') {
    const r = START_DOT_PX / 2
    return `<g class="sb-start" data-node="${escapeXml(node.id)}"><circle cx="${node.x + r}" cy="${node.y + r}" r="${r}"/></g>`
  }
  const title = node.kind === 'any' ? 'any state' : node.id
  const classes = ['sb-node', node.kind === 'final' ? 'sb-final' : '', node.kind === 'any' ? 'sb-any' : ''].filter(Boolean).join(' ')
  const description = node.description ?? title
  const centre = node.x + node.width / 2
  const internal = node.internal
    .map(
      (line, index) =>
        `<text class="sb-internal" data-event="${escapeXml(line.eventType)}" x="${node.x + NODE_PADDING_PX}" y="${node.y + NODE_PADDING_PX + TITLE_FONT_PX + (index + 0.8) * LINE_HEIGHT_PX}">${escapeXml(line.label)}</text>`,
    )
    .join('')
  const state = node.kind === 'any' ? '' : ` data-state="${escapeXml(node.id)}"`
  return (
    `<g class="${classes}"${state} data-node="${escapeXml(node.id)}" tabindex="0" role="img" aria-label="${escapeXml(`${title}: ${description}`)}">` +
    `<title>${escapeXml(description)}</title>` +
    `<rect x="${node.x}" y="${node.y}" width="${node.width}" height="${node.height}" rx="${node.kind === 'final' ? node.height / 2 : CORNER_PX}"/>` +
    `<text class="sb-title" x="${centre}" y="${node.y + NODE_PADDING_PX + TITLE_FONT_PX * 0.8}" text-anchor="middle">${escapeXml(title)}</text>` +
    `${internal}</g>`
  )
}

function edgeSvg(edge: PlacedEdge, marker: string): string {
  const d = edge.points.map((point, index) => `${index === 0 ? 'M' : 'L'}${round(point.x)} ${round(point.y)}`).join(' ')
  const label = edge.label
  const text =
    label === undefined
      ? ''
      : `<g class="sb-label"><rect x="${label.x}" y="${label.y}" width="${label.width}" height="${label.height}" rx="3"/>` +
        label.lines
          .map(
            (line, index) =>
              `<text data-event="${escapeXml(line.eventType)}" x="${label.x + label.width / 2}" y="${label.y + 3 + (index + 0.8) * LINE_HEIGHT_PX}" text-anchor="middle">${escapeXml(line.label)}</text>`,
          )
          .join('') +
        '</g>'
  return `<g class="sb-edge" data-edge="${escapeXml(edge.id)}" data-from="${escapeXml(edge.from)}" data-to="${escapeXml(edge.to)}"><path d="${d}" marker-end="url(#${marker})"/>${text}</g>`
}

function round(value: number): number {
  return Math.round(value * 10) / 10
}

/**
 * The drawing as SVG text, at scale 1 (one unit is one CSS pixel, so its text
 * keeps its size on screen). `idPrefix` keeps the arrow marker's id unique in a page.
 */
export function statechartSvg(layout: StatechartLayout, options: { title?: string; idPrefix?: string } = {}): string {
  const marker = `${options.idPrefix ?? 'sb'}-arrow`
  const title = options.title ?? 'statechart'
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="sb-statechart" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="group" aria-label="${escapeXml(title)}">` +
    `<style>${STATECHART_CSS}</style>` +
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#5b6578"/></marker></defs>` +
    `<rect width="100%" height="100%" fill="#fff"/>` +
    layout.edges.map((edge) => edgeSvg(edge, marker)).join('') +
    layout.nodes.map(nodeSvg).join('') +
    '</svg>'
  )
}
