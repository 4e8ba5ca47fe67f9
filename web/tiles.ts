/**
 * The grid of videos of a room of many: one tile per connected participant
 * beside the local camera's, added when a peer joins and removed when it
 * leaves. A peer's remote stream may arrive before its connection opens, so
 * streams are kept by peer until its tile exists.
 */
import type { SimplePeerInstance } from '../src/index.js'
import type { MediaStateMessage } from './media.js'

/** The grid's columns for a number of tiles: the smallest square that holds them (2 tiles side by side, 3–4 in two rows, 5–9 in three). */
function columnsFor(tiles: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(tiles)))
}

interface Tile {
  peer: SimplePeerInstance
  figure: HTMLElement
  video: HTMLVideoElement
  note: HTMLSpanElement
}

/** The remote video tiles of a room, in `grid` (which also holds the local camera's tile). */
export class VideoTiles {
  private readonly tiles = new Map<string, Tile>()
  private readonly streams = new WeakMap<SimplePeerInstance, MediaStream>()

  constructor(private readonly grid: HTMLElement) {}

  /** How many remote tiles are shown. */
  get size(): number {
    return this.tiles.size
  }

  /** `peer` sent its camera: shown in its tile, now or once it has one. */
  stream(peer: SimplePeerInstance, stream: MediaStream): void {
    this.streams.set(peer, stream)
    for (const tile of this.tiles.values()) if (tile.peer === peer) tile.video.srcObject = stream
  }

  /** Adds the tile of the peer `id`, named `name` (replacing an older tile of the same id). */
  add(id: string, peer: SimplePeerInstance, name: string): void {
    this.remove(id)
    const figure = document.createElement('figure')
    figure.className = 'tile'
    figure.dataset['testid'] = 'peer-tile'
    figure.dataset['peer'] = id
    const video = document.createElement('video')
    video.autoplay = video.playsInline = true
    video.dataset['testid'] = 'peer-video'
    video.setAttribute('aria-label', `${name}'s camera`)
    video.srcObject = this.streams.get(peer) ?? null
    const caption = document.createElement('figcaption')
    const note = document.createElement('span')
    note.className = 'media-note'
    caption.append(`${name} `, note)
    figure.append(video, caption)
    this.grid.append(figure)
    this.tiles.set(id, { peer, figure, video, note })
    this.layout()
  }

  /** Removes the tile of the peer `id` (it left). */
  remove(id: string): void {
    const tile = this.tiles.get(id)
    if (tile === undefined) return
    tile.video.srcObject = null
    tile.figure.remove()
    this.tiles.delete(id)
    this.layout()
  }

  /** The peer `id` turned its microphone or camera on or off: its received tracks follow, its caption says so. */
  showMediaState(id: string, state: MediaStateMessage): void {
    const tile = this.tiles.get(id)
    if (tile === undefined) return
    const stream = tile.video.srcObject as MediaStream | null
    for (const track of stream?.getAudioTracks() ?? []) track.enabled = state.audio
    for (const track of stream?.getVideoTracks() ?? []) track.enabled = state.video
    tile.note.textContent = [state.audio ? '' : 'microphone muted', state.video ? '' : 'camera off'].filter(Boolean).join(', ')
  }

  /** Removes every remote tile. */
  clear(): void {
    for (const id of [...this.tiles.keys()]) this.remove(id)
  }

  /** Sets the grid's columns for the local tile and the remote ones. */
  private layout(): void {
    this.grid.style.setProperty('--columns', String(columnsFor(this.tiles.size + 1)))
  }
}
