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
// Made at load: the store asks for its token now, so a Join never waits for it.
const shared = {
  store: new SafeLauncherStore({ url: new URL('/0.5/', location.href).href }),
  dataOnly,
  inspect,
  log,
  onActor: (actor: AnyActor | undefined) => {
    currentActor = actor
    followActor?.(actor)
    requestPanel()
  },
}
const call = new Call(shared)
let roomCall: Promise<RoomCall> | undefined

/** Joins the room in the form: the two-person call, or a room of many when more people are chosen. */
function join(): void {
  const room = ui.room.value.trim()
  const secret = ui.secret.value || undefined
  const maxPeers = Number(ui.peers.value)
  ui.videos.classList.toggle('room', maxPeers > MIN_PEOPLE)
  if (maxPeers <= MIN_PEOPLE) return void call.join(room, secret)
  roomCall ??= import('./room.js').then(({ RoomCall }) => new RoomCall(shared))
  void roomCall.then((controller) => controller.join(room, secret, maxPeers))
}

ui.joinForm.onsubmit = (event) => {
  event.preventDefault()
  join()
}
ui.rawToggle.onchange = () => ui.eventLog.classList.toggle('show-raw', ui.rawToggle.checked)
const joinsRoomOfMany = ui.room.value !== '' && Number(ui.peers.value) > MIN_PEOPLE
if (ui.room.value !== '') join()

/** Draws the statechart once the join is under way and the browser is idle. */
function loadPanel(): void {
  void import('./panel.js').then(async ({ openPanel }) => {
    followActor = await openPanel(ui.statechart, { panel: ui.roomPanel, drawing: ui.roomStatechart, pairSelect: ui.pairSelect })
    followActor(currentActor)
  })
}
let panelRequested = false
/** Loads the panel once, when the browser is idle. */
function requestPanel(): void {
  if (panelRequested) return
  panelRequested = true
  if ('requestIdleCallback' in window) requestIdleCallback(loadPanel, { timeout: 300 })
  else setTimeout(loadPanel, 50)
}
// Laying the statechart out is a long task (seconds on a busy machine). A room of many has many steps to
// take before its pairs connect, so its page draws once they have (RoomCall gives its actor then); a call's, at once.
if (!joinsRoomOfMany) requestPanel()
