import { describe, expect, it, vi } from 'vitest'

// If anything in the core's import graph touched React, this empty mock would break it.
vi.mock('react', () => ({}))
vi.mock('react-dom', () => ({}))

describe('core entry', () => {
  it('should import in Node without React, window or navigator', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined')
    const core = await import('../../src/core')
    expect(core.RealtimeError).toBeTypeOf('function')
    expect(core.parseRealtimeConfig).toBeTypeOf('function')
  })
})
