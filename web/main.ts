/**
 * The browser video call: the signalbox engine with the SAFE Launcher store
 * against the server that served this page. ?room=name joins at once;
 * ?media=0 joins without camera and microphone (data only); ?secret=… sets the
 * room secret (and is taken out of the address bar); ?inspect=1 also opens the
 * Stately inspector. The page joins first and draws after: the statechart
 * panel (with elkjs) and the inspector are loaded by dynamic import.
 */
import type { AnyActor, InspectionEvent } from 'xstate'
import { SafeLauncherStore } from '../src/index.js'
import { EventLog } from './eventlog.js'
import { Call } from './call.js'
import { ui } from './ui.js'

const params = new URLSearchParams(location.search)
const dataOnly = params.get('media') === '0'
const log = new EventLog(ui.eventLog, performance.now())

// The secret stays in the form, not in the address bar, the history or a shared link.
ui.room.value = params.get('room') ?? ''
ui.secret.value = params.get('secret') ?? ''
if (params.has('secret')) {
  params.delete('secret')
  history.replaceState(null, '', `${location.pathname}${params.size > 0 ? `?${params}` : ''}`)
}

let stately: { inspect: { next?: (event: InspectionEvent) => void } } | undefined
const early: InspectionEvent[] = []
if (params.get('inspect') === '1') {
  void import('@statelyai/inspect').then(({ createBrowserInspector }) => {
    stately = createBrowserInspector()
    for (const event of early.splice(0)) stately.inspect.next?.(event)
  })
}
function inspect(event: InspectionEvent): void {
  log.inspect(event)
  if (stately !== undefined) stately.inspect.next?.(event)
  else if (params.get('inspect') === '1') early.push(event)
}

let followActor: ((actor: AnyActor | undefined) => void) | undefined
let currentActor: AnyActor | undefined
// Made at load: the store asks for its token now, so a Join never waits for it.
const call = new Call({
  store: new SafeLauncherStore({ url: new URL('/0.5/', location.href).href }),
  dataOnly,
  inspect,
  log,
  onActor: (actor) => {
    currentActor = actor
    followActor?.(actor)
  },
})

ui.joinForm.onsubmit = (event) => {
  event.preventDefault()
  void call.join(ui.room.value.trim(), ui.secret.value || undefined)
}
ui.rawToggle.onchange = () => ui.eventLog.classList.toggle('show-raw', ui.rawToggle.checked)
if (ui.room.value !== '') void call.join(ui.room.value, ui.secret.value || undefined)

/** Draws the statechart once the join is under way and the browser is idle. */
function loadPanel(): void {
  void import('./panel.js').then(async ({ openPanel }) => {
    followActor = await openPanel(ui.statechart)
    followActor(currentActor)
  })
}
if ('requestIdleCallback' in window) requestIdleCallback(loadPanel, { timeout: 300 })
else setTimeout(loadPanel, 50)
