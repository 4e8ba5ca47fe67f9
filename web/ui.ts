/** The page's elements, the state of the call in words, and the controls that make sense in each phase. */
import { SignalingError } from '../src/errors.js'
import { mediaStateMessage, type LocalMedia } from './media.js'

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`the page has no #${id}`)
  return element as T
}

/** Every element the page script touches. */
export const ui = {
  badge: $<HTMLSpanElement>('state'),
  status: $<HTMLParagraphElement>('status'),
  notice: $<HTMLParagraphElement>('notice'),
  error: $<HTMLParagraphElement>('error'),
  joinForm: $<HTMLFormElement>('join-form'),
  room: $<HTMLInputElement>('room'),
  secret: $<HTMLInputElement>('secret'),
  peers: $<HTMLSelectElement>('peers'),
  join: $<HTMLButtonElement>('join'),
  hangup: $<HTMLButtonElement>('hangup'),
  invite: $<HTMLDivElement>('invite'),
  inviteLink: $<HTMLInputElement>('invite-link'),
  copyInvite: $<HTMLButtonElement>('copy-invite'),
  media: $<HTMLDivElement>('media'),
  videos: $<HTMLDivElement>('videos'),
  localVideo: $<HTMLVideoElement>('local-video'),
  remoteVideo: $<HTMLVideoElement>('remote-video'),
  remoteMedia: $<HTMLSpanElement>('remote-media'),
  mute: $<HTMLButtonElement>('mute'),
  camera: $<HTMLButtonElement>('camera'),
  cameraSelect: $<HTMLSelectElement>('camera-select'),
  microphoneSelect: $<HTMLSelectElement>('microphone-select'),
  chatLog: $<HTMLOListElement>('chat-log'),
  chatForm: $<HTMLFormElement>('chat-form'),
  chatInput: $<HTMLInputElement>('chat-input'),
  chatSend: $<HTMLButtonElement>('chat-send'),
  statechart: $<HTMLDivElement>('statechart'),
  roomPanel: $<HTMLDivElement>('room-panel'),
  roomStatechart: $<HTMLDivElement>('room-statechart'),
  pairSelect: $<HTMLSelectElement>('pair-select'),
  eventLog: $<HTMLOListElement>('event-log'),
  rawToggle: $<HTMLInputElement>('raw-toggle'),
}

/** The badge's words for each state of the machine; unknown states show their name. */
const STATE_WORDS: Record<string, string> = {
  idle: 'Not in a call',
  joining: 'Looking in the room',
  creatingOffer: 'Preparing the call',
  publishing: 'Opening the room',
  publishingWhileReading: 'Opening the room',
  pollingAnswer: 'Waiting for someone',
  creatingAnswer: 'Answering',
  publishingAnswer: 'Answering',
  connecting: 'Connecting',
  connected: 'In a call',
  failed: 'Call failed',
  closed: 'Call ended',
  claiming: 'Finding a place',
  present: 'In the room',
  left: 'Left the room',
}

/** Shows `state` on the badge: words as its text, the machine's name in `data-state` and the tooltip. */
export function showState(state: string): void {
  ui.badge.textContent = STATE_WORDS[state] ?? state
  ui.badge.dataset['state'] = state
  ui.badge.title = `machine state: ${state}`
}

/** A chat line. */
export function say(line: string, mine = false): void {
  const item = document.createElement('li')
  item.textContent = line
  if (mine) item.className = 'me'
  ui.chatLog.append(item)
}

/** Shows or hides an element. */
export function reveal(element: HTMLElement, shown: boolean): void {
  element.hidden = !shown
}

/** How the page names another participant of a room: a short, stable form of its peer id. */
export function peerName(id: string): string {
  return `Guest ${id.slice(0, 4)}`
}

/** Shows an error: a {@link SignalingError} as its code and message, anything else as its message. */
export function showError(error: unknown): void {
  ui.error.textContent = error instanceof SignalingError ? `${error.code}: ${error.message}` : `Error: ${error instanceof Error ? error.message : String(error)}`
}

/**
 * Enables the controls that make sense now: `idle` (never joined),
 * `starting`/`active` (in a call or a room), `failed`, `closed`.
 * `hasMedia`: the camera and microphone are open.
 */
export function setControls(phase: string, hasMedia: boolean): void {
  const inCall = phase === 'starting' || phase === 'active'
  ui.join.disabled = inCall
  ui.join.textContent = phase === 'failed' ? 'Retry' : phase === 'closed' ? 'Join again' : 'Join'
  ui.hangup.disabled = !inCall
  ui.room.disabled = ui.secret.disabled = ui.peers.disabled = inCall
  ui.mute.disabled = ui.camera.disabled = !inCall || !hasMedia
  if (!inCall) ui.chatInput.disabled = ui.chatSend.disabled = true
}

/** Sets (or, for `null`, deletes) query parameters in the address bar, without a reload or a history entry. */
export function replaceQuery(changes: Record<string, string | null>): void {
  const params = new URLSearchParams(location.search)
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) params.delete(name)
    else params.set(name, value)
  }
  const search = params.size > 0 ? `?${params}` : ''
  // Unchanged (the page was opened with this room): no history call, which costs milliseconds as a call starts.
  if (search !== location.search) history.replaceState(null, '', `${location.pathname}${search}`)
}

/**
 * Turns the local microphone (`audio`) or camera (`video`) of `media` on or
 * off and shows it on its button; returns the message that tells the other
 * side(s), for the caller to send to each connected peer.
 */
export function toggleLocalMedia(media: LocalMedia, kind: 'audio' | 'video'): string {
  const on = kind === 'audio' ? !media.audioOn : !media.videoOn
  media.setEnabled(kind, on)
  const button = kind === 'audio' ? ui.mute : ui.camera
  button.setAttribute('aria-pressed', String(!on))
  button.textContent = kind === 'audio' ? (on ? 'Mute microphone' : 'Unmute microphone') : on ? 'Turn camera off' : 'Turn camera on'
  return mediaStateMessage(media.audioOn, media.videoOn)
}

/** Puts the call's controls back as a new call starts: no error, notice or invite shown, microphone and camera on. */
export function clearCallControls(): void {
  ui.error.textContent = ''
  reveal(ui.notice, false)
  reveal(ui.invite, false)
  for (const button of [ui.mute, ui.camera]) button.setAttribute('aria-pressed', 'false')
  ui.mute.textContent = 'Mute microphone'
  ui.camera.textContent = 'Turn camera off'
  ui.copyInvite.textContent = 'Copy invite link'
}
