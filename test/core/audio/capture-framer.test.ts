import { describe, expect, it } from 'vitest'
import { CaptureFramer } from '../../../src/core/audio/capture-framer'
import { bytesToPcm16 } from '../../../src/core/audio/pcm'

function tone(rate: number, seconds: number, hz = 440, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds))
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / rate)
  return out
}

function feed(framer: CaptureFramer, input: Float32Array, muted = false) {
  const frames = []
  for (let offset = 0; offset < input.length; offset += 128) {
    frames.push(...framer.push(input.subarray(offset, offset + 128), muted))
  }
  return frames
}

describe('CaptureFramer', () => {
  it.each([
    [48_000, 24_000, 480],
    [48_000, 16_000, 320],
    [44_100, 24_000, 480],
    [44_100, 16_000, 320],
  ])('should cut %i Hz quanta into 20 ms PCM16 frames at %i Hz', (inputRate, outputRate, size) => {
    const framer = new CaptureFramer({ inputRate, outputRate })
    expect(framer.frameSize).toBe(size)
    const frames = feed(framer, tone(inputRate, 1))
    // One second in: 50 frames, minus the resampler's ~1 ms lookahead holding back the last one.
    expect(frames.length).toBeGreaterThanOrEqual(49)
    expect(frames.length).toBeLessThanOrEqual(50)
    for (const frame of frames) {
      expect(frame.pcm.byteLength).toBe(size * 2)
      expect(frame.pcm.byteOffset).toBe(0)
      expect(frame.pcm.buffer.byteLength).toBe(size * 2) // owns its buffer: transferable
    }
    // A 0.5-amplitude sine has RMS 0.354 once the filter's start-up has passed.
    expect(frames[10]!.level).toBeCloseTo(0.5 / Math.SQRT2, 2)
    const samples = bytesToPcm16(frames[10]!.pcm)
    expect(Math.max(...samples)).toBeGreaterThan(16_000)
  })

  it('should send silence while muted and treat a missing channel as silence', () => {
    const framer = new CaptureFramer({ inputRate: 48_000, outputRate: 16_000 })
    const frames = feed(framer, tone(48_000, 0.5), true)
    expect(frames.length).toBeGreaterThanOrEqual(24)
    for (const frame of frames) {
      expect(frame.level).toBe(0)
      expect(bytesToPcm16(frame.pcm).every((s) => s === 0)).toBe(true)
    }
    const gap = []
    for (let i = 0; i < 375; i++) gap.push(...framer.push(undefined, false, 128))
    expect(gap).toHaveLength(50)
  })
})
