/**
 * One person in a room of many on the page (`?room=name&peers=N`, N from 3
 * to 8): the room is read first (a full room never turns the camera on),
 * then `joinRoom()` with the camera; one video tile per connected participant,
 * chat to everyone, Hang up leaves the room and Join again joins it anew
 * without a reload. Loaded by dynamic import only when a room of many is
 * joined, so the two-person call's start stays as cheap as before.
 */
import type { AnyActor, InspectionEvent } from 'xstate'
import { joinRoom, SignalingError, validateRoomName, type Room, type RoomActor, type SignalStore, type SimplePeerInstance } from '../src/index.js'
import type { EventLog } from './eventlog.js'
import { listDevices, LocalMedia, mediaStateMessage, readMediaState } from './media.js'
import { meshed, roomIsFull, topState } from './room-state.js'
import { VideoTiles } from './tiles.js'
import { clearCallControls, peerName, replaceQuery, reveal, say, setControls, showError, showState, toggleLocalMedia, ui } from './ui.js'

/** What a {@link RoomCall} needs from the page. */
export interface RoomCallOptions {
  store: SignalStore
  dataOnly: boolean
  inspect: (event: InspectionEvent) => void
  log: EventLog
  /**
   * The room's actor for the statechart panel, given once the join has settled
   * (connected to everyone present, failed, or {@link SETTLE_WAIT_MS} after
   * Join), so that drawing it never holds up the join; `undefined` when the
   * room was full before joining (nothing to follow).
   */
  onActor: (actor: AnyActor | undefined) => void
}

/** The longest a join waits to hand its actor to the panel while pairs are still connecting, in ms. */
export const SETTLE_WAIT_MS = 15_000

/** The page's controller of a room of many. */
export class RoomCall {
  private room: Room | undefined
  private media: LocalMedia | undefined
  private readonly tiles = new VideoTiles(ui.videos)
  private joinedAt = 0

  constructor(private readonly options: RoomCallOptions) {}

  /** Takes the page's call controls (the two-person call may have held them). */
  bind(): void {
    ui.hangup.onclick = () => void this.hangup()
    ui.copyInvite.onclick = () => void navigator.clipboard?.writeText(ui.inviteLink.value).then(() => (ui.copyInvite.textContent = 'Copied'))
    ui.mute.onclick = () => this.toggle('audio')
    ui.camera.onclick = () => this.toggle('video')
    ui.cameraSelect.onchange = () => void this.media?.switchDevice('video', ui.cameraSelect.value, this.room?.peers.values() ?? [])
    ui.microphoneSelect.onchange = () => void this.media?.switchDevice('audio', ui.microphoneSelect.value, this.room?.peers.values() ?? [])
    ui.chatForm.onsubmit = (event) => {
      event.preventDefault()
      const text = ui.chatInput.value.trim()
      if (text === '' || this.room === undefined || this.room.peers.size === 0) return
      this.room.broadcast(text)
      say(`me: ${text}`, true)
      ui.chatInput.value = ''
    }
  }

  /** Joins `name`, a room of up to `maxPeers`: the slots are read first, then the camera opens, then the room is joined. */
  async join(name: string, secret: string | undefined, maxPeers: number): Promise<void> {
    this.bind()
    this.reset()
    try {
      validateRoomName(name)
    } catch (error) {
      return showError(error)
    }
    setControls('starting', false)
    replaceQuery({ room: name, peers: String(maxPeers) })
    showState('claiming')
    ui.status.textContent = `Looking for a place in “${name}”…`
    if (!this.options.dataOnly) {
      if (await roomIsFull(this.options.store, name, maxPeers)) {
        this.options.onActor(undefined)
        return this.showFailure(name, maxPeers, new SignalingError('ERR_ROOM_FULL'))
      }
      try {
        this.media = await LocalMedia.open({ camera: ui.cameraSelect.value, microphone: ui.microphoneSelect.value })
        ui.localVideo.srcObject = this.media.stream
        void listDevices(ui.cameraSelect, ui.microphoneSelect, this.media)
      } catch (error) {
        showError(new Error(`the camera or microphone is not available (${String(error)}): joining without them`))
      }
    }
    this.joinedAt = performance.now()
    let room: Room
    try {
      room = joinRoom(name, {
        maxPeers,
        store: this.options.store,
        inspect: this.options.inspect,
        ...(secret ? { secret } : {}),
        ...(this.media === undefined ? {} : { stream: this.media.stream }),
        onPeer: (peer) => peer.on('stream', (stream: MediaStream) => this.tiles.stream(peer, stream)),
      })
    } catch (error) {
      // Refused before the room's machine started (a bad option): no snapshot will say so.
      return this.showFailure(name, maxPeers, error)
    }
    this.room = room
    let settled = false
    const settleTimer = setTimeout(() => settle(), SETTLE_WAIT_MS)
    const settle = (): void => {
      clearTimeout(settleTimer)
      if (settled || this.room !== room) return
      settled = true
      this.options.onActor(room.actor)
    }
    room.onPeerJoin((id, peer) => {
      this.onPeerJoin(room, id, peer)
      if (meshed(room)) settle()
    })
    room.onPeerLeave((id) => this.onPeerLeave(room, id))
    // From 3 people on, the room's actor is the room machine (2 would be the pair call's).
    const actor = room.actor as RoomActor
    actor.subscribe((snapshot) => {
      if (this.room !== room) return
      const state = topState(snapshot.value)
      showState(state)
      if (state !== 'claiming' && state !== 'present') settle()
      else if (meshed(room)) settle()
      if (state === 'present') this.describe(room)
      else if (state === 'failed' && snapshot.context.error !== null) this.showFailure(name, maxPeers, snapshot.context.error)
    })
    setControls('active', this.media !== undefined)
    try {
      await room.joined
    } catch (error) {
      if (this.room === room && !(error instanceof SignalingError && error.code === 'ERR_CLOSED')) this.showFailure(name, maxPeers, error)
    }
  }

  /** Leaves the room: every connection closes on every side, our slot is freed, every track stopped. */
  async hangup(): Promise<void> {
    const room = this.room
    if (room === undefined) return
    setControls('closed', false)
    await room.leave()
    this.stopMedia()
    if (this.room !== room) return
    showState('left')
    ui.status.textContent = `You left “${room.name}”. Join again to go back in.`
    reveal(ui.invite, false)
  }

  private onPeerJoin(room: Room, id: string, peer: SimplePeerInstance): void {
    if (this.room !== room) return
    this.tiles.add(id, peer, peerName(id))
    this.options.log.write(`${peerName(id)} connected (${Math.round(performance.now() - this.joinedAt)} ms after Join)`)
    say(`${peerName(id)} joined the room`)
    ui.chatInput.disabled = ui.chatSend.disabled = false
    peer.on('data', (data: Uint8Array) => {
      const text = new TextDecoder().decode(data)
      const state = readMediaState(text)
      if (state === undefined) say(`${peerName(id)}: ${text}`)
      else this.tiles.showMediaState(id, state)
    })
    if (this.media !== undefined && (!this.media.audioOn || !this.media.videoOn)) peer.send(mediaStateMessage(this.media.audioOn, this.media.videoOn))
    this.describe(room)
  }

  private onPeerLeave(room: Room, id: string): void {
    if (this.room !== room) return
    this.tiles.remove(id)
    this.options.log.write(`${peerName(id)} left`)
    say(`${peerName(id)} left the room`)
    if (room.peers.size === 0) ui.chatInput.disabled = ui.chatSend.disabled = true
    this.describe(room)
  }

  /** Says who is in the room, and offers the invite link while there is room for more. */
  private describe(room: Room): void {
    if (room.actor.getSnapshot().status !== 'active') return
    const others = room.peers.size
    const free = others < room.maxPeers - 1
    reveal(ui.invite, free)
    ui.inviteLink.value = `${location.origin}${location.pathname}?${new URLSearchParams({ room: room.name, peers: String(room.maxPeers) })}`
    const company = others === 0 ? 'nobody else yet' : others === 1 ? '1 other person' : `${others} other people`
    ui.status.textContent = `In “${room.name}” with ${company} (room for ${room.maxPeers}).${free ? ' Send the invite link to bring more people in.' : ' Every place is taken.'}`
  }

  /** Says the room could not be joined: full, in words, or the error as it is. */
  private showFailure(name: string, maxPeers: number, error: unknown): void {
    showError(error)
    const full = error instanceof SignalingError && error.code === 'ERR_ROOM_FULL'
    showState('failed')
    ui.badge.textContent = full ? 'Room full' : 'Could not join'
    ui.status.textContent = full
      ? `The room “${name}” is full: all ${maxPeers} places are taken. Try again when someone leaves, or pick another room.`
      : `Could not join “${name}”. Retry joins it again.`
    this.options.log.write(full ? `the room is full: all ${maxPeers} places are taken` : `could not join: ${error instanceof Error ? error.message : String(error)}`)
    this.stopMedia()
    setControls('failed', false)
  }

  private toggle(kind: 'audio' | 'video'): void {
    const media = this.media
    if (media === undefined) return
    const message = toggleLocalMedia(media, kind)
    for (const peer of this.room?.peers.values() ?? []) if (peer.connected) peer.send(message)
  }

  private stopMedia(): void {
    this.media?.stop()
    this.media = undefined
    ui.localVideo.srcObject = null
    this.tiles.clear()
    ui.mute.disabled = ui.camera.disabled = true
  }

  private reset(): void {
    this.stopMedia()
    // A room that failed (full, or the store failed) still has its machine: stop it before joining anew.
    void this.room?.leave()
    this.room = undefined
    clearCallControls()
  }
}
