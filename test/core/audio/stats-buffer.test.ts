import { describe, expect, it } from 'vitest'
import { StatsView, createStatsBuffer, unwrapCounter } from '../../../src/core/audio/stats-buffer'

describe('stats buffer', () => {
  it('should not share memory outside a cross-origin isolated page', () => {
    expect(createStatsBuffer()).toBeUndefined()
  })

  it('should store levels and wrapping counters in shared slots', () => {
    const view = new StatsView(new SharedArrayBuffer(16))
    view.setLevel(1, 0.123456)
    expect(view.level(1)).toBeCloseTo(0.123456, 6)
    view.setCounter(0, 2 ** 32 + 7)
    expect(view.counter(0)).toBe(7)
    view.setCounter(0, 2 ** 31 + 5)
    expect(view.counter(0)).toBe(2 ** 31 + 5)
  })

  it('should recover a full counter from its low 32 bits and a close upper bound', () => {
    expect(unwrapCounter(100, 40)).toBe(40)
    expect(unwrapCounter(2 ** 32 + 10, 5)).toBe(2 ** 32 + 5)
    expect(unwrapCounter(2 ** 32 + 10, 2 ** 32 - 3)).toBe(2 ** 32 - 3)
    expect(unwrapCounter(3 * 2 ** 32, 0)).toBe(3 * 2 ** 32)
  })
})
