/**
 * The ledger of what one participant published: every address where a create
 * of ours may have landed, and the writes still in flight. The release of
 * records waits for those writes (a hang-up aborts them, but an aborted write
 * may still have reached the store) and removes every such address; removal
 * is idempotent, and what a failed removal leaves behind expires with its ttl.
 *
 * @module
 */
import { isTransientError } from '../time/retry.js'

/** Removes one record of ours; resolves when removed or already absent. */
export type RemoveRecord = (address: string) => Promise<void>

/** What one participant published, and the release of it. */
export class PublishedRecords {
  /** Addresses where a create of ours succeeded or may have landed (aborted, or failed without a definite answer). */
  private readonly published = new Set<string>()
  /** Writes in flight, each resolving to the address it may have created (or null). */
  private readonly writes = new Set<Promise<string | null>>()
  /** The last release; each release starts after the one before it. */
  private releasing: Promise<void> = Promise.resolve()
  /** Releases started and not yet finished. */
  private releasesUnderWay = 0

  /** @param remove - removes one record (retried by the caller's policy); its failure is ignored */
  constructor(private readonly remove: RemoveRecord) {}

  /**
   * Runs a create at `address` and records it. A create refused with a
   * definite answer (`ERR_EXISTS`…) created nothing; any other outcome may
   * have left a record of ours there.
   */
  async create(address: string, write: () => Promise<void>): Promise<void> {
    let settle!: (created: string | null) => void
    this.track(new Promise<string | null>((resolve) => (settle = resolve)))
    try {
      await write()
      settle(address)
    } catch (error) {
      settle(isTransientError(error) ? address : null)
      throw error
    }
  }

  /** Runs another write (an update of a record of ours): the release waits for it, so nothing lands after. */
  async update(write: () => Promise<void>): Promise<void> {
    const running = write()
    this.track(running.then(() => null, () => null))
    await running
  }

  /** Notes that the record at `address` is gone (removed by its owner on purpose). */
  forget(address: string): void {
    this.published.delete(address)
  }

  /**
   * Removes what was published so far: waits for the writes now in flight,
   * then removes every address where a create of ours may have landed. Never
   * rejects. Writes started after this call belong to a later release.
   */
  release(): Promise<void> {
    const addresses = new Set(this.published)
    this.published.clear()
    const inFlight = [...this.writes]
    const release = async (): Promise<void> => {
      for (const created of await Promise.all(inFlight)) {
        if (created === null) continue
        addresses.add(created)
        this.published.delete(created)
      }
      await Promise.all([...addresses].map((address) => this.remove(address).catch(() => {})))
    }
    this.releasesUnderWay += 1
    this.releasing = this.releasing.then(release).finally(() => (this.releasesUnderWay -= 1))
    return this.releasing
  }

  /** Resolves once every release started so far has finished. */
  released(): Promise<void> {
    return this.releasing
  }

  /** True while a release started so far has not finished (then wait for {@link PublishedRecords.released}). */
  get isReleasing(): boolean {
    return this.releasesUnderWay > 0
  }

  /** Keeps a write in flight until it settles, then books the address it may have created. */
  private track(write: Promise<string | null>): void {
    this.writes.add(write)
    void write.then((created) => {
      this.writes.delete(write)
      if (created !== null) this.published.add(created)
    })
  }
}
