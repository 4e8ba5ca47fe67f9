/**
 * The `trickleCandidates` actor (trickle ICE, from the creation of our record
 * until `connected`): each newer description of ours (with the candidates
 * gathered since folded in, see protocol/trickle.ts) updates our record in the
 * store, the latest one only, one write at a time. A seed-style reader thus
 * always reads a complete description: the one created, then each with more
 * candidates. A failed update is left alone (the record keeps the candidates
 * written so far); stopping the actor aborts the write in flight.
 *
 * @module
 */
import { fromCallback } from 'xstate'
import type { TrickleCandidatesInput, TrickleCommand } from '../machines/signaling.types.js'
import { answerAddress, roomAddress } from '../protocol/addresses.js'
import { encodeRecord, type SessionSignal } from '../protocol/records.js'
import { storeCall, type Participant } from './participant.js'

/** The `trickleCandidates` actor of `participant`. */
export function trickleCandidatesActor(participant: Participant) {
  const { store, keys, ledger, clock } = participant
  return fromCallback<TrickleCommand, TrickleCandidatesInput>(({ input, receive }) => {
    const address = input.role === 'initiator' ? roomAddress(input.room, input.appId) : answerAddress(input.targetId!, input.appId)
    const targetId = input.selfId!
    const controller = new AbortController()
    const { signal } = controller
    let written = input.published.sdp
    let latest: SessionSignal = input.latest
    let writing = false
    const flush = async (): Promise<void> => {
      if (writing) return
      writing = true
      try {
        while (latest.sdp !== written && !signal.aborted) {
          const next = latest
          const record = await keys.recordOf(next, input.room, input.appId, { targetId, now: clock.now(), ttlMs: input.ttlMs, trickle: true })
          signal.throwIfAborted()
          const data = encodeRecord(record)
          await storeCall(participant, signal, () => ledger.update(() => store.update(address, data, { ttlMs: input.ttlMs, signal })))
          written = next.sdp
        }
      } catch {
        // Best effort: the other side has the candidates written so far, and ICE may well not need more.
      } finally {
        writing = false
      }
    }
    receive((command) => {
      latest = command.signal
      void flush()
    })
    void flush()
    return () => controller.abort()
  })
}
