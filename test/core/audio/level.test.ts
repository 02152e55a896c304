import { describe, expect, it } from 'vitest'
import {
  DEFAULT_DBFS_FLOOR,
  peakLevel,
  rmsDbfs,
  rmsLevel,
  toDbfs,
} from '../../../src/core/audio/level'
import { pcm16ToFloat } from '../../../src/core/audio/pcm'
import { createRandom, randomInt16, sine } from './helpers'

describe('levels', () => {
  it('should compute RMS and peak of Float32 samples', () => {
    const samples = new Float32Array([0.5, -0.5, 0.5, -0.5])
    expect(rmsLevel(samples)).toBe(0.5)
    expect(peakLevel(new Float32Array([0.1, -0.75, 0.5]))).toBe(0.75)
  })

  it('should give a full-scale sine an RMS of 1/√2 (-3.01 dBFS)', () => {
    const tone = sine(1000, 48_000, 48_000, 1)
    expect(rmsLevel(tone)).toBeCloseTo(Math.SQRT1_2, 6)
    expect(rmsDbfs(tone)).toBeCloseTo(-3.0103, 3)
  })

  it('should measure Int16 exactly like its pcm16ToFloat conversion', () => {
    const samples = randomInt16(createRandom(20), 4096)
    samples[7] = -32768
    const floats = pcm16ToFloat(samples)
    expect(rmsLevel(samples)).toBeCloseTo(rmsLevel(floats), 6)
    expect(peakLevel(samples)).toBe(1)
    expect(peakLevel(new Int16Array([100, -32768]))).toBe(1)
    expect(rmsLevel(new Int16Array([32767, -32768]))).toBe(1)
    expect(peakLevel(new Int16Array([16384]))).toBeCloseTo(16384 / 32767, 12)
  })

  it('should read silence and empty input as the floor, never -Infinity or NaN', () => {
    expect(DEFAULT_DBFS_FLOOR).toBe(-100)
    expect(rmsLevel(new Float32Array(0))).toBe(0)
    expect(peakLevel(new Int16Array(0))).toBe(0)
    expect(rmsDbfs(new Float32Array(0))).toBe(-100)
    expect(rmsDbfs(new Int16Array(480))).toBe(-100)
    expect(toDbfs(0)).toBe(-100)
    expect(toDbfs(Number.NaN)).toBe(-100)
    expect(toDbfs(1e-6)).toBe(-100)
  })

  it('should convert to dBFS with a configurable floor', () => {
    expect(toDbfs(1)).toBe(0)
    expect(toDbfs(0.5)).toBeCloseTo(-6.0206, 4)
    expect(toDbfs(0.001, -50)).toBe(-50)
    expect(toDbfs(0, -Infinity)).toBe(-Infinity)
    expect(rmsDbfs(new Float32Array(10).fill(0.1), -120)).toBeCloseTo(-20, 5)
  })
})
