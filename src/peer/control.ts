/**
 * The control channel: a second data channel beside simple-peer's, on which
 * signalbox talks to signalbox once the peers are connected (a hang-up, and
 * renegotiation's descriptions once the store's records are gone). User data
 * travels on simple-peer's channel only, so it can never be taken for a
 * control message. The channel is pre-negotiated (`negotiated: true` with a
 * fixed id) by both sides as their peer is made, so it needs no signaling of
 * its own and opens with the connection.
 *
 * A peer without an `RTCPeerConnection` (`signalbox/testing`'s fakes) has no
 * control channel: its hang-up destroys it at once, as before.
 *
 * @module
 */

/** The control channel's label. */
export const CONTROL_CHANNEL_LABEL = 'signalbox-control'
/** The control channel's SCTP stream id, the same on both sides; far above the ids simple-peer's own channel takes (0 or 1). */
export const CONTROL_CHANNEL_ID = 1000
/** How often a drain looks at the buffered amount when the channel tells nothing, in ms. */
export const DRAIN_POLL_MS = 10
/** The protocol version every control frame carries. */
export const CONTROL_VERSION = 1

/** A control frame: the other side hangs up, or a description of a renegotiation (any simple-peer signal data). */
export type ControlMessage = { type: 'hangup'; messages: number | null } | { type: 'signal'; signal: object }

/** The part of an `RTCDataChannel` the control channel uses. */
interface ChannelLike {
  readonly readyState: string
  readonly bufferedAmount: number
  send(data: string): void
  close(): void
  addEventListener(type: 'message' | 'open', listener: (event: { data?: unknown }) => void): void
}

/** The signalbox end of the control channel of one peer. */
export interface ControlChannel {
  /** Sends a frame once the channel is open (frames sent earlier wait, in order). */
  send(message: ControlMessage): void
  /** Called with every well-formed frame from the other side; anything else is ignored. */
  onMessage(listener: (message: ControlMessage) => void): void
  /** Resolves once this channel has handed every frame sent to the transport. Stop waiting with `signal`. */
  drained(signal: AbortSignal): Promise<void>
}

/** Opens the control channel on `peer`'s RTCPeerConnection (simple-peer's `_pc`), or returns null for a peer without one. */
export function openControlChannel(peer: object): ControlChannel | null {
  const pc = (peer as { _pc?: { createDataChannel?: (label: string, init: RTCDataChannelInit) => unknown } })._pc
  if (typeof pc?.createDataChannel !== 'function') return null
  let channel: ChannelLike
  try {
    channel = pc.createDataChannel(CONTROL_CHANNEL_LABEL, { negotiated: true, id: CONTROL_CHANNEL_ID, ordered: true }) as ChannelLike
  } catch {
    return null
  }
  const waiting: string[] = []
  const flush = (): void => {
    for (const frame of waiting.splice(0)) channel.send(frame)
  }
  channel.addEventListener('open', flush)
  return {
    send(message) {
      waiting.push(JSON.stringify({ signalbox: CONTROL_VERSION, ...message }))
      if (channel.readyState === 'open') flush()
    },
    onMessage(listener) {
      channel.addEventListener('message', (event) => {
        const message = parseControlFrame(event.data)
        if (message !== null) listener(message)
      })
    },
    drained: (signal) => drained(() => channel.bufferedAmount + waiting.length, signal),
  }
}

/**
 * Counts the messages sent on simple-peer's data channel (`_channel`) from
 * now on: the count is taken as the user sends, since WebRTC's own statistics
 * lag behind. Call it on `connect`, before simple-peer flushes what was
 * written earlier. Returns the counter, or null for a peer without a channel.
 */
export function countSentMessages(peer: object): (() => number) | null {
  const channel = (peer as { _channel?: { send?: (data: unknown) => void } | null })._channel
  if (typeof channel?.send !== 'function') return null
  let sent = 0
  const send = channel.send.bind(channel)
  channel.send = (data: unknown) => {
    send(data)
    sent++
  }
  return () => sent
}

/** What {@link countReceivedMessages} needs of a data channel or a connection: `addEventListener`. */
interface Listenable {
  addEventListener?: (type: string, listener: (event: { channel?: unknown }) => void) => void
  label?: string
}

/**
 * Counts the messages that reach this side's JavaScript on simple-peer's data
 * channel, from the peer's making on: on the initiator's channel at once, on
 * the recipient's as soon as the connection hands it over. WebRTC's statistics
 * count what arrived natively, which under load runs ahead of the message
 * events still queued for JavaScript; closing on those would drop the
 * messages in the queue. Returns the counter, which is null until a channel
 * is watched (a peer without one: fall back to {@link userMessageCount}).
 */
export function countReceivedMessages(peer: object): () => number | null {
  const internals = peer as { _channel?: Listenable | null; _pc?: Listenable | null }
  let received = 0
  let watching = false
  const watch = (channel: Listenable | null | undefined): void => {
    if (typeof channel?.addEventListener !== 'function' || channel.label === CONTROL_CHANNEL_LABEL || watching) return
    watching = true
    channel.addEventListener('message', () => received++)
  }
  if (internals._channel) watch(internals._channel)
  else internals._pc?.addEventListener?.('datachannel', (event) => watch(event.channel as Listenable | undefined))
  return () => (watching ? received : null)
}

/**
 * How many messages the peer's data channels other than the control channel
 * have received so far, from `getStats()`; null when the peer cannot tell. A
 * hang-up names the count it sent, and the other side waits until it has
 * received as many: the channels are separate streams, so our word may
 * overtake the user's last messages.
 */
export async function userMessageCount(peer: object, direction: 'messagesReceived'): Promise<number | null> {
  const pc = (peer as { _pc?: { getStats?: () => Promise<Map<string, Record<string, unknown>>> } })._pc
  if (typeof pc?.getStats !== 'function') return null
  try {
    let count = 0
    for (const report of (await pc.getStats()).values()) {
      if (report['type'] !== 'data-channel' || report['label'] === CONTROL_CHANNEL_LABEL) continue
      const value = report[direction]
      if (typeof value === 'number') count += value
    }
    return count
  } catch {
    return null
  }
}

/** Resolves once `pending()` is 0, looking every {@link DRAIN_POLL_MS}; stops (resolving) when `signal` aborts. */
export function drained(pending: () => number | Promise<number>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const look = async (): Promise<void> => {
      if (signal.aborted || (await pending()) <= 0) resolve()
      else setTimeout(() => void look(), DRAIN_POLL_MS)
    }
    void look()
  })
}

/** The control message in `data`, or null when it is not one of ours. */
export function parseControlFrame(data: unknown): ControlMessage | null {
  if (typeof data !== 'string') return null
  let frame: unknown
  try {
    frame = JSON.parse(data)
  } catch {
    return null
  }
  if (typeof frame !== 'object' || frame === null || (frame as { signalbox?: unknown }).signalbox !== CONTROL_VERSION) return null
  const { type, signal } = frame as { type?: unknown; signal?: unknown }
  const { messages } = frame as { messages?: unknown }
  if (type === 'hangup') return { type, messages: typeof messages === 'number' && Number.isSafeInteger(messages) && messages >= 0 ? messages : null }
  if (type === 'signal' && typeof signal === 'object' && signal !== null) return { type, signal }
  return null
}
