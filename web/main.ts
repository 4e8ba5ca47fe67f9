/**
 * The browser video call: the signalbox engine with the SAFE Launcher store
 * against the server that served this page. ?room=name joins at once;
 * ?peers=N (3 to 8) makes it a room of up to N people, a grid of videos
 * (joinRoom; its controller is loaded by dynamic import only then), while
 * without it (or with 2) it is the two-person call;
 * ?media=0 joins without camera and microphone (data only); ?secret=… sets the
 * room secret (and is taken out of the address bar); ?inspect=1 also opens the
 * Stately inspector. The page joins first and draws after: the statechart
 * panel (with elkjs) and the inspector are loaded by dynamic import.
 */
import type { AnyActor, InspectionEvent } from 'xstate'
import { SafeLauncherStore } from '../src/stores/launcher/store.js'
import { EventLog } from './eventlog.js'
import { Call } from './call.js'
import type { RoomCall } from './room.js'
import { ui } from './ui.js'

/** People a room may hold on the page: 2 is the two-person call; from 3, a room of many. */
const MIN_PEOPLE = 2
const MAX_PEOPLE = 8
/** How long a call may wait for someone to answer before its statechart is drawn anyway, in ms. */
const PANEL_WAIT_MS = 2_000
/** The longest the panel waits for the browser to be idle once it may be drawn, in ms. */
const PANEL_IDLE_TIMEOUT_MS = 300
/**
 * How long after a call or room settles the panel starts loading, in ms: its layout takes seconds of CPU, and
 * when both people are on one machine (two tabs, a demo) the other side may still be finishing its handshake.
 */
const PANEL_AFTER_SETTLE_MS = 500

const params = new URLSearchParams(location.search)
const dataOnly = params.get('media') === '0'
const log = new EventLog(ui.eventLog, performance.now())

// The secret stays in the form, not in the address bar, the history or a shared link.
ui.room.value = params.get('room') ?? ''
ui.secret.value = params.get('secret') ?? ''
const people = Number(params.get('peers') ?? MIN_PEOPLE)
if (Number.isInteger(people) && people >= MIN_PEOPLE && people <= MAX_PEOPLE) ui.peers.value = String(people)
else ui.error.textContent = `?peers=${params.get('peers')} is not a number of people from ${MIN_PEOPLE} to ${MAX_PEOPLE}: pick one under “People in the room”.`
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
let panelRequested = false
/** The actor the panel follows (once it is drawn). */
function showActor(actor: AnyActor | undefined): void {
  currentActor = actor
  followActor?.(actor)
}
// Made at load: the store asks for its token now, so a Join never waits for it.
const shared = {
  store: new SafeLauncherStore({ url: new URL('/0.5/', location.href).href }),
  dataOnly,
  inspect,
  log,
  // A room of many gives its actor once its pairs have connected (or it gave up waiting): time to draw.
  onActor: (actor: AnyActor | undefined) => {
    showActor(actor)
    requestPanelAfterSettling()
  },
}
// A call gives its actor as it starts: the panel is drawn once the call is made or over (join()), or has waited for someone a while.
const call = new Call({ ...shared, onActor: (actor) => (showActor(actor), drawWhileWaiting(actor)) })
let roomCall: Promise<RoomCall> | undefined

/** Joins the room in the form: the two-person call, or a room of many when more people are chosen. */
function join(): void {
  const room = ui.room.value.trim()
  const secret = ui.secret.value || undefined
  const maxPeers = Number(ui.peers.value)
  ui.videos.classList.toggle('room', maxPeers > MIN_PEOPLE)
  // The call's promise settles once it is connected, has failed or has ended: then the page draws.
  if (maxPeers <= MIN_PEOPLE) return void call.join(room, secret).then(requestPanelAfterSettling)
  roomCall ??= import('./room.js').then(({ RoomCall }) => new RoomCall(shared))
  void roomCall.then((controller) => controller.join(room, secret, maxPeers))
}

/** Draws the statechart once the join is under way and the browser is idle. */
function loadPanel(): void {
  void import('./panel.js').then(async ({ openPanel }) => {
    followActor = await openPanel(ui.statechart, { panel: ui.roomPanel, drawing: ui.roomStatechart, pairSelect: ui.pairSelect })
    followActor(currentActor)
  })
}
/** Loads the panel once, when the browser is idle. */
function requestPanel(): void {
  if (panelRequested) return
  panelRequested = true
  if ('requestIdleCallback' in window) requestIdleCallback(loadPanel, { timeout: PANEL_IDLE_TIMEOUT_MS })
  else setTimeout(loadPanel, PANEL_IDLE_TIMEOUT_MS)
}
/** Loads the panel {@link PANEL_AFTER_SETTLE_MS} after a call or room settled. */
function requestPanelAfterSettling(): void {
  if (!panelRequested) setTimeout(requestPanel, PANEL_AFTER_SETTLE_MS)
}
/** Draws the panel when `actor`, a call, has waited for someone to answer for {@link PANEL_WAIT_MS}. */
function drawWhileWaiting(actor: AnyActor): void {
  if (panelRequested) return
  const subscription = actor.subscribe((snapshot: { value: unknown }) => {
    if (snapshot.value !== 'pollingAnswer') return
    subscription.unsubscribe()
    setTimeout(requestPanel, PANEL_WAIT_MS)
  })
}

ui.joinForm.onsubmit = (event) => {
  event.preventDefault()
  join()
}
ui.rawToggle.onchange = () => ui.eventLog.classList.toggle('show-raw', ui.rawToggle.checked)
if (ui.room.value !== '') join()
// Laying the statechart out takes seconds of CPU on a busy machine (in elkjs's worker, but on the same cores as
// the handshake): a page that joins at load draws once its call or room has settled; one that does not, at once.
if (ui.room.value === '') requestPanel()
