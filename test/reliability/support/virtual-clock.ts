import type { Scheduler } from '../../../src/core'
import type { MockClock } from '../../../src/testing'

/**
 * Simulated time shared by the runner (its `scheduler`), the mock server (its `clock`) and the
 * tools of a reliability case. Time only moves when the test says so (`advance`), which is how a
 * two-minute session runs in a fraction of a second of wall time and how a backoff, a go-away
 * deadline or a slow tool happens at the same simulated moment on every run.
 *
 * A timer of 0 ms is "as soon as possible", not "at the next advance": it runs on the next turn
 * of the event loop without moving time (the mock streams a response with 0 ms waits between
 * chunks, and those must not stall a test that is waiting for the response).
 *
 * Every timer belongs to an owner (`runner`, `mock`, `app`), so a case can assert that the
 * runner left no timer behind while the mock may still hold its own.
 */
export class VirtualClock {
  #now = 0
  #seq = 0
  readonly #timers = new Map<number, VirtualTimer>()
  readonly #counters = { started: 0, fired: 0 }

  now(): number {
    return this.#now
  }

  /** A view for one owner, usable as a runner `Scheduler` and as a mock `MockClock`. */
  view(owner: TimerOwner): ClockView {
    return {
      now: () => this.#now,
      setTimeout: (callback: () => void, ms: number) => this.#start(owner, callback, ms),
      clearTimeout: (handle: unknown) => this.#clear(handle),
    }
  }

  /** Timers not yet fired or cleared, of one owner or all. */
  pending(owner?: TimerOwner): number {
    let count = 0
    for (const timer of this.#timers.values())
      if (owner === undefined || timer.owner === owner) count++
    return count
  }

  /** Pending 0 ms timers (they run on the next event-loop turn). */
  immediates(): number {
    let count = 0
    for (const timer of this.#timers.values()) if (timer.immediate) count++
    return count
  }

  /** Simulated milliseconds until the next timed (non-immediate) timer, if any. */
  nextDueIn(owner?: TimerOwner): number | undefined {
    let next: number | undefined
    for (const timer of this.#timers.values()) {
      if (timer.immediate || (owner !== undefined && timer.owner !== owner)) continue
      if (next === undefined || timer.at < next) next = timer.at
    }
    return next === undefined ? undefined : next - this.#now
  }

  /** Timers started and fired so far (a quiet system changes neither). */
  get activity(): number {
    return this.#counters.started + this.#counters.fired
  }

  /**
   * Moves time forward by `ms`, running every timed timer that falls due on the way, in due
   * order, each at its own simulated time. Callbacks run synchronously; what they start
   * asynchronously (socket writes, promises) runs after this returns.
   */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms)
    for (;;) {
      const due = this.#earliest(target)
      if (!due) break
      this.#timers.delete(due.id)
      this.#now = Math.max(this.#now, due.at)
      this.#counters.fired++
      due.callback()
    }
    this.#now = target
  }

  #earliest(limit: number): VirtualTimer | undefined {
    let found: VirtualTimer | undefined
    for (const timer of this.#timers.values()) {
      if (timer.immediate || timer.at > limit) continue
      if (!found || timer.at < found.at || (timer.at === found.at && timer.id < found.id)) {
        found = timer
      }
    }
    return found
  }

  #start(owner: TimerOwner, callback: () => void, ms: number): VirtualTimer {
    const delay = Number.isFinite(ms) ? Math.max(0, ms) : 0
    const id = ++this.#seq
    const timer: VirtualTimer = {
      id,
      owner,
      at: this.#now + delay,
      immediate: delay === 0,
      callback,
    }
    this.#timers.set(id, timer)
    this.#counters.started++
    if (timer.immediate) {
      setImmediate(() => {
        if (!this.#timers.delete(id)) return
        this.#counters.fired++
        callback()
      })
    }
    return timer
  }

  #clear(handle: unknown): void {
    if (typeof handle !== 'object' || handle === null) return
    this.#timers.delete((handle as VirtualTimer).id)
  }
}

export type TimerOwner = 'runner' | 'mock' | 'app'

export type ClockView = Scheduler & MockClock

interface VirtualTimer {
  id: number
  owner: TimerOwner
  at: number
  immediate: boolean
  callback: () => void
}

/** Resolves after `ms` of simulated time on `clock` (or rejects when `signal` aborts). */
export function sleep(clock: ClockView, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error)
      return
    }
    const onAbort = (): void => {
      clock.clearTimeout(timer)
      reject(signal?.reason as Error)
    }
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
