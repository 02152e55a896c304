/**
 * Shared counters between a worklet and the main thread, for pages that are cross-origin isolated
 * (COOP `same-origin` + COEP `require-corp`), where `SharedArrayBuffer` may be posted to a
 * worklet. The worklet stores after every render quantum; the main thread loads whenever it
 * wants (a level meter at animation-frame rate, a barge-in needing the exact played position) —
 * no message, no wait, never stale by more than one quantum.
 *
 * Every slot is an `Int32` accessed with `Atomics`, so a read never tears. Levels are stored in
 * millionths. Frame counters are stored modulo 2³² (see {@link unwrapCounter}).
 *
 * Without isolation the same values travel in the worklets' periodic messages instead.
 */

/** Slots of the capture worklet's buffer. */
export const CAPTURE_SLOT = { level: 0, frames: 1 } as const
/** Slots of the player worklet's buffer. */
export const PLAYER_SLOT = { consumed: 0, level: 1, playing: 2, underruns: 3 } as const

const SLOT_COUNT = 4
const LEVEL_SCALE = 1_000_000
const TWO_32 = 2 ** 32

/**
 * A buffer of {@link SLOT_COUNT} slots when shared memory can be given to a worklet, otherwise
 * `undefined`. Reads the globals only when called.
 */
export function createStatsBuffer(): SharedArrayBuffer | undefined {
  const scope = globalThis as { crossOriginIsolated?: boolean }
  if (scope.crossOriginIsolated !== true || typeof SharedArrayBuffer !== 'function')
    return undefined
  return new SharedArrayBuffer(SLOT_COUNT * Int32Array.BYTES_PER_ELEMENT)
}

/** Typed view and accessors over a stats buffer; the same code runs in the worklet. */
export class StatsView {
  readonly #slots: Int32Array

  constructor(buffer: SharedArrayBuffer) {
    this.#slots = new Int32Array(buffer)
  }

  setLevel(slot: number, level: number): void {
    Atomics.store(this.#slots, slot, Math.round(level * LEVEL_SCALE))
  }

  level(slot: number): number {
    return Atomics.load(this.#slots, slot) / LEVEL_SCALE
  }

  /** Stores a non-negative counter modulo 2³². */
  setCounter(slot: number, value: number): void {
    Atomics.store(this.#slots, slot, (value % TWO_32) | 0)
  }

  /** The counter modulo 2³², as an unsigned number. */
  counter(slot: number): number {
    return Atomics.load(this.#slots, slot) >>> 0
  }
}

/**
 * Recovers a full counter value from its low 32 bits, given an upper bound known on this side
 * that is less than 2³² ahead of it (for the player: frames posted ≥ frames consumed, and never
 * 24 hours of audio apart).
 *
 * @example
 * unwrapCounter(2 ** 32 + 10, 5) // 2 ** 32 + 5
 */
export function unwrapCounter(upperBound: number, low32: number): number {
  const behind = ((((upperBound % TWO_32) - low32) % TWO_32) + TWO_32) % TWO_32
  return upperBound - behind
}
