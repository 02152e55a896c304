/**
 * ITU-T G.711 μ-law and A-law (telephony: Twilio and SIP bridges, OpenAI `g711_ulaw`/`g711_alaw`).
 *
 * Bit-exact with the ITU-T reference, the G.191 Software Tool Library `g711.c`
 * (`ulaw_compress`/`ulaw_expand`/`alaw_compress`/`alaw_expand`), which the tests check on all
 * 65,536 inputs and all 256 codes. Written in the familiar Sun/CCITT form (BIAS 0x84, CLIP 32635,
 * XOR 0x55), with one detail that matters: negative samples use the ONE'S complement magnitude
 * (`~x`, so -1 → 0 and -32768 → 32767), as G.191 does. The common variant that negates
 * (`-x`) gives a code one step off for some negative inputs (e.g. μ-law of -4: 0x7E, not 0x7F).
 *
 * Decoded values are 16-bit linear, the centre of each quantisation step.
 */

const MULAW_BIAS = 0x84
const MULAW_CLIP = 32635

function buildDecodeTable(decode: (code: number) => number): Int16Array {
  const table = new Int16Array(256)
  for (let code = 0; code < 256; code++) table[code] = decode(code)
  return table
}

// Straight from the definition, once; the array decoders then cost one lookup per byte.
const MULAW_TABLE = buildDecodeTable((code) => {
  const u = ~code & 0xff
  const exponent = (u >> 4) & 0x07
  const magnitude = (((u & 0x0f) << 3) + MULAW_BIAS) << exponent
  return u & 0x80 ? MULAW_BIAS - magnitude : magnitude - MULAW_BIAS
})

const ALAW_TABLE = buildDecodeTable((code) => {
  const a = code ^ 0x55
  const exponent = (a >> 4) & 0x07
  let magnitude = ((a & 0x0f) << 4) + 8 // centre of the step
  if (exponent > 0) magnitude = (magnitude + 0x100) << (exponent - 1)
  return a & 0x80 ? magnitude : -magnitude
})

function toInt16(sample: number): number {
  const s = sample | 0
  return s > 32767 ? 32767 : s < -32768 ? -32768 : s
}

/**
 * Encodes one 16-bit linear sample as a μ-law code (0–255). Non-integers are truncated and values
 * outside the int16 range clamped.
 *
 * @example
 * linearToMuLaw(0) // 0xff
 * linearToMuLaw(-32768) // 0x00
 */
export function linearToMuLaw(sample: number): number {
  return muLawCode(toInt16(sample))
}

/**
 * Decodes one μ-law code to a 16-bit linear sample (±32124 at most).
 *
 * @example
 * muLawToLinear(0x80) // 32124
 */
export function muLawToLinear(code: number): number {
  return MULAW_TABLE[code & 0xff]!
}

/**
 * Encodes one 16-bit linear sample as an A-law code (0–255).
 *
 * @example
 * linearToALaw(0) // 0xd5
 */
export function linearToALaw(sample: number): number {
  return aLawCode(toInt16(sample))
}

/**
 * Decodes one A-law code to a 16-bit linear sample (±32256 at most).
 *
 * @example
 * aLawToLinear(0xd5) // 8
 */
export function aLawToLinear(code: number): number {
  return ALAW_TABLE[code & 0xff]!
}

/**
 * Encodes PCM16 samples as μ-law bytes.
 *
 * @example
 * const payload = encodeMuLaw(pcm16) // one byte per sample, 8 kHz for telephony
 */
export function encodeMuLaw(samples: Int16Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(samples.length)
  for (let i = 0; i < samples.length; i++) out[i] = muLawCode(samples[i]!)
  return out
}

/**
 * Decodes μ-law bytes to PCM16 samples.
 *
 * @example
 * const pcm16 = decodeMuLaw(payload)
 */
export function decodeMuLaw(codes: Uint8Array): Int16Array<ArrayBuffer> {
  const out = new Int16Array(codes.length)
  for (let i = 0; i < codes.length; i++) out[i] = MULAW_TABLE[codes[i]!]!
  return out
}

/**
 * Encodes PCM16 samples as A-law bytes.
 *
 * @example
 * const payload = encodeALaw(pcm16)
 */
export function encodeALaw(samples: Int16Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(samples.length)
  for (let i = 0; i < samples.length; i++) out[i] = aLawCode(samples[i]!)
  return out
}

/**
 * Decodes A-law bytes to PCM16 samples.
 *
 * @example
 * const pcm16 = decodeALaw(payload)
 */
export function decodeALaw(codes: Uint8Array): Int16Array<ArrayBuffer> {
  const out = new Int16Array(codes.length)
  for (let i = 0; i < codes.length; i++) out[i] = ALAW_TABLE[codes[i]!]!
  return out
}

/** `s` must already be an int16. */
function muLawCode(s: number): number {
  const negative = s < 0
  let magnitude = negative ? ~s : s
  if (magnitude > MULAW_CLIP) magnitude = MULAW_CLIP
  magnitude += MULAW_BIAS // now 0x84..0x7fff: the segment is the position of the top bit above 7
  const exponent = 31 - Math.clz32((magnitude >> 7) | 1)
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f
  // Codes are stored inverted (0xff is +0) so that idle lines carry many one bits.
  return ((exponent << 4) | mantissa) ^ (negative ? 0x7f : 0xff)
}

/** `s` must already be an int16. */
function aLawCode(s: number): number {
  const negative = s < 0
  // 11-bit magnitude in steps of 16; segments 0 and 1 share the finest step.
  const ix = (negative ? ~s : s) >> 4
  let code: number
  if (ix < 16) {
    code = ix
  } else {
    const segment = 28 - Math.clz32(ix) // floor(log2(ix)) - 3, so 16..31 → 1, 1024..2047 → 7
    code = (segment << 4) | ((ix >> (segment - 1)) & 0x0f)
  }
  // Even bits are toggled (XOR 0x55) and the sign bit is set for positive samples.
  return code ^ (negative ? 0x55 : 0xd5)
}
