/**
 * The store contract: every SignalStore passes this same suite. A store's test
 * file calls `runStoreContract` with a harness that makes two participants
 * over the same records and a way to move time forward.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRecord, encodeRecord, MAX_RECORD_BYTES, SignalingError, type SignalStore } from '../../src/index.js'
import { expectCode, rejectionOf } from '../helpers/codes.js'

/** How many times a test lets pushed changes arrive before it gives up waiting. */
const MAX_SETTLE_TURNS = 500

/** What a store's test file provides. */
export interface StoreHarness {
  /** A participant. */
  a: SignalStore
  /** Another participant over the same records. */
  b: SignalStore
  /** Moves the store's time forward by `ms` (record expiry). */
  advance(ms: number): Promise<void>
  /** Lets pushed changes arrive. */
  settle(): Promise<void>
  /** Stops whatever the harness started. */
  cleanup(): Promise<void>
}

const offer = (n: number): string =>
  encodeRecord(createRecord({ type: 'offer', sdp: `v=0 sdp ${n}` }, { targetId: `room-${n}`, now: 0, ttlMs: 60_000 }))

/** What a store can do beyond the required methods. */
export interface StoreCapabilities {
  /** The store offers `watch()`, a push read. */
  watch: boolean
}

/** Runs the contract suite against the store that `setup` makes. */
export function runStoreContract(name: string, capabilities: StoreCapabilities, setup: () => Promise<StoreHarness>): void {
  describe(`${name} fulfils the store contract`, () => {
    let h: StoreHarness
    beforeEach(async () => {
      h = await setup()
    })
    afterEach(async () => {
      await h.cleanup()
    })

    it('reads null where nothing was stored', async () => {
      expect(await h.a.read('nothing-here')).toBeNull()
    })

    it('creates a record that every participant reads back unchanged', async () => {
      await h.a.create('room-1', offer(1))
      expect(await h.a.read('room-1')).toBe(offer(1))
      expect(await h.b.read('room-1')).toBe(offer(1))
    })

    it('refuses a second create at the same address with ERR_EXISTS and keeps the first', async () => {
      await h.a.create('room-1', offer(1))
      await expectCode(h.b.create('room-1', offer(2)), 'ERR_EXISTS')
      await expectCode(h.a.create('room-1', offer(3)), 'ERR_EXISTS')
      expect(await h.b.read('room-1')).toBe(offer(1))
    })

    it('lets exactly one of many concurrent creates win', async () => {
      const stores = [h.a, h.b, h.a, h.b, h.a, h.b, h.a, h.b]
      const results = await Promise.allSettled(stores.map((store, index) => store.create('contested', offer(index))))
      const winners = results.flatMap((result, index) => (result.status === 'fulfilled' ? [index] : []))
      expect(winners).toHaveLength(1)
      for (const result of results) {
        if (result.status === 'rejected') expect((result.reason as SignalingError).code).toBe('ERR_EXISTS')
      }
      expect(await h.a.read('contested')).toBe(offer(winners[0]!))
    })

    it('updates a record for its creator only', async () => {
      await h.a.create('room-1', offer(1))
      await h.a.update('room-1', offer(2))
      expect(await h.b.read('room-1')).toBe(offer(2))
      await expectCode(h.b.update('room-1', offer(3)), 'ERR_NOT_OWNER')
      expect(await h.a.read('room-1')).toBe(offer(2))
    })

    it('refuses to update a record that does not exist with ERR_NOT_FOUND', async () => {
      await expectCode(h.a.update('missing', offer(1)), 'ERR_NOT_FOUND')
      expect(await h.a.read('missing')).toBeNull()
    })

    it('removes a record for its creator only, and removing nothing is fine', async () => {
      await h.a.create('room-1', offer(1))
      await expectCode(h.b.remove('room-1'), 'ERR_NOT_OWNER')
      expect(await h.b.read('room-1')).toBe(offer(1))
      await h.a.remove('room-1')
      expect(await h.b.read('room-1')).toBeNull()
      await h.a.remove('room-1')
      await h.b.remove('never-there')
    })

    it('frees the address after removal, for anyone to create', async () => {
      await h.a.create('room-1', offer(1))
      await h.a.remove('room-1')
      await h.b.create('room-1', offer(2))
      expect(await h.a.read('room-1')).toBe(offer(2))
    })

    it('expires a record after its ttl, then lets the address be created again', async () => {
      await h.a.create('short', offer(1), { ttlMs: 1_000 })
      await h.a.create('long', offer(2), { ttlMs: 60_000 })
      await h.advance(999)
      expect(await h.b.read('short')).toBe(offer(1))
      await h.advance(2)
      expect(await h.b.read('short')).toBeNull()
      expect(await h.b.read('long')).toBe(offer(2))
      await h.b.create('short', offer(3))
      expect(await h.a.read('short')).toBe(offer(3))
    })

    it('renews the ttl on update', async () => {
      await h.a.create('room-1', offer(1), { ttlMs: 1_000 })
      await h.advance(800)
      await h.a.update('room-1', offer(2), { ttlMs: 1_000 })
      await h.advance(800)
      expect(await h.b.read('room-1')).toBe(offer(2))
    })

    it('rejects bad arguments with clear codes, storing nothing', async () => {
      await expectCode(h.a.create('', offer(1)), 'ERR_INVALID_ADDRESS')
      await expectCode(h.a.create('x'.repeat(1025), offer(1)), 'ERR_INVALID_ADDRESS')
      await expectCode(h.a.read(42 as unknown as string), 'ERR_INVALID_ADDRESS')
      await expectCode(h.a.create('room-1', ''), 'ERR_INVALID_DATA')
      await expectCode(h.a.create('room-1', 'not base64!'), 'ERR_INVALID_DATA')
      await expectCode(h.a.create('room-1', { data: 1 } as unknown as string), 'ERR_INVALID_DATA')
      await expectCode(h.a.create('room-1', 'A'.repeat(MAX_RECORD_BYTES + 4)), 'ERR_RECORD_TOO_LARGE')
      await expectCode(h.a.create('room-1', offer(1), { ttlMs: -5 }), 'ERR_INVALID_OPTION')
      await expectCode(h.a.create('room-1', offer(1), { ttlMs: Number.NaN }), 'ERR_INVALID_OPTION')
      expect(await h.a.read('room-1')).toBeNull()
    })

    it('stores a record of exactly the size limit', async () => {
      const data = 'A'.repeat(MAX_RECORD_BYTES)
      await h.a.create('big', data)
      expect(await h.b.read('big')).toBe(data)
    })

    it('keeps addresses apart, whatever characters they hold', async () => {
      const addresses = ['a', 'A', 'a/b', 'a b', 'ZXhhbXBsZS5zaWduYWxpbmcudjEtcm9vbQ==', 'ünïcødé', 'a:b', '..']
      await Promise.all(addresses.map((address, index) => h.a.create(address, offer(index))))
      for (const [index, address] of addresses.entries()) expect(await h.b.read(address)).toBe(offer(index))
    })

    if (capabilities.watch) {
      /** Subscribes to `watch` and returns what it has pushed so far, and a way to wait for a value. */
      function watching(store: SignalStore, address: string) {
        const seen: Array<string | null> = []
        const subscription = store.watch!(address).subscribe((value) => seen.push(value))
        const until = async (count: number): Promise<Array<string | null>> => {
          for (let turn = 0; turn < MAX_SETTLE_TURNS && seen.length < count; turn++) await h.settle()
          return seen
        }
        return { seen, until, stop: () => subscription.unsubscribe() }
      }

      it('watch pushes the current data, then each change, then null on removal', async () => {
        const watch = watching(h.b, 'room-1')
        expect(await watch.until(1)).toEqual([null])
        await h.a.create('room-1', offer(1))
        expect(await watch.until(2)).toEqual([null, offer(1)])
        await h.a.update('room-1', offer(2))
        expect(await watch.until(3)).toEqual([null, offer(1), offer(2)])
        await h.a.remove('room-1')
        expect(await watch.until(4)).toEqual([null, offer(1), offer(2), null])
        watch.stop()
      })

      it('watch pushes what is already there, and null when the record expires', async () => {
        await h.a.create('room-1', offer(1), { ttlMs: 1_000 })
        const watch = watching(h.b, 'room-1')
        expect(await watch.until(1)).toEqual([offer(1)])
        await h.advance(1_001)
        expect(await watch.until(2)).toEqual([offer(1), null])
        watch.stop()
      })

      it('watch catches up with the latest data when several changes come at once', async () => {
        const watch = watching(h.b, 'room-1')
        await watch.until(1)
        await h.a.create('room-1', offer(1))
        await h.a.update('room-1', offer(2))
        await h.a.update('room-1', offer(3))
        for (let turn = 0; turn < MAX_SETTLE_TURNS && watch.seen.at(-1) !== offer(3); turn++) await h.settle()
        expect(watch.seen.at(-1)).toBe(offer(3))
        watch.stop()
      })
    } else {
      it('offers no watch, so readers poll', () => {
        expect(h.a.watch).toBeUndefined()
      })
    }

    /** An abort reason no store makes itself, so the test sees whose error arrived. */
    const hangUp = () => new Error('hung up by the test')

    it('rejects a call whose signal is already aborted with its reason, storing nothing', async () => {
      await h.a.create('room-1', offer(1))
      const controller = new AbortController()
      const reason = hangUp()
      controller.abort(reason)
      const signal = controller.signal
      expect(await rejectionOf(h.a.create('room-2', offer(2), { signal }))).toBe(reason)
      expect(await rejectionOf(h.a.update('room-1', offer(3), { signal }))).toBe(reason)
      expect(await rejectionOf(h.a.read('room-1', { signal }))).toBe(reason)
      expect(await rejectionOf(h.a.remove('room-1', { signal }))).toBe(reason)
      expect(await h.b.read('room-2')).toBeNull()
      expect(await h.b.read('room-1')).toBe(offer(1))
    })

    it('rejects a call in flight with the reason as soon as its signal aborts, and keeps working', async () => {
      await h.a.create('room-1', offer(1))
      const reading = new AbortController()
      const read = h.b.read('room-1', { signal: reading.signal })
      const reason = hangUp()
      reading.abort(reason)
      expect(await rejectionOf(read)).toBe(reason)
      // A write aborted in flight may still land (over HTTP the request may be out): only the rejection is certain.
      const writing = new AbortController()
      const write = h.a.create('room-2', offer(2), { signal: writing.signal })
      writing.abort(reason)
      expect(await rejectionOf(write)).toBe(reason)
      expect([null, offer(2)]).toContain(await h.b.read('room-2'))
      await h.a.update('room-1', offer(3))
      expect(await h.b.read('room-1')).toBe(offer(3))
    })

    it('completes calls given a live signal, and a later abort changes nothing', async () => {
      const controller = new AbortController()
      await h.a.create('room-1', offer(1), { signal: controller.signal })
      expect(await h.b.read('room-1', { signal: controller.signal })).toBe(offer(1))
      controller.abort(hangUp())
      expect(await h.b.read('room-1')).toBe(offer(1))
    })

    it('refuses a signal that is not an AbortSignal with ERR_INVALID_OPTION', async () => {
      const signal = { aborted: false } as unknown as AbortSignal
      await expectCode(h.a.read('room-1', { signal }), 'ERR_INVALID_OPTION')
      await expectCode(h.a.create('room-1', offer(1), { signal }), 'ERR_INVALID_OPTION')
      expect(await h.a.read('room-1')).toBeNull()
    })

    it('fails every call after close with ERR_STORE_CLOSED', async () => {
      if (h.a.close === undefined) return
      await h.a.close()
      await expectCode(h.a.read('room-1'), 'ERR_STORE_CLOSED')
      await expectCode(h.a.create('room-1', offer(1)), 'ERR_STORE_CLOSED')
      expect(await h.b.read('room-1')).toBeNull()
    })
  })
}
