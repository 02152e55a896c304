import type { Scheduler, TimerHandle } from '../runner/scheduler'

/**
 * Calls `tick` at a fixed rate on a grid anchored at `start()`: tick n is due at
 * `start + n × interval`, so timer lateness never accumulates into a slower rate. A tick that
 * comes more than one interval late (a throttled background tab, a blocked main thread) moves on
 * to the next slot of the grid instead of firing a burst to catch up.
 */
export class FrameTicker {
  readonly #scheduler: Scheduler
  readonly #intervalMs: number
  readonly #tick: () => void
  #origin = 0
  #slot = 0
  #timer: TimerHandle | undefined

  constructor(scheduler: Scheduler, framesPerSecond: number, tick: () => void) {
    if (!(framesPerSecond > 0) || !Number.isFinite(framesPerSecond)) {
      throw new RangeError(`The frame rate must be a positive number (got ${framesPerSecond})`)
    }
    this.#scheduler = scheduler
    this.#intervalMs = 1000 / framesPerSecond
    this.#tick = tick
  }

  get running(): boolean {
    return this.#timer !== undefined
  }

  /** Ticks now, then on the grid. */
  start(): void {
    this.stop()
    this.#origin = this.#scheduler.now()
    this.#slot = 0
    this.#fire()
  }

  stop(): void {
    if (this.#timer !== undefined) this.#scheduler.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #fire(): void {
    const now = this.#scheduler.now()
    const due = Math.floor((now - this.#origin) / this.#intervalMs)
    // Late by a whole interval or more: skip the missed slots rather than catching up.
    this.#slot = Math.max(this.#slot + 1, due + 1)
    const next = this.#origin + this.#slot * this.#intervalMs
    this.#timer = this.#scheduler.setTimeout(() => this.#fire(), Math.max(0, next - now))
    this.#tick()
  }
}
