import { describe, expect, it } from 'vitest'
import {
  PCM16_SCALE,
  bytesToPcm16,
  bytesToPcm16Portable,
  floatToPcm16,
  floatToPcm16Bytes,
  pcm16BytesToFloat,
  pcm16DurationMs,
  pcm16ToBytes,
  pcm16ToBytesPortable,
  pcm16ToFloat,
} from '../../../src/core/audio/pcm'
import { caught, createRandom, firstDifference, noise, randomBytes, randomInt16 } from './helpers'

const invalidAudio = { name: 'RealtimeError', code: 'invalid_audio' }

describe('floatToPcm16 / pcm16ToFloat', () => {
  it('should scale symmetrically by 32767, clamp, and round half away from zero', () => {
    const input = new Float32Array([0, 1, -1, 0.5, -0.5, 2, -2, Infinity, -Infinity, NaN, 1e-9])
    expect(Array.from(floatToPcm16(input))).toEqual([
      0, 32767, -32767, 16384, -16384, 32767, -32767, 32767, -32767, 0, 0,
    ])
  })

  it('should decode full scale to ±1 and keep -32768 inside [-1, 1]', () => {
    expect(Array.from(pcm16ToFloat(new Int16Array([0, 32767, -32767, -32768])))).toEqual([
      0, 1, -1, -1,
    ])
  })

  it('should round-trip every int16 except -32768 exactly', () => {
    const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768)
    const back = floatToPcm16(pcm16ToFloat(all))
    expect(back[0]).toBe(-32767)
    expect(firstDifference(back.subarray(1), all.subarray(1))).toBe(-1)
  })

  it('should keep float round-trip error within half a step', () => {
    const input = noise(createRandom(1), 10_000, 1)
    const back = pcm16ToFloat(floatToPcm16(input))
    for (let i = 0; i < input.length; i++) {
      expect(Math.abs(back[i]! - input[i]!)).toBeLessThanOrEqual(0.5 / PCM16_SCALE + 1e-7)
    }
  })

  it('should write into a caller-provided array and reject a length mismatch', () => {
    const out = new Int16Array(2)
    expect(floatToPcm16(new Float32Array([0.25, -0.25]), out)).toBe(out)
    expect(caught(() => floatToPcm16(new Float32Array(3), out))).toMatchObject(invalidAudio)
    expect(caught(() => pcm16ToFloat(new Int16Array(3), new Float32Array(2)))).toMatchObject(
      invalidAudio,
    )
  })
})

describe('pcm16ToBytes / bytesToPcm16', () => {
  it('should write little-endian bytes', () => {
    const samples = new Int16Array([1, -2, 0x1234, -32768])
    const expected = [0x01, 0x00, 0xfe, 0xff, 0x34, 0x12, 0x00, 0x80]
    expect(Array.from(pcm16ToBytes(samples))).toEqual(expected)
    expect(Array.from(pcm16ToBytesPortable(samples))).toEqual(expected)
    expect(Array.from(bytesToPcm16(new Uint8Array(expected)))).toEqual(Array.from(samples))
    expect(Array.from(bytesToPcm16Portable(new Uint8Array(expected)))).toEqual(Array.from(samples))
  })

  it('should round-trip random bytes of every length from 0 to 7, rejecting odd lengths', () => {
    const random = createRandom(2)
    for (let length = 0; length <= 7; length++) {
      for (let trial = 0; trial < 20; trial++) {
        const bytes = randomBytes(random, length)
        if (length % 2 === 1) {
          expect(caught(() => bytesToPcm16(bytes))).toMatchObject(invalidAudio)
          expect(caught(() => bytesToPcm16Portable(bytes))).toMatchObject(invalidAudio)
          expect(caught(() => pcm16BytesToFloat(bytes))).toMatchObject(invalidAudio)
          continue
        }
        const samples = bytesToPcm16(bytes)
        expect(samples).toHaveLength(length / 2)
        expect(firstDifference(bytesToPcm16Portable(bytes), samples)).toBe(-1)
        expect(firstDifference(pcm16ToBytes(samples), bytes)).toBe(-1)
        expect(firstDifference(pcm16ToBytesPortable(samples), bytes)).toBe(-1)
      }
    }
  })

  it('should round-trip a large array identically on the fast and portable paths', () => {
    const samples = randomInt16(createRandom(3), 1_000_003)
    const bytes = pcm16ToBytes(samples)
    expect(firstDifference(pcm16ToBytesPortable(samples), bytes)).toBe(-1)
    expect(firstDifference(bytesToPcm16(bytes), samples)).toBe(-1)
    expect(firstDifference(bytesToPcm16Portable(bytes), samples)).toBe(-1)
  })

  it('should read bytes at unaligned offsets', () => {
    const random = createRandom(4)
    const backing = randomBytes(random, 1001)
    for (const offset of [1, 3, 5, 7]) {
      const view = new Uint8Array(backing.buffer, offset, 600)
      const samples = bytesToPcm16(view)
      expect(samples.byteOffset).toBe(0)
      expect(firstDifference(samples, bytesToPcm16Portable(view))).toBe(-1)
      expect(samples[0]).toBe(((backing[offset]! | (backing[offset + 1]! << 8)) << 16) >> 16)
      expect(firstDifference(pcm16ToBytes(samples), view)).toBe(-1)
    }
  })

  it('should copy only the viewed samples into a fresh buffer', () => {
    const backing = new Int16Array([7, 1, -2, 9])
    const bytes = pcm16ToBytes(backing.subarray(1, 3))
    expect(Array.from(bytes)).toEqual([0x01, 0x00, 0xfe, 0xff])
    expect(bytes.buffer.byteLength).toBe(4)
    backing[1] = 100
    expect(bytes[0]).toBe(1)
  })
})

describe('floatToPcm16Bytes / pcm16BytesToFloat', () => {
  it('should equal the two-step conversions', () => {
    const input = noise(createRandom(5), 4801, 1.2)
    const bytes = floatToPcm16Bytes(input)
    expect(firstDifference(bytes, pcm16ToBytes(floatToPcm16(input)))).toBe(-1)
    expect(firstDifference(pcm16BytesToFloat(bytes), pcm16ToFloat(bytesToPcm16(bytes)))).toBe(-1)
  })
})

describe('pcm16DurationMs', () => {
  it('should give the duration of mono PCM16 bytes', () => {
    expect(pcm16DurationMs(48_000, 24_000)).toBe(1000)
    expect(pcm16DurationMs(960, 24_000)).toBe(20)
    expect(pcm16DurationMs(0, 16_000)).toBe(0)
    expect(pcm16DurationMs(2, 16_000)).toBe(0.0625)
  })

  it('should reject odd or negative lengths and non-positive rates', () => {
    expect(caught(() => pcm16DurationMs(3, 24_000))).toMatchObject(invalidAudio)
    expect(caught(() => pcm16DurationMs(-2, 24_000))).toMatchObject(invalidAudio)
    expect(caught(() => pcm16DurationMs(2, 0))).toMatchObject(invalidAudio)
    expect(caught(() => pcm16DurationMs(2, Number.NaN))).toMatchObject(invalidAudio)
  })
})
