/**
 * The live statechart in a page: the ELK drawing of a machine, the active
 * state highlighted, the transition just taken marked, each state's
 * `description` shown on hover or keyboard focus. DOM only.
 *
 * @module
 */
import type { ELK } from 'elkjs/lib/elk-api.js'
import type { AnyActor, AnyActorRef, AnyStateMachine } from 'xstate'
import { machineGraph } from './graph.js'
import type { LabelVocabulary } from './labels.js'
import { layoutStatechart, type MeasureText } from './layout.js'
import { statechartSvg } from './svg.js'

/** Options of {@link drawStatechart} and {@link renderStatechart}. */
export interface StatechartViewOptions {
  /** Extra words for events, guards and delays (see {@link LabelVocabulary}). */
  vocabulary?: LabelVocabulary
  /** Accessible name of the drawing. Default: `<machine id> statechart`. */
  title?: string
  /** The ELK to lay out with, e.g. one backed by elkjs's worker (see {@link layoutStatechart}). Default: in place. */
  elk?: ELK
}

/** A drawn statechart that can follow actors of its machine. */
export interface StatechartView {
  /** The `<svg>` element. */
  readonly svg: SVGSVGElement
  /** Marks `state` active; with `from`, marks the edge `from → state` as the transition just taken. */
  show(state: string, from?: string): void
  /** Follows `actor`'s snapshots (its current state at once); returns the function that stops following. */
  follow(actor: AnyActorRef): () => void
}

let drawings = 0

/** Measures text with a canvas in the page's font, falling back to the layout's estimate. */
function canvasMeasure(): MeasureText | undefined {
  const context = document.createElement('canvas').getContext('2d')
  if (context === null) return undefined
  const family = getComputedStyle(document.body).fontFamily || 'system-ui, sans-serif'
  return (text, fontPx, bold) => {
    context.font = `${bold ? '600 ' : ''}${fontPx}px ${family}`
    return Math.ceil(context.measureText(text).width) + 2
  }
}

/** The top-level state name of a snapshot value (`'connected'`, or the key of a nested value). */
function topState(value: unknown): string {
  return typeof value === 'string' ? value : Object.keys((value as object | null) ?? {})[0] ?? ''
}

/** Scrolls the panel (not the page) so the active state is in its middle, on the next frame. */
function bringIntoView(scroller: HTMLElement, box: SVGRectElement | null): void {
  if (box === null) return
  const centre = (name: string, size: string) => Number(box.getAttribute(name)) + Number(box.getAttribute(size)) / 2
  requestAnimationFrame(() => {
    scroller.scrollTo({ left: centre('x', 'width') - scroller.clientWidth / 2, top: centre('y', 'height') - scroller.clientHeight / 2, behavior: 'smooth' })
  })
}

/**
 * Draws `machine` into `container` (replacing its content) with a description
 * line under it, and resolves with the view once ELK has laid it out.
 */
export async function drawStatechart(container: HTMLElement, machine: AnyStateMachine, options: StatechartViewOptions = {}): Promise<StatechartView> {
  const layout = await layoutStatechart(machineGraph(machine, options.vocabulary), canvasMeasure(), options.elk)
  const template = document.createElement('template')
  template.innerHTML = statechartSvg(layout, { title: options.title ?? `${machine.id} statechart`, idPrefix: `sb${++drawings}` })
  const svg = template.content.firstElementChild as SVGSVGElement
  const description = document.createElement('p')
  description.className = 'sb-description'
  description.setAttribute('aria-live', 'polite')
  description.textContent = 'Point at a state, or move to it with Tab, to read what it does.'
  const scroller = document.createElement('div')
  scroller.className = 'sb-scroller'
  scroller.append(svg)
  container.replaceChildren(description, scroller)
  const describe = (target: EventTarget | null): void => {
    const node = (target as Element | null)?.closest?.('[data-node]')
    const text = node?.getAttribute('aria-label')
    if (text) description.textContent = text
  }
  svg.addEventListener('pointerover', (event) => describe(event.target))
  svg.addEventListener('focusin', (event) => describe(event.target))

  let active: Element | null = null
  let taken: Element | null = null
  const show = (state: string, from?: string): void => {
    const node = svg.querySelector(`[data-state="${CSS.escape(state)}"]`)
    if (node !== active) {
      active?.classList.remove('sb-active')
      node?.classList.add('sb-active', 'sb-visited')
      active = node
      bringIntoView(scroller, node?.querySelector('rect') ?? null)
    }
    if (from === undefined || from === state) return
    const edge = svg.querySelector(`[data-edge="${CSS.escape(`${from}->${state}`)}"]`) ?? svg.querySelector(`[data-edge="${CSS.escape(`*->${state}`)}"]`)
    taken?.classList.remove('sb-taken')
    edge?.classList.add('sb-taken')
    taken = edge
  }
  return {
    svg,
    show,
    follow(actor) {
      let previous = topState(actor.getSnapshot().value)
      show(previous)
      const subscription = actor.subscribe((snapshot: { value: unknown }) => {
        const state = topState(snapshot.value)
        if (state !== previous) show(state, previous)
        previous = state
      })
      return () => subscription.unsubscribe()
    },
  }
}

/**
 * Renders the live statechart of `actor` (for example a `SignalingSession`'s
 * `actor`) into `element`. Returns the function that stops following it.
 *
 * @example
 * ```ts
 * import { renderStatechart } from 'signalbox/diagram'
 * const stop = renderStatechart(document.querySelector('#chart')!, call.actor)
 * ```
 */
export function renderStatechart(element: HTMLElement, actor: AnyActor, options: StatechartViewOptions = {}): () => void {
  let stopped = false
  let unfollow = (): void => {}
  void drawStatechart(element, actor.logic as AnyStateMachine, options).then((view) => {
    if (!stopped) unfollow = view.follow(actor)
  })
  return () => {
    stopped = true
    unfollow()
  }
}
