/**
 * The page's camera and microphone: opening them (with the chosen devices),
 * mute and camera-off, switching devices during a call, stopping every track,
 * and telling the other side what we turned off (a small JSON message on the
 * data channel, so their page can show it and disable the track it receives).
 */
import type { SimplePeerInstance } from '../src/index.js'

/** The data-channel message that says which of our tracks are on. */
export interface MediaStateMessage {
  signalbox: 'media'
  audio: boolean
  video: boolean
}

/** The message for a state, as sent on the data channel. */
export function mediaStateMessage(audio: boolean, video: boolean): string {
  return JSON.stringify({ signalbox: 'media', audio, video } satisfies MediaStateMessage)
}

/** The media state in a data-channel message, or undefined when it is chat. */
export function readMediaState(text: string): MediaStateMessage | undefined {
  if (!text.startsWith('{"signalbox":"media"')) return undefined
  try {
    const message = JSON.parse(text) as MediaStateMessage
    return typeof message.audio === 'boolean' && typeof message.video === 'boolean' ? message : undefined
  } catch {
    return undefined
  }
}

/** The devices the person picked, by kind; empty for the default. */
export interface DeviceChoice {
  camera: string
  microphone: string
}

/** Local camera and microphone of one call. */
export class LocalMedia {
  private constructor(readonly stream: MediaStream) {}

  /**
   * Asks for the camera and microphone (the chosen ones when set). Rejects
   * saying why where the browser has none to give: a page that is not a secure
   * context (plain HTTP at an address other than localhost) gets no
   * `navigator.mediaDevices`.
   */
  static async open(choice: DeviceChoice): Promise<LocalMedia> {
    if (navigator.mediaDevices === undefined) {
      throw new Error(`browsers open cameras only for HTTPS or localhost pages, and this page is ${location.origin}`)
    }
    const stream = await navigator.mediaDevices.getUserMedia({
      video: choice.camera === '' ? true : { deviceId: { exact: choice.camera } },
      audio: choice.microphone === '' ? true : { deviceId: { exact: choice.microphone } },
    })
    return new LocalMedia(stream)
  }

  /** True while the microphone sends sound. */
  get audioOn(): boolean {
    return this.stream.getAudioTracks().some((track) => track.enabled)
  }

  /** True while the camera sends pictures. */
  get videoOn(): boolean {
    return this.stream.getVideoTracks().some((track) => track.enabled)
  }

  /** Turns the microphone (`audio`) or camera (`video`) on or off, without renegotiating. */
  setEnabled(kind: 'audio' | 'video', enabled: boolean): void {
    for (const track of kind === 'audio' ? this.stream.getAudioTracks() : this.stream.getVideoTracks()) track.enabled = enabled
  }

  /** The device id of the track of `kind` in use. */
  deviceOf(kind: 'audio' | 'video'): string {
    const track = kind === 'audio' ? this.stream.getAudioTracks()[0] : this.stream.getVideoTracks()[0]
    return track?.getSettings().deviceId ?? ''
  }

  /** Switches to another camera or microphone; every connected peer of `peers` sends the new track instead. */
  async switchDevice(kind: 'audio' | 'video', deviceId: string, peers: Iterable<SimplePeerInstance>): Promise<void> {
    const old = kind === 'audio' ? this.stream.getAudioTracks()[0] : this.stream.getVideoTracks()[0]
    const fresh = await navigator.mediaDevices.getUserMedia(kind === 'audio' ? { audio: { deviceId: { exact: deviceId } } } : { video: { deviceId: { exact: deviceId } } })
    const track = kind === 'audio' ? fresh.getAudioTracks()[0] : fresh.getVideoTracks()[0]
    if (track === undefined) return
    if (old !== undefined) {
      track.enabled = old.enabled
      for (const peer of peers) peer.replaceTrack(old, track, this.stream)
      this.stream.removeTrack(old)
      old.stop()
    }
    this.stream.addTrack(track)
  }

  /** Stops every track: the camera light goes off. */
  stop(): void {
    for (const track of this.stream.getTracks()) track.stop()
  }
}

/** Fills the camera and microphone lists with the devices the browser reports, selecting those in use. */
export async function listDevices(camera: HTMLSelectElement, microphone: HTMLSelectElement, media: LocalMedia | undefined): Promise<void> {
  if (navigator.mediaDevices === undefined) return
  const devices = await navigator.mediaDevices.enumerateDevices()
  const fill = (select: HTMLSelectElement, kind: MediaDeviceKind, current: string, noun: string): void => {
    const options = devices
      .filter((device) => device.kind === kind && device.deviceId !== '')
      .map((device, index) => new Option(device.label || `${noun} ${index + 1}`, device.deviceId, false, device.deviceId === current))
    select.replaceChildren(new Option(`Default ${noun.toLowerCase()}`, ''), ...options)
    if (current !== '' && options.some((option) => option.value === current)) select.value = current
  }
  fill(camera, 'videoinput', media?.deviceOf('video') ?? camera.value, 'Camera')
  fill(microphone, 'audioinput', media?.deviceOf('audio') ?? microphone.value, 'Microphone')
}
