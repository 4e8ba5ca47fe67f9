/**
 * A small event emitter that runs in browsers and Node alike (Node's
 * `events` is not in a browser bundle), with the methods of Node's that a
 * peer's users call: `on`, `once`, `off`/`removeListener`,
 * `removeAllListeners`, `listenerCount`. An `error` without a listener is
 * dropped, not thrown: a peer's error also closes it, which is reported.
 *
 * @module
 */

type Listener = (...args: never[]) => void

/** Emits named events to the listeners added for them, in the order they were added. */
export class Emitter {
  readonly #listeners = new Map<string, Listener[]>()

  /** Adds `listener` for `event`. */
  on(event: string, listener: Listener): this {
    const list = this.#listeners.get(event)
    if (list === undefined) this.#listeners.set(event, [listener])
    else list.push(listener)
    this.listenerAdded(event)
    return this
  }

  /** Adds `listener` for the next `event` only. */
  once(event: string, listener: Listener): this {
    const once = Object.assign(
      (...args: never[]): void => {
        this.off(event, once)
        listener(...args)
      },
      { listener },
    )
    return this.on(event, once)
  }

  /** Removes one `listener` of `event` (also one added with `once`, by the function given to it). */
  off(event: string, listener: Listener): this {
    const list = this.#listeners.get(event)
    const at = list?.findIndex((added) => added === listener || (added as { listener?: Listener }).listener === listener) ?? -1
    if (at >= 0) list!.splice(at, 1)
    return this
  }

  /** The same as {@link Emitter.off}. */
  removeListener(event: string, listener: Listener): this {
    return this.off(event, listener)
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: string): this {
    if (event === undefined) this.#listeners.clear()
    else this.#listeners.delete(event)
    return this
  }

  /** How many listeners `event` has. */
  listenerCount(event: string): number {
    return this.#listeners.get(event)?.length ?? 0
  }

  /** Calls each listener of `event` with `args`; true when there was one. */
  emit(event: string, ...args: unknown[]): boolean {
    const list = this.#listeners.get(event)
    if (list === undefined || list.length === 0) return false
    for (const listener of [...list]) (listener as (...values: unknown[]) => void)(...args)
    return true
  }

  /** Called after a listener is added (a subclass starts delivering what it held back). */
  protected listenerAdded(_event: string): void {}
}
