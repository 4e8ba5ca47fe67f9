/**
 * One person's calls on the page: read the room, open the camera only once
 * the room is known to be free, join, show what is happening in words, and
 * end cleanly (every track stopped) so the next call starts without a reload.
 */
import type { AnyActor, InspectionEvent } from 'xstate'
// Each from its own module, not the package's index: the index reaches the room engine too, which only the
// lazily loaded room page needs, and the bundler would otherwise load it with the page (web/room.ts).
import { createSignaling, type SignalingSession, type SignalingSnapshot } from '../src/engine/signaling.js'
import { SignalingError } from '../src/errors.js'
import type { SimplePeerInstance } from '../src/peer/types.js'
import { roomAddress, validateRoomName } from '../src/protocol/addresses.js'
import { decodeRecord } from '../src/protocol/records.js'
import type { SignalStore } from '../src/stores/store.js'
import type { EventLog } from './eventlog.js'
import { listDevices, LocalMedia, mediaStateMessage, readMediaState } from './media.js'
import { clearCallControls, replaceQuery, reveal, say, setControls, showError, showState, toggleLocalMedia, ui } from './ui.js'

/** What a {@link Call} needs from the page. */
export interface CallOptions {
  store: SignalStore
  dataOnly: boolean
  inspect: (event: InspectionEvent) => void
  log: EventLog
  onActor: (actor: AnyActor) => void
}

const ENDED = new Set(['failed', 'closed'])

/** The page's call controller. */
export class Call {
  private session: SignalingSession | undefined
  private media: LocalMedia | undefined
  private peer: SimplePeerInstance | undefined
  private hungUp = false
  private wasConnected = false
  private joinedAt = 0

  constructor(private readonly options: CallOptions) {
    this.bind()
    reveal(ui.media, !options.dataOnly)
    this.setControls('idle')
  }

  /** Takes the page's call controls (a room of many may have held them). */
  bind(): void {
    ui.hangup.onclick = () => void this.hangup()
    ui.copyInvite.onclick = () => void this.copyInvite()
    ui.mute.onclick = () => this.toggle('audio')
    ui.camera.onclick = () => this.toggle('video')
    ui.cameraSelect.onchange = () => void this.media?.switchDevice('video', ui.cameraSelect.value, this.connectedPeers())
    ui.microphoneSelect.onchange = () => void this.media?.switchDevice('audio', ui.microphoneSelect.value, this.connectedPeers())
    ui.chatForm.onsubmit = (event) => {
      event.preventDefault()
      const text = ui.chatInput.value.trim()
      if (text === '' || this.peer === undefined) return
      this.peer.send(text)
      say(`me: ${text}`, true)
      ui.chatInput.value = ''
    }
  }

  private connectedPeers(): SimplePeerInstance[] {
    return this.peer === undefined ? [] : [this.peer]
  }

  /** Joins `room`: reads it first, then opens camera and microphone only if someone can be called there. */
  async join(room: string, secret: string | undefined): Promise<void> {
    this.bind()
    this.reset()
    try {
      validateRoomName(room)
    } catch (error) {
      return this.showError(error)
    }
    this.setControls('starting')
    replaceQuery({ room, peers: null })
    if (!this.options.dataOnly) {
      // The room is read before the camera starts: a busy room must never turn a camera on (one read, a few ms).
      if (await this.roomIsBusy(room)) {
        showState('failed')
        ui.status.textContent = `The room “${room}” is busy: two people are already in a call there. Try again later, or pick another room.`
        return this.setControls('failed')
      }
      try {
        this.media = await LocalMedia.open({ camera: ui.cameraSelect.value, microphone: ui.microphoneSelect.value })
        ui.localVideo.srcObject = this.media.stream
        void listDevices(ui.cameraSelect, ui.microphoneSelect, this.media)
      } catch (error) {
        this.showError(new Error(`the camera or microphone is not available (${String(error)}): joining without them`))
      }
    }
    let started = false
    try {
      const signaling = createSignaling({ store: this.options.store, inspect: this.options.inspect, ...(secret ? { secret } : {}) })
      this.joinedAt = performance.now()
      this.session = signaling.join(room, {
        ...(this.media === undefined ? {} : { stream: this.media.stream }),
        onSnapshot: (snapshot) => this.onSnapshot(room, snapshot),
        onPeer: (peer) => peer.on('stream', (remote: MediaStream) => (ui.remoteVideo.srcObject = remote)),
      })
      started = true
      this.options.onActor(this.session.actor)
      this.onConnected(await this.session.connected)
    } catch (error) {
      if (error instanceof SignalingError && error.code === 'ERR_CLOSED') return
      this.showError(error)
      // Refused before the machine started (a bad option): no snapshot will say so.
      if (!started) {
        showState('failed')
        this.stopMedia()
        this.setControls('failed')
      }
    }
  }

  /** Ends the call: the other side is told, our records removed, every track stopped. */
  async hangup(): Promise<void> {
    this.hungUp = true
    await this.session?.hangup()
    this.stopMedia()
  }

  private async roomIsBusy(room: string): Promise<boolean> {
    try {
      const data = await this.options.store.read(roomAddress(room))
      return data !== null && decodeRecord(data).busy === true
    } catch {
      return false // Unknown: join, and let the machine say what it finds.
    }
  }

  private onSnapshot(room: string, snapshot: SignalingSnapshot): void {
    const state = snapshot.value
    showState(state)
    this.setControls(ENDED.has(state) ? state : 'active')
    const waiting = state === 'pollingAnswer'
    reveal(ui.invite, waiting)
    if (waiting) {
      ui.inviteLink.value = `${location.origin}${location.pathname}?room=${encodeURIComponent(room)}`
      ui.status.textContent = `Waiting for someone to join “${room}”. Send them the invite link: the call starts when they open it.`
    } else if (state === 'connected') {
      this.wasConnected = true
      ui.status.textContent = `In a call in “${room}”.`
    } else if (state === 'failed') {
      ui.status.textContent = 'The call could not be made. Retry joins the room again.'
      if (snapshot.context.error !== null) this.showError(snapshot.context.error)
      this.stopMedia()
    } else if (state === 'closed') {
      if (!this.hungUp && this.wasConnected) {
        ui.notice.textContent = 'The other person left the call.'
        reveal(ui.notice, true)
      }
      ui.status.textContent = 'The call has ended. Join again to start another in the same room.'
      this.stopMedia()
    } else if (state !== 'idle') {
      ui.status.textContent = `Joining “${room}”…`
    }
  }

  private onConnected(peer: SimplePeerInstance): void {
    this.peer = peer
    ui.chatInput.disabled = ui.chatSend.disabled = false
    peer.on('data', (data: Uint8Array) => {
      const text = new TextDecoder().decode(data)
      const state = readMediaState(text)
      if (state === undefined) return say(`them: ${text}`)
      const remote = ui.remoteVideo.srcObject as MediaStream | null
      for (const track of remote?.getAudioTracks() ?? []) track.enabled = state.audio
      for (const track of remote?.getVideoTracks() ?? []) track.enabled = state.video
      ui.remoteMedia.textContent = [state.audio ? '' : 'microphone muted', state.video ? '' : 'camera off'].filter(Boolean).join(', ')
    })
    if (this.media !== undefined && (!this.media.audioOn || !this.media.videoOn)) peer.send(mediaStateMessage(this.media.audioOn, this.media.videoOn))
    void this.describeRoute(peer)
  }

  /** Logs how the peers connected, from the selected ICE candidate pair. */
  private async describeRoute(peer: SimplePeerInstance): Promise<void> {
    const took = Math.round(performance.now() - this.joinedAt)
    let kind = ''
    try {
      const stats = await (peer as unknown as { _pc: RTCPeerConnection })._pc.getStats()
      const pair = [...stats.values()].find((entry) => entry.type === 'candidate-pair' && (entry.selected || entry.nominated) && entry.state === 'succeeded')
      kind = pair === undefined ? '' : String(stats.get(pair.localCandidateId)?.candidateType ?? '')
    } catch {
      // No statistics: say less.
    }
    const relayed = kind === 'relay'
    this.options.log.write(`${relayed ? 'connected through a relay' : 'connected directly'} (${kind === '' ? '' : `${kind} candidate, `}${took} ms after Join)`)
  }

  private toggle(kind: 'audio' | 'video'): void {
    const media = this.media
    if (media === undefined) return
    const message = toggleLocalMedia(media, kind)
    if (this.peer?.connected) this.peer.send(message)
  }

  private async copyInvite(): Promise<void> {
    try {
      await navigator.clipboard.writeText(ui.inviteLink.value)
      ui.copyInvite.textContent = 'Copied'
    } catch {
      ui.inviteLink.select()
      ui.copyInvite.textContent = 'Press Ctrl+C to copy'
    }
  }

  private showError(error: unknown): void {
    showError(error)
  }

  /** Enables the controls that make sense now: `idle` (never joined), `starting`/`active` (a call), `failed`, `closed`. */
  private setControls(phase: string): void {
    setControls(phase, this.media !== undefined)
  }

  private stopMedia(): void {
    this.media?.stop()
    this.media = undefined
    ui.localVideo.srcObject = null
    ui.remoteVideo.srcObject = null
    ui.remoteMedia.textContent = ''
    ui.mute.disabled = ui.camera.disabled = true
  }

  private reset(): void {
    this.stopMedia()
    this.peer = undefined
    this.hungUp = false
    this.wasConnected = false
    clearCallControls()
  }
}
