/**
 * `signalbox join <room> --max-peers <n>` (n above 2): one participant of a
 * room of many, with real WebRTC. Prints when it is in the room, each peer
 * that joins or leaves, and everything the peers send; sends `--message` to
 * each peer as it joins and each line read on stdin to everyone. Ends after a
 * hang-up (Ctrl-C, SIGTERM, or the end of stdin unless `stay`); a full room
 * ends it at once with `ERR_ROOM_FULL`. Outside text goes through ./printable.ts.
 *
 * @module
 */
import { createInterface } from 'node:readline'
import { joinRoom } from '../engine/room.js'
import { isSignalingError, SignalingError } from '../errors.js'
import type { JoinCommandOptions } from './join.js'
import { createOutput, KEEP_ALIVE_MS } from './output.js'
import { printable, printableLines } from './printable.js'

/** What {@link runJoinRoom} needs: the options of `join`, and the room's size. */
export interface JoinRoomCommandOptions extends Omit<JoinCommandOptions, 'invite'> {
  /** How many participants the room allows (above 2; 2 is the pair call of `runJoin`). */
  maxPeers: number
}

/** Runs one participant of a room of many; resolves with the exit code: 0 after leaving, 1 on failure (a full room). */
export async function runJoinRoom(options: JoinRoomCommandOptions): Promise<number> {
  const { write, writeError, emit } = createOutput(options)

  const room = joinRoom(options.room, { ...options.signaling, maxPeers: options.maxPeers, store: options.store, wrtc: options.wrtc })
  const keepAlive = setInterval(() => {}, KEEP_ALIVE_MS)
  try {
    room.onPeerJoin((id, peer) => {
      emit(`+ ${id} joined`, { peerJoin: id })
      peer.on('data', (data: Uint8Array) => {
        const text = new TextDecoder().decode(data)
        if (options.json === true) emit('', { received: text, from: id })
        else for (const line of printableLines(text)) emit(`< ${id}: ${line}`, {})
      })
      if (options.message !== undefined) peer.send(options.message)
    })
    room.onPeerLeave((id) => emit(`- ${id} left`, { peerLeave: id }))
    try {
      await room.joined
    } catch (error) {
      const failure = isSignalingError(error) ? error : new SignalingError('ERR_PEER', String(error))
      writeError(`signalbox: ${failure.code}: ${printable(failure.message)}`)
      await room.leave()
      return 1
    }
    emit(`in room ${printable(options.room)} as ${room.selfId} (up to ${options.maxPeers} participants)`, { joined: { id: room.selfId, maxPeers: options.maxPeers } })
    const left = new Promise<void>((resolve) => {
      const leave = () => void room.leave().then(resolve)
      options.signal?.addEventListener('abort', leave, { once: true })
      if (options.input === undefined) return
      const lines = createInterface({ input: options.input, crlfDelay: Infinity })
      lines.on('line', (line) => {
        room.broadcast(line)
        emit(`> ${printable(line)}`, { sent: line })
      })
      lines.on('close', () => {
        if (options.stay !== true) leave()
      })
    })
    await left
    emit('left', { state: 'left' })
    return 0
  } finally {
    clearInterval(keepAlive)
    await options.store.close?.()
  }
}
