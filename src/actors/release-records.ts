/**
 * The `releaseRecords` action (on entering `failed` and `closed`): removes
 * what this participant published, after the writes the state change aborted
 * have settled. It runs beyond the machine's own life (`closed` is final);
 * `ProvidedSignaling.released()` resolves when it is done.
 *
 * @module
 */
import type { Participant } from './participant.js'

/** The `releaseRecords` action of `participant`. */
export function releaseRecordsAction(participant: Participant): () => void {
  return () => {
    void participant.ledger.release()
  }
}
