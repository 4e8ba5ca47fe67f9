/** The page's elements, and the state of the call in words. */
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
  join: $<HTMLButtonElement>('join'),
  hangup: $<HTMLButtonElement>('hangup'),
  invite: $<HTMLDivElement>('invite'),
  inviteLink: $<HTMLInputElement>('invite-link'),
  copyInvite: $<HTMLButtonElement>('copy-invite'),
  media: $<HTMLDivElement>('media'),
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
  eventLog: $<HTMLOListElement>('event-log'),
  rawToggle: $<HTMLInputElement>('raw-toggle'),
}

/** The badge's words for each state of the machine; unknown states show their name. */
const STATE_WORDS: Record<string, string> = {
  idle: 'Not in a call',
  joining: 'Looking in the room',
  creatingOffer: 'Preparing the call',
  publishing: 'Opening the room',
  pollingAnswer: 'Waiting for someone',
  creatingAnswer: 'Answering',
  publishingAnswer: 'Answering',
  connecting: 'Connecting',
  connected: 'In a call',
  failed: 'Call failed',
  closed: 'Call ended',
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
