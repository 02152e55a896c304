import { RealtimeError } from '../errors'

/**
 * PCM16 is what both providers speak on the wire: signed 16-bit, little-endian, mono.
 *
 * Scaling is symmetric: ±1.0 ↔ ±32767 and 0 ↔ 0, so a float round trip of every int16 except
 * -32768 is lossless and a sine keeps its zero crossings. The one asymmetric code, -32768, decodes
 * to -1.0 (the same as -32767) so decoded floats always stay inside [-1, 1].
 *
 * BAD: scaling by 32768 on encode and clamping at 32767 — it clips +1.0 and shifts DC by half a
 * step on every negative sample. GOOD: one factor, 32767, in both directions.
 */
export const PCM16_SCALE = 32767

/** True when typed arrays store bytes little-endian, i.e. when PCM16 needs no byte swap. */
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

function oddLengthError(byteLength: number): RealtimeError {
  return new RealtimeError(
    'invalid_audio',
    `PCM16 audio must have an even number of bytes, got ${byteLength}`,
  )
}

/**
 * Converts float samples to PCM16, clamping to [-1, 1] and rounding half away from zero (so the
 * rounding is as symmetric as the scaling). NaN becomes 0.
 *
 * @param out - optional destination of the same length, to avoid an allocation in audio callbacks.
 * @example
 * floatToPcm16(new Float32Array([0, 0.5, -1, 2])) // Int16Array [0, 16384, -32767, 32767]
 */
export function floatToPcm16(samples: Float32Array): Int16Array<ArrayBuffer>
export function floatToPcm16<TOut extends Int16Array>(samples: Float32Array, out: TOut): TOut
export function floatToPcm16(
  samples: Float32Array,
  out: Int16Array = new Int16Array(samples.length),
): Int16Array {
  if (out.length !== samples.length) {
    throw new RealtimeError(
      'invalid_audio',
      `Output has ${out.length} samples but the input has ${samples.length}`,
    )
  }
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!
    const v = x > 1 ? 1 : x < -1 ? -1 : x
    // `| 0` truncates toward zero, so adding ±0.5 first rounds half away from zero; NaN | 0 is 0.
    out[i] = (v * PCM16_SCALE + (v < 0 ? -0.5 : 0.5)) | 0
  }
  return out
}

/**
 * Converts PCM16 to float samples in [-1, 1] (see {@link PCM16_SCALE} for the scaling).
 *
 * @param out - optional destination of the same length.
 * @example
 * pcm16ToFloat(new Int16Array([0, 32767, -32768])) // Float32Array [0, 1, -1]
 */
export function pcm16ToFloat(samples: Int16Array): Float32Array<ArrayBuffer>
export function pcm16ToFloat<TOut extends Float32Array>(samples: Int16Array, out: TOut): TOut
export function pcm16ToFloat(
  samples: Int16Array,
  out: Float32Array = new Float32Array(samples.length),
): Float32Array {
  if (out.length !== samples.length) {
    throw new RealtimeError(
      'invalid_audio',
      `Output has ${out.length} samples but the input has ${samples.length}`,
    )
  }
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!
    out[i] = s < -PCM16_SCALE ? -1 : s / PCM16_SCALE
  }
  return out
}

/**
 * Serialises PCM16 samples to little-endian bytes, whatever the host's byte order. The result
 * owns a fresh buffer (safe to transfer or keep) even when the input is a view into a larger one.
 *
 * @example
 * pcm16ToBytes(new Int16Array([1, -2])) // Uint8Array [0x01, 0x00, 0xfe, 0xff]
 */
export function pcm16ToBytes(samples: Int16Array): Uint8Array<ArrayBuffer> {
  if (littleEndianHost) {
    // One memcpy: the in-memory layout already is the wire layout.
    const bytes = new Uint8Array(samples.byteLength)
    bytes.set(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength))
    return bytes
  }
  return pcm16ToBytesPortable(samples)
}

/**
 * Parses little-endian PCM16 bytes. Works for any `byteOffset` (an `Int16Array` view would need an
 * even one) and any host byte order; the result owns a fresh buffer.
 *
 * @throws RealtimeError `invalid_audio` when the byte length is odd — a dropped byte would shift
 * every later sample by one byte and turn the rest of the stream into noise, so it is never
 * silently ignored.
 * @example
 * bytesToPcm16(new Uint8Array([0x01, 0x00, 0xfe, 0xff])) // Int16Array [1, -2]
 */
export function bytesToPcm16(bytes: Uint8Array): Int16Array<ArrayBuffer> {
  if (bytes.byteLength % 2 !== 0) throw oddLengthError(bytes.byteLength)
  if (littleEndianHost) {
    const samples = new Int16Array(bytes.byteLength / 2)
    new Uint8Array(samples.buffer).set(bytes)
    return samples
  }
  return bytesToPcm16Portable(bytes)
}

/**
 * Float samples straight to little-endian PCM16 bytes (what a provider's `input_audio_buffer`
 * wants), with one allocation on little-endian hosts.
 *
 * @example
 * const bytes = floatToPcm16Bytes(micFrame) // then encodeBase64(bytes)
 */
export function floatToPcm16Bytes(samples: Float32Array): Uint8Array<ArrayBuffer> {
  const pcm = floatToPcm16(samples)
  if (littleEndianHost) return new Uint8Array(pcm.buffer)
  return pcm16ToBytesPortable(pcm)
}

/**
 * Little-endian PCM16 bytes straight to float samples.
 *
 * @throws RealtimeError `invalid_audio` when the byte length is odd.
 * @example
 * const samples = pcm16BytesToFloat(decodeBase64(event.delta))
 */
export function pcm16BytesToFloat(bytes: Uint8Array): Float32Array<ArrayBuffer> {
  return pcm16ToFloat(bytesToPcm16(bytes))
}

/**
 * Duration in milliseconds of `byteLength` bytes of mono PCM16 at `sampleRate`, e.g. for
 * `conversation.item.truncate`'s `audio_end_ms`. Not rounded: round where the protocol needs an
 * integer.
 *
 * @throws RealtimeError `invalid_audio` for an odd or negative byte length or a rate that is not a
 * positive finite number.
 * @example
 * pcm16DurationMs(48_000, 24_000) // 1000
 */
export function pcm16DurationMs(byteLength: number, sampleRate: number): number {
  if (!Number.isInteger(byteLength) || byteLength < 0) {
    throw new RealtimeError('invalid_audio', `Byte length must be a non-negative integer`)
  }
  if (byteLength % 2 !== 0) throw oddLengthError(byteLength)
  if (!Number.isFinite(sampleRate) || sampleRate <= 0) {
    throw new RealtimeError('invalid_audio', `Sample rate must be positive, got ${sampleRate}`)
  }
  return (byteLength / 2 / sampleRate) * 1000
}

/**
 * Byte-order-independent serialiser; used on big-endian hosts and exported so tests cover it on
 * the little-endian machines they run on.
 * @internal
 */
export function pcm16ToBytesPortable(samples: Int16Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(samples.length * 2)
  for (let i = 0, j = 0; i < samples.length; i++, j += 2) {
    const s = samples[i]!
    bytes[j] = s & 0xff
    bytes[j + 1] = (s >> 8) & 0xff
  }
  return bytes
}

/**
 * Byte-order-independent parser; see {@link pcm16ToBytesPortable}.
 * @internal
 */
export function bytesToPcm16Portable(bytes: Uint8Array): Int16Array<ArrayBuffer> {
  if (bytes.byteLength % 2 !== 0) throw oddLengthError(bytes.byteLength)
  const samples = new Int16Array(bytes.length / 2)
  for (let i = 0, j = 0; i < samples.length; i++, j += 2) {
    // Shift the high byte to the top of an int32 and back down to sign-extend it.
    samples[i] = ((bytes[j]! | (bytes[j + 1]! << 8)) << 16) >> 16
  }
  return samples
}
