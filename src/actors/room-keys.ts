/**
 * One participant's room keys: derived once per room (PBKDF2 is slow by
 * design), and the sealing and opening of session descriptions with them.
 * Without a secret, descriptions travel in the clear and encrypted ones are
 * refused.
 *
 * @module
 */
import { SignalingError } from '../errors.js'
import { deriveRoomKey, openSignal, sealSignal, validateSecret } from '../protocol/sealing.js'
import { createRecord, createSealedRecord, type RecordOptions, type SessionSignal, type SignalRecord } from '../protocol/records.js'

/** The room keys of one participant, by app id and room. */
export class RoomKeys {
  private readonly secret: string | undefined
  private readonly keys = new Map<string, Promise<CryptoKey>>()

  /**
   * @param secret - the room secret, or `undefined` for descriptions in the
   * clear; checked here (`ERR_INVALID_OPTION`), WebCrypto's presence with it
   */
  constructor(secret: string | undefined) {
    this.secret = secret === undefined ? undefined : validateSecret(secret)
  }

  /** Starts deriving the room's key in the background (while the store answers and the peer gathers ICE). */
  prepare(room: string, appId: string): void {
    void this.keyFor(room, appId)?.catch(() => {})
  }

  /** The record of our description: sealed with the room key when there is a secret. */
  async recordOf(description: SessionSignal, room: string, appId: string, options: RecordOptions): Promise<SignalRecord> {
    const key = this.keyFor(room, appId)
    if (key === undefined) return createRecord(description, options)
    // Bound to what the record says of itself: where to answer, and until when it counts.
    const context = { appId, room, role: description.type, targetId: options.targetId, expiresAt: options.now + options.ttlMs }
    return createSealedRecord(await sealSignal(await key, description, context), options)
  }

  /**
   * The other side's description from its record, which is to hold an `expect`
   * (an offer at the room address, an answer at an answer address): opened
   * with the room key; `ERR_BAD_SECRET` when the secrets disagree, or a sealed
   * record was copied from another role, call or time.
   */
  async descriptionOf(record: SignalRecord, room: string, appId: string, expect: SessionSignal['type']): Promise<SessionSignal> {
    const key = this.keyFor(room, appId)
    if (key === undefined) {
      if (record.enc !== undefined) {
        throw new SignalingError('ERR_BAD_SECRET', "The other participant's description is encrypted with a room secret: join with the same secret.")
      }
      return record.payload!
    }
    if (record.enc === undefined) {
      throw new SignalingError('ERR_BAD_SECRET', "The other participant's description is not encrypted, but this call has a room secret: both sides must join with the same secret.")
    }
    return openSignal(await key, record.enc, { appId, room, role: expect, targetId: record.targetId, expiresAt: record.expiresAt })
  }

  private keyFor(room: string, appId: string): Promise<CryptoKey> | undefined {
    if (this.secret === undefined) return undefined
    const id = `${appId}\u0000${room}`
    let key = this.keys.get(id)
    if (key === undefined) this.keys.set(id, (key = deriveRoomKey(this.secret, room, appId)))
    return key
  }
}
