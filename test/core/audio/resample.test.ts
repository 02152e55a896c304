import { describe, expect, it } from 'vitest'
import { floatToPcm16, pcm16ToFloat } from '../../../src/core/audio/pcm'
import { Resampler } from '../../../src/core/audio/resample'
import {
  caught,
  concat,
  createRandom,
  db,
  firstDifference,
  noise,
  randomInt,
  randomInt16,
  rmsOf,
  sine,
} from './helpers'

const invalidAudio = { name: 'RealtimeError', code: 'invalid_audio' }

interface Pair {
  from: number
  to: number
  /** A tone above the output's Nyquist (downsampling) that must be filtered out. */
  stopTone?: number
}

const pairs: Pair[] = [
  { from: 48_000, to: 24_000, stopTone: 15_000 },
  { from: 48_000, to: 16_000, stopTone: 10_000 },
  { from: 44_100, to: 16_000, stopTone: 9_000 },
  { from: 44_100, to: 24_000, stopTone: 15_000 },
  { from: 24_000, to: 48_000 },
  { from: 16_000, to: 48_000 },
]

/** Resamples a whole signal in one block and flushes the tail. */
function resampleAll(input: Float32Array, from: number, to: number): Float32Array {
  const resampler = new Resampler({ inputRate: from, outputRate: to })
  return concat([resampler.process(input), resampler.flush()])
}

/**
 * Least-squares fit of a sinusoid at `frequency` to samples[from, to); returns the RMS of what the
 * sinusoid does not explain (aliases, images, noise, phase or timing errors).
 */
function residualRms(
  samples: Float32Array,
  frequency: number,
  sampleRate: number,
  from: number,
  to: number,
): number {
  let ss = 0
  let sc = 0
  let cc = 0
  let ys = 0
  let yc = 0
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * frequency * i) / sampleRate
    const s = Math.sin(w)
    const c = Math.cos(w)
    ss += s * s
    sc += s * c
    cc += c * c
    ys += samples[i]! * s
    yc += samples[i]! * c
  }
  const det = ss * cc - sc * sc
  const a = (ys * cc - yc * sc) / det
  const b = (yc * ss - ys * sc) / det
  let sum = 0
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * frequency * i) / sampleRate
    const r = samples[i]! - a * Math.sin(w) - b * Math.cos(w)
    sum += r * r
  }
  return Math.sqrt(sum / (to - from))
}

describe('Resampler', () => {
  for (const { from, to, stopTone } of pairs) {
    describe(`${from} → ${to}`, () => {
      const seconds = 1
      const inputLength = from * seconds
      // Skip 50 ms at each end: the first and last outputs see the zeros around the stream.
      const edge = Math.round(to * 0.05)

      it('should output ceil(N × out/in) samples in total', () => {
        for (const n of [0, 1, 2, 3, 7, 441, 1001, inputLength]) {
          const out = resampleAll(new Float32Array(n), from, to)
          expect(out.length, `N = ${n}`).toBe(Math.ceil((n * to) / from))
        }
      })

      it('should keep a 1 kHz tone within 0.1 dB and time-aligned', () => {
        const out = resampleAll(sine(1000, from, inputLength), from, to)
        const level = db(rmsOf(out, edge, out.length - edge) / (0.5 / Math.SQRT2))
        expect(Math.abs(level)).toBeLessThan(0.1)
        // The output should be the same sine sampled at the new rate, with no delay.
        const expected = sine(1000, to, out.length)
        const error = new Float32Array(out.length)
        for (let i = 0; i < out.length; i++) error[i] = out[i]! - expected[i]!
        expect(db(rmsOf(error, edge, out.length - edge) / (0.5 / Math.SQRT2))).toBeLessThan(-70)
      })

      if (stopTone !== undefined) {
        it(`should attenuate a ${stopTone / 1000} kHz tone above the new Nyquist by ≥ 80 dB`, () => {
          const out = resampleAll(sine(stopTone, from, inputLength), from, to)
          const attenuation = db(rmsOf(out, edge, out.length - edge) / (0.5 / Math.SQRT2))
          expect(attenuation).toBeLessThan(-80)
        })

        it('should attenuate everything from just above the new Nyquist by ≥ 78 dB', () => {
          const nyquist = to / 2
          for (let f = nyquist * 1.005; f < from / 2; f += (from / 2 - nyquist) / 17) {
            const out = resampleAll(sine(f, from, from / 4), from, to)
            const attenuation = db(rmsOf(out, edge, out.length - edge) / (0.5 / Math.SQRT2))
            expect(attenuation, `${f.toFixed(0)} Hz`).toBeLessThan(-78)
          }
        })
      } else {
        it('should leave no image of a high tone when upsampling (≥ 80 dB)', () => {
          const tone = 0.7 * (from / 2)
          const out = resampleAll(sine(tone, from, inputLength), from, to)
          const residual = residualRms(out, tone, to, edge, out.length - edge)
          expect(db(residual / (0.5 / Math.SQRT2))).toBeLessThan(-80)
        })
      }

      it('should give bit-identical output for one block and random chunks (0, 1, > slice)', () => {
        const random = createRandom(from + to)
        const input = noise(random, 3 * from + 17)
        const whole = resampleAll(input, from, to)
        for (let trial = 0; trial < 3; trial++) {
          const resampler = new Resampler({ inputRate: from, outputRate: to })
          const parts: Float32Array[] = []
          let offset = 0
          while (offset < input.length) {
            const kind = random()
            const size =
              kind < 0.15
                ? 0
                : kind < 0.3
                  ? 1
                  : kind < 0.4
                    ? randomInt(random, 4097, 9000)
                    : randomInt(random, 2, 700)
            parts.push(resampler.process(input.subarray(offset, offset + size)))
            offset += size
          }
          parts.push(resampler.flush())
          expect(firstDifference(concat(parts), whole)).toBe(-1)
        }
      })

      it('should flush the tail as if the stream were followed by silence', () => {
        const input = noise(createRandom(from - to), 1234)
        const flushed = resampleAll(input, from, to)
        const padded = concat([input, new Float32Array(from)])
        const reference = resampleAll(padded, from, to).subarray(0, flushed.length)
        expect(firstDifference(flushed, reference)).toBe(-1)
        // The tail is real signal, not zeros.
        expect(rmsOf(flushed, flushed.length - 5)).toBeGreaterThan(0.01)
      })

      it('should pass DC at unit gain', () => {
        const out = resampleAll(new Float32Array(inputLength).fill(0.25), from, to)
        for (let i = edge; i < out.length - edge; i++)
          expect(Math.abs(out[i]! - 0.25)).toBeLessThan(1e-6)
      })
    })
  }

  it('should pass samples through unchanged at equal rates', () => {
    const input = noise(createRandom(7), 1000)
    const resampler = new Resampler({ inputRate: 24_000, outputRate: 24_000 })
    const out = resampler.process(input)
    expect(out).not.toBe(input)
    expect(firstDifference(out, input)).toBe(-1)
    expect(resampler.flush()).toHaveLength(0)
  })

  it('should start a fresh stream after reset() and after flush()', () => {
    const random = createRandom(8)
    const first = noise(random, 5000)
    const second = noise(random, 7000)
    const expected = resampleAll(second, 48_000, 16_000)

    const afterReset = new Resampler({ inputRate: 48_000, outputRate: 16_000 })
    afterReset.process(first)
    afterReset.reset()
    expect(
      firstDifference(concat([afterReset.process(second), afterReset.flush()]), expected),
    ).toBe(-1)

    const afterFlush = new Resampler({ inputRate: 48_000, outputRate: 16_000 })
    afterFlush.process(first)
    afterFlush.flush()
    expect(
      firstDifference(concat([afterFlush.process(second), afterFlush.flush()]), expected),
    ).toBe(-1)
  })

  it('should resample PCM16 like the Float32 path with the standard conversions', () => {
    const input = randomInt16(createRandom(9), 4800)
    const resampler = new Resampler({ inputRate: 48_000, outputRate: 24_000 })
    const out = [...resampler.processInt16(input), ...resampler.flushInt16()]
    const expected = floatToPcm16(resampleAll(pcm16ToFloat(input), 48_000, 24_000))
    expect(out).toEqual(Array.from(expected))
  })

  it('should also convert unusual pairs (8 kHz telephony, 44.1 ↔ 48 kHz)', () => {
    for (const [from, to] of [
      [8000, 24_000],
      [24_000, 8000],
      [44_100, 48_000],
      [48_000, 44_100],
      [11_025, 16_000],
    ] as const) {
      const out = resampleAll(sine(440, from, from), from, to)
      expect(out.length).toBe(to)
      const edge = Math.round(to * 0.05)
      expect(Math.abs(db(rmsOf(out, edge, out.length - edge) / (0.5 / Math.SQRT2)))).toBeLessThan(
        0.1,
      )
    }
  })

  it('should reject rates that are not positive integers or need too many phases', () => {
    for (const rate of [0, -16_000, 44_100.5, Number.NaN, Infinity]) {
      expect(caught(() => new Resampler({ inputRate: rate, outputRate: 16_000 }))).toMatchObject(
        invalidAudio,
      )
      expect(caught(() => new Resampler({ inputRate: 16_000, outputRate: rate }))).toMatchObject(
        invalidAudio,
      )
    }
    expect(caught(() => new Resampler({ inputRate: 44_101, outputRate: 48_000 }))).toMatchObject(
      invalidAudio,
    )
  })
})
