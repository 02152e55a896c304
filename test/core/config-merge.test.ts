import { describe, expect, it } from 'vitest'
import { mergeSessionUpdate, withResumptionHandle, type RealtimeConfig } from '../../src/core'

describe('mergeSessionUpdate', () => {
  const base: RealtimeConfig = {
    instruction: 'Be terse.',
    voice: 'marin',
    tools: [{ name: 'a' }, { name: 'b' }],
    turnDetection: { mode: 'server_vad', silenceDurationMs: 500 },
    extra: { tracing: 'auto', keep: 1 },
    sessionResumption: { handle: 'h-1' },
  }

  it('should replace the fields present and keep the others', () => {
    const merged = mergeSessionUpdate(base, { instruction: 'Be warm.', temperature: 0.6 })
    expect(merged).toEqual({ ...base, instruction: 'Be warm.', temperature: 0.6 })
  })

  it('should replace the tool list and turn detection whole', () => {
    const merged = mergeSessionUpdate(base, {
      tools: [{ name: 'c' }],
      turnDetection: { mode: 'semantic_vad' },
    })
    expect(merged.tools).toEqual([{ name: 'c' }])
    expect(merged.turnDetection).toEqual({ mode: 'semantic_vad' })
  })

  it('should merge extra key by key', () => {
    expect(mergeSessionUpdate(base, { extra: { tracing: null } }).extra).toEqual({
      tracing: null,
      keep: 1,
    })
  })

  it('should never drop a stored resumption handle', () => {
    expect(
      mergeSessionUpdate(base, { sessionResumption: { transparent: true } }).sessionResumption,
    ).toEqual({ handle: 'h-1', transparent: true })
    expect(mergeSessionUpdate(base, { voice: 'cedar' }).sessionResumption).toEqual({
      handle: 'h-1',
    })
  })

  it('should take a new handle when the delta names one', () => {
    expect(withResumptionHandle(base, 'h-2').sessionResumption).toEqual({ handle: 'h-2' })
  })

  it('should not modify its arguments', () => {
    const delta = { voice: 'cedar', extra: { x: 1 } }
    const snapshot = structuredClone(base)
    mergeSessionUpdate(base, delta)
    expect(base).toEqual(snapshot)
    expect(delta).toEqual({ voice: 'cedar', extra: { x: 1 } })
  })
})
