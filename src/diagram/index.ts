/**
 * `signalbox/diagram`: the statechart view. {@link renderStatechart} draws the
 * live state of any `SignalingActor` into an element (ELK layered layout, every
 * transition labelled, the active state highlighted); {@link statechartSvg}
 * with {@link layoutStatechart} gives the same drawing as SVG text. DOM only
 * (the layout functions also run in Node); nothing is fetched from the network.
 *
 * @module
 */
export { drawStatechart, renderStatechart, type StatechartView, type StatechartViewOptions } from './live.js'
export { machineGraph, toMermaid, eventLabel, type GraphEdge, type GraphNode, type GraphTransition, type MachineGraph } from './graph.js'
export { eventWords, formatDuration, guardName, mergeVocabulary, SIGNALING_VOCABULARY, transitionLabel, type LabelVocabulary } from './labels.js'
export {
  ANY_STATE,
  estimateText,
  LABEL_FONT_PX,
  layoutStatechart,
  START,
  TITLE_FONT_PX,
  type MeasureText,
  type PlacedEdge,
  type PlacedLabel,
  type PlacedNode,
  type StatechartLayout,
} from './layout.js'
export { escapeXml, STATECHART_CSS, statechartSvg } from './svg.js'
