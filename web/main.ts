/**
 * The browser video call: the signalbox engine with the SAFE Launcher store
 * against the server that served this page. ?room=name joins at once;
 * ?media=0 joins without camera and microphone (data only); ?secret=…
 * sets the room secret; ?inspect=1 also opens the Stately inspector.
 */
import { createBrowserInspector } from '@statelyai/inspect'
import type { InspectionEvent } from 'xstate'
import { createSignaling, SafeLauncherStore, SignalingError, signalingMachine, type SimplePeerInstance } from '../src/index.js'
import { logEvent, renderStatechart } from './statechart.js'

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const params = new URLSearchParams(location.search)
const startedAt = performance.now()
const stateLabel = document.querySelector<HTMLSpanElement>('[data-testid=state]')!
const errorLine = document.querySelector<HTMLParagraphElement>('[data-testid=error]')!
const eventLog = $<HTMLOListElement>('event-log')
const chatLog = $<HTMLDivElement>('chat-log')
const chatInput = $<HTMLInputElement>('chat-input')
const chatSend = $<HTMLButtonElement>('chat-send')
const hangupButton = $<HTMLButtonElement>('hangup')
const joinButton = $<HTMLButtonElement>('join')
const showState = renderStatechart($('statechart'), signalingMachine)
const stately = params.get('inspect') === '1' ? createBrowserInspector() : undefined

function say(line: string, mine = false): void {
  const item = document.createElement('div')
  item.textContent = line
  if (mine) item.className = 'me'
  chatLog.append(item)
  chatLog.scrollTop = chatLog.scrollHeight
}

function showError(error: unknown): void {
  errorLine.textContent = error instanceof SignalingError ? `${error.code}: ${error.message}` : `Error: ${String(error)}`
}

/** Feeds the event log with what the signaling machine receives, and the Stately inspector when asked for. */
function inspect(event: InspectionEvent): void {
  if (event.type === '@xstate.event' && event.actorRef.sessionId === event.rootId) {
    const type = event.event.type
    // xstate.init and snapshot chatter stay out; done, error and delay events say what happened.
    if (!type.startsWith('xstate.') || /^xstate\.(done|error|after)/.test(type)) logEvent(eventLog, startedAt, type)
  }
  stately?.inspect.next?.(event)
}

async function join(room: string, secret: string | undefined): Promise<void> {
  joinButton.disabled = true
  errorLine.textContent = ''
  history.replaceState(null, '', `?${new URLSearchParams({ ...Object.fromEntries(params), room })}`)
  let stream: MediaStream | undefined
  if (params.get('media') !== '0') {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true })
      $<HTMLVideoElement>('local-video').srcObject = stream
    } catch (error) {
      showError(new Error(`the camera or microphone is not available (${String(error)}): joining without them`))
    }
  }
  const store = new SafeLauncherStore({ url: new URL('/0.5/', location.href).href })
  const signaling = createSignaling({ store, inspect, ...(secret ? { secret } : {}) })
  const call = signaling.join(room, {
    ...(stream === undefined ? {} : { stream }),
    onSnapshot: (snapshot) => {
      stateLabel.textContent = snapshot.value
      showState(snapshot.value)
      if (snapshot.value === 'failed' && snapshot.context.error !== null) showError(snapshot.context.error)
      if (snapshot.value === 'closed') {
        hangupButton.disabled = true
        chatInput.disabled = chatSend.disabled = true
      }
    },
    onPeer: (peer: SimplePeerInstance) => {
      peer.on('stream', (remote: MediaStream) => {
        $<HTMLVideoElement>('remote-video').srcObject = remote
      })
    },
  })
  hangupButton.disabled = false
  hangupButton.onclick = () => void call.hangup()
  try {
    const peer = await call.connected
    chatInput.disabled = chatSend.disabled = false
    peer.on('data', (data: Uint8Array) => say(`them: ${new TextDecoder().decode(data)}`))
    $<HTMLFormElement>('chat-form').onsubmit = (event) => {
      event.preventDefault()
      const text = chatInput.value.trim()
      if (text === '') return
      peer.send(text)
      say(`me: ${text}`, true)
      chatInput.value = ''
    }
  } catch (error) {
    if (!(error instanceof SignalingError && error.code === 'ERR_CLOSED')) showError(error)
  }
}

const roomInput = $<HTMLInputElement>('room')
const secretInput = $<HTMLInputElement>('secret')
roomInput.value = params.get('room') ?? ''
secretInput.value = params.get('secret') ?? ''
$<HTMLFormElement>('join-form').onsubmit = (event) => {
  event.preventDefault()
  void join(roomInput.value.trim(), secretInput.value || undefined).catch(showError)
}
if (roomInput.value !== '') void join(roomInput.value, secretInput.value || undefined).catch(showError)
