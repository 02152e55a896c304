import { describe, expect, it } from 'vitest'
import {
  aLawToLinear,
  decodeALaw,
  decodeMuLaw,
  encodeALaw,
  encodeMuLaw,
  linearToALaw,
  linearToMuLaw,
  muLawToLinear,
} from '../../../src/core/audio/g711'

/*
 * Independent reference: a line-by-line transcription of the ITU-T G.191 Software Tool Library
 * g711.c (alaw_compress, alaw_expand, ulaw_compress, ulaw_expand), deliberately written like the
 * C (loops, no tables, no bit tricks) so it shares no code or shortcuts with the implementation.
 */
function stlAlawCompress(linear: number): number {
  let ix = linear < 0 ? ~linear >> 4 : linear >> 4 // 1's complement for negative values
  if (ix > 15) {
    let iexp = 1
    while (ix > 16 + 15) {
      ix >>= 1
      iexp++
    }
    ix -= 16
    ix += iexp << 4
  }
  if (linear >= 0) ix |= 0x0080
  return ix ^ 0x0055
}

function stlAlawExpand(log: number): number {
  let ix = log ^ 0x0055
  ix &= 0x007f
  const iexp = ix >> 4
  let mant = ix & 0x000f
  if (iexp > 0) mant = mant + 16
  mant = (mant << 4) + 0x0008
  if (iexp > 1) mant = mant << (iexp - 1)
  return log > 127 ? mant : -mant
}

function stlUlawCompress(linear: number): number {
  let absno = linear < 0 ? (~linear >> 2) + 33 : (linear >> 2) + 33
  if (absno > 0x1fff) absno = 0x1fff
  let i = absno >> 6
  let segno = 1
  while (i !== 0) {
    segno++
    i >>= 1
  }
  const highNibble = 0x0008 - segno
  let lowNibble = (absno >> segno) & 0x000f
  lowNibble = 0x000f - lowNibble
  let log = (highNibble << 4) | lowNibble
  if (linear >= 0) log = log | 0x0080
  return log
}

function stlUlawExpand(log: number): number {
  const sign = log < 0x0080 ? -1 : 1
  let mantissa = ~log
  const exponent = (mantissa >> 4) & 0x0007
  const segment = exponent + 1
  mantissa = mantissa & 0x000f
  const step = 4 << segment
  // `| 0` stores into an integer like the C `short` does (no negative zero).
  return (sign * ((0x0080 << exponent) + step * mantissa + step / 2 - 4 * 33)) | 0
}

/** The other well-known form (Sun 1989 / Reese): negates negative samples instead of `~x`. */
function negatingUlawCompress(linear: number): number {
  const negative = linear < 0
  let magnitude = negative ? -linear : linear
  if (magnitude > 32635) magnitude = 32635
  magnitude += 0x84
  let exponent = 7
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f
  return ~((negative ? 0x80 : 0) | (exponent << 4) | mantissa) & 0xff
}

const allInt16 = Int16Array.from({ length: 65536 }, (_, i) => i - 32768)
const allCodes = Uint8Array.from({ length: 256 }, (_, i) => i)

describe('G.711 μ-law', () => {
  it('should encode the edge values of the ITU reference', () => {
    expect(linearToMuLaw(0)).toBe(0xff)
    expect(linearToMuLaw(-1)).toBe(0x7f)
    expect(linearToMuLaw(32767)).toBe(0x80)
    expect(linearToMuLaw(-32768)).toBe(0x00)
    // Every assertion above is also what the reference transcription says.
    for (const x of [0, -1, 32767, -32768]) expect(linearToMuLaw(x)).toBe(stlUlawCompress(x))
  })

  it('should decode the edge codes of the ITU reference', () => {
    expect(muLawToLinear(0x00)).toBe(-32124)
    expect(muLawToLinear(0x80)).toBe(32124)
    expect(muLawToLinear(0xff)).toBe(0)
    expect(muLawToLinear(0x7f)).toBe(0)
    for (const c of [0x00, 0x80, 0xff, 0x7f]) expect(muLawToLinear(c)).toBe(stlUlawExpand(c))
  })

  it('should match the G.191 reference encoder on all 65,536 inputs', () => {
    const codes = encodeMuLaw(allInt16)
    for (let i = 0; i < allInt16.length; i++) {
      const x = allInt16[i]!
      if (codes[i] !== stlUlawCompress(x) || linearToMuLaw(x) !== codes[i]) {
        expect({ x, code: codes[i], single: linearToMuLaw(x) }).toEqual({
          x,
          code: stlUlawCompress(x),
          single: stlUlawCompress(x),
        })
      }
    }
  })

  it('should match the G.191 reference decoder on all 256 codes', () => {
    const decoded = decodeMuLaw(allCodes)
    for (let c = 0; c < 256; c++) {
      expect(decoded[c]).toBe(stlUlawExpand(c))
      expect(muLawToLinear(c)).toBe(stlUlawExpand(c))
    }
  })

  it('should re-encode every decoded value to its own code, except negative zero', () => {
    for (let c = 0; c < 256; c++) {
      expect(linearToMuLaw(muLawToLinear(c))).toBe(c === 0x7f ? 0xff : c)
    }
  })

  it("should use the one's complement for negative samples, as G.191 does", () => {
    // The negating variant is one step off for some negative inputs (e.g. -4): document where.
    expect(linearToMuLaw(-4)).toBe(0x7f)
    expect(negatingUlawCompress(-4)).toBe(0x7e)
    let differences = 0
    for (let x = -32768; x <= 32767; x++) {
      const ours = linearToMuLaw(x)
      const theirs = negatingUlawCompress(x)
      if (ours === theirs) continue
      differences++
      expect(x).toBeLessThan(0)
      expect(Math.abs(ours - theirs)).toBe(1)
    }
    expect(differences).toBeGreaterThan(0)
  })

  it('should clamp and truncate sample-form input outside the int16 range', () => {
    expect(linearToMuLaw(40_000)).toBe(linearToMuLaw(32767))
    expect(linearToMuLaw(-40_000)).toBe(linearToMuLaw(-32768))
    expect(linearToMuLaw(100.9)).toBe(linearToMuLaw(100))
    expect(muLawToLinear(0x1ff)).toBe(muLawToLinear(0xff))
  })

  it('should return empty arrays for empty input', () => {
    expect(encodeMuLaw(new Int16Array(0))).toHaveLength(0)
    expect(decodeMuLaw(new Uint8Array(0))).toHaveLength(0)
  })
})

describe('G.711 A-law', () => {
  it('should encode and decode the edge values of the ITU reference', () => {
    expect(linearToALaw(0)).toBe(0xd5)
    expect(linearToALaw(-1)).toBe(0x55)
    expect(linearToALaw(32767)).toBe(0xaa)
    expect(linearToALaw(-32768)).toBe(0x2a)
    expect(aLawToLinear(0xd5)).toBe(8)
    expect(aLawToLinear(0x55)).toBe(-8)
    expect(aLawToLinear(0x2a)).toBe(-32256)
    expect(aLawToLinear(0xaa)).toBe(32256)
    for (const x of [0, -1, 32767, -32768]) expect(linearToALaw(x)).toBe(stlAlawCompress(x))
    for (const c of [0xd5, 0x55, 0x2a, 0xaa]) expect(aLawToLinear(c)).toBe(stlAlawExpand(c))
  })

  it('should match the G.191 reference encoder on all 65,536 inputs', () => {
    const codes = encodeALaw(allInt16)
    for (let i = 0; i < allInt16.length; i++) {
      const x = allInt16[i]!
      if (codes[i] !== stlAlawCompress(x) || linearToALaw(x) !== codes[i]) {
        expect({ x, code: codes[i], single: linearToALaw(x) }).toEqual({
          x,
          code: stlAlawCompress(x),
          single: stlAlawCompress(x),
        })
      }
    }
  })

  it('should match the G.191 reference decoder on all 256 codes', () => {
    const decoded = decodeALaw(allCodes)
    for (let c = 0; c < 256; c++) {
      expect(decoded[c]).toBe(stlAlawExpand(c))
      expect(aLawToLinear(c)).toBe(stlAlawExpand(c))
    }
  })

  it('should re-encode every decoded value to its own code', () => {
    for (let c = 0; c < 256; c++) expect(linearToALaw(aLawToLinear(c))).toBe(c)
  })

  it('should clamp sample-form input outside the int16 range', () => {
    expect(linearToALaw(1e9)).toBe(0xaa)
    expect(linearToALaw(-1e9)).toBe(0x2a)
  })
})
