/**
 * Time, injected. The runner, the tool executor and the store never call `setTimeout` or
 * `Date.now` directly, so tests can drive them with fake timers (the defaults look the globals
 * up at call time, which is what `vi.useFakeTimers()` patches) or with a hand-written clock, and
 * Storybook can freeze them.
 */
export interface Scheduler {
  /** Milliseconds on a monotonic-enough clock; only differences are used. */
  now(): number
  /** Runs `callback` once after `ms`; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): TimerHandle
  clearTimeout(handle: TimerHandle): void
}

/** Opaque timer handle (a number in browsers, an object in Node). */
export type TimerHandle = unknown

/** Uses the global timers, looked up on every call so fake timers installed later still apply. */
export const defaultScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
}

/**
 * A set of named one-shot timers on a scheduler. Starting a name again replaces the previous
 * timer, and `clearAll()` leaves nothing pending, which is how `close()` guarantees that no
 * timer outlives the runner.
 */
export class TimerSet<TName extends string> {
  readonly #scheduler: Scheduler
  readonly #timers = new Map<TName, TimerHandle>()

  constructor(scheduler: Scheduler) {
    this.#scheduler = scheduler
  }

  start(name: TName, ms: number, callback: () => void): void {
    this.clear(name)
    const handle = this.#scheduler.setTimeout(() => {
      this.#timers.delete(name)
      callback()
    }, ms)
    this.#timers.set(name, handle)
  }

  clear(name: TName): void {
    const handle = this.#timers.get(name)
    if (handle === undefined) return
    this.#timers.delete(name)
    this.#scheduler.clearTimeout(handle)
  }

  has(name: TName): boolean {
    return this.#timers.has(name)
  }

  clearAll(): void {
    for (const name of [...this.#timers.keys()]) this.clear(name)
  }
}
