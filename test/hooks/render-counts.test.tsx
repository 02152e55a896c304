import { describe, expect, it } from 'vitest'
import { reactModes } from './support'
import { measureRenderCounts } from './render-counts.scenario'

describe.each(reactModes)(
  'render counts while 1,000 transcript deltas stream (%s)',
  (_mode, strict) => {
    it('should commit Transcript at most once per frame, and MicToggle and ConnectionStatus never', async () => {
      const counts = await measureRenderCounts({ strict, deltas: 1_000, perFrame: 10 })
      expect(counts.frames).toBe(100)
      expect(counts.complete).toBe(true)
      expect(counts.commits.Transcript).toBeGreaterThan(0)
      expect(counts.commits.Transcript).toBeLessThanOrEqual(counts.frames)
      expect(counts.commits.MicToggle).toBe(0)
      expect(counts.commits.ConnectionStatus).toBe(0)
      expect(counts.commits.VoiceAgent).toBeLessThanOrEqual(counts.frames)
    })

    it('should commit once when all 1,000 deltas arrive within one frame', async () => {
      const counts = await measureRenderCounts({ strict, deltas: 1_000, perFrame: 1_000 })
      expect(counts.frames).toBe(1)
      expect(counts.complete).toBe(true)
      expect(counts.commits.Transcript).toBe(1)
      expect(counts.commits.MicToggle).toBe(0)
      expect(counts.commits.ConnectionStatus).toBe(0)
    })
  },
)
