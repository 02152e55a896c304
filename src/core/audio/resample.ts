import { RealtimeError } from '../errors'
import { floatToPcm16, pcm16ToFloat } from './pcm'
import { designPolyphaseTable, kaiserLength } from './windowedSinc'

/**
 * Streaming sample-rate conversion between any two integer rates (device 44.1/48 kHz ↔ provider
 * 16/24 kHz, telephony 8 kHz, …).
 *
 * Design: a rational L/M polyphase resampler over a Kaiser-windowed sinc. Output sample `n` sits
 * at input time `n·M/L`; its value is the dot product of the K input samples around that time
 * with the filter phase for the fractional part, all precomputed in one table of L×K floats.
 *
 * - Anti-aliasing: the cutoff follows the LOWER of the two Nyquist frequencies and the stopband
 *   starts exactly there, so nothing above the new Nyquist folds back (designed for 80 dB; the
 *   measured worst case is 79.9 dB, just above the Nyquist frequency).
 *   The passband is flat to `(1 - TRANSITION)·nyquist` (9.6 kHz at 24 kHz out, 6.4 kHz at 16 kHz
 *   — above the speech band both providers keep).
 * - Time alignment: output 0 is input time 0 (no group-delay offset), so after `flush()` a stream
 *   of N input samples yields exactly `ceil(N·L/M)` output samples. The price is a lookahead of
 *   K/2 input samples (1–2 ms for the common pairs) that `process()` holds back until more input
 *   (or `flush()`) arrives.
 * - Chunking-invariant: every output is computed by the same loop over the same absolute input
 *   samples in the same order, so one big block and any split (sizes 0 and 1 included) give
 *   bit-identical Float32 output.
 */

/** Stopband attenuation the Kaiser window is designed for, in dB. */
const STOPBAND_DB = 80
/** Transition band as a fraction of the lower Nyquist frequency. */
const TRANSITION = 0.2
/** Input is appended in slices of at most this size so the working buffer stays cache-sized. */
const SLICE = 4096
/** Rate pairs needing more phases than this (a table of L×K floats) are refused. */
const MAX_PHASES = 4096

export interface ResamplerOptions {
  /** Input rate in Hz, a positive integer. */
  inputRate: number
  /** Output rate in Hz, a positive integer. */
  outputRate: number
}

/**
 * @example
 * const toProvider = new Resampler({ inputRate: 48_000, outputRate: 24_000 })
 * worklet.onmessage = ({ data }) => send(toProvider.process(data)) // any block size
 * onStop(() => send(toProvider.flush())) // the last 1–2 ms
 */
export class Resampler {
  readonly inputRate: number
  readonly outputRate: number
  /** Upsampling factor L (number of filter phases). */
  readonly #up: number
  /** Downsampling factor M. */
  readonly #down: number
  /** Taps per phase, K (a multiple of 4 for the unrolled loop). */
  readonly #taps: number
  /** Phase-major table: coefficients of phase p are at [p·K, p·K + K). */
  readonly #coefs: Float32Array<ArrayBuffer>
  readonly #stepWhole: number
  readonly #stepFrac: number
  readonly #identity: boolean
  /**
   * Pure decimation with a symmetric phase whose last tap is zero (the window's edge): tap `mid`
   * is the centre, so sample pairs around it share one multiply.
   */
  readonly #folded: boolean
  /** Input history plus new input; the next output's window starts at index `#pos`. */
  readonly #buffer: Float32Array<ArrayBuffer>
  #length = 0
  #pos = 0
  #phase = 0
  #inputCount = 0
  #outputCount = 0

  constructor(options: ResamplerOptions) {
    const { inputRate, outputRate } = options
    for (const rate of [inputRate, outputRate]) {
      if (!Number.isInteger(rate) || rate <= 0) {
        throw new RealtimeError(
          'invalid_audio',
          `Sample rate must be a positive integer, got ${rate}`,
        )
      }
    }
    this.inputRate = inputRate
    this.outputRate = outputRate
    const g = gcd(inputRate, outputRate)
    this.#up = outputRate / g
    this.#down = inputRate / g
    this.#identity = inputRate === outputRate
    if (this.#up > MAX_PHASES) {
      throw new RealtimeError(
        'invalid_audio',
        `Resampling ${inputRate} Hz → ${outputRate} Hz needs ${this.#up} filter phases (max ${MAX_PHASES})`,
      )
    }
    this.#stepWhole = Math.floor(this.#down / this.#up)
    this.#stepFrac = this.#down % this.#up
    const nyquist = Math.min(inputRate, outputRate) / 2
    const estimate = kaiserLength(STOPBAND_DB, (TRANSITION * nyquist) / inputRate)
    // The window must also span at least one output step, or an output could skip input samples.
    this.#taps = this.#identity ? 0 : roundUp4(Math.max(estimate, this.#down / this.#up + 4))
    const cutoff = (nyquist * (1 - TRANSITION / 2)) / inputRate // -6 dB point, cycles/input sample
    this.#coefs = this.#identity
      ? new Float32Array(0)
      : designPolyphaseTable(this.#up, this.#taps, cutoff, STOPBAND_DB)
    this.#folded = this.#up === 1 && isFoldable(this.#coefs, this.#taps)
    // History (< K) + one slice, or + K zeros in flush() when K is large.
    this.#buffer = new Float32Array(2 * this.#taps + SLICE)
    this.reset()
  }

  /**
   * Resamples the next block of a stream. Returns as many output samples as the input so far
   * determines (possibly none); the rest comes with later blocks or from {@link flush}.
   */
  process(input: Float32Array): Float32Array<ArrayBuffer> {
    if (this.#identity) {
      this.#inputCount += input.length
      return input.slice()
    }
    const out = new Float32Array(this.#countReady(this.#length - this.#pos + input.length))
    let written = 0
    for (let offset = 0; offset < input.length; offset += SLICE) {
      const slice = input.subarray(offset, Math.min(offset + SLICE, input.length))
      written = this.#append(slice, out, written, out.length)
    }
    this.#inputCount += input.length
    this.#outputCount += written
    return out
  }

  /**
   * Ends the stream: returns the held-back tail (as if the input were followed by silence), so the
   * whole stream produced `ceil(inputSamples × outputRate / inputRate)` samples, then resets.
   */
  flush(): Float32Array<ArrayBuffer> {
    if (this.#identity) {
      this.reset()
      return new Float32Array(0)
    }
    const total = Math.ceil((this.#inputCount * this.#up) / this.#down)
    const out = new Float32Array(total - this.#outputCount)
    // K/2 zeros cover the lookahead of the last output; a full K keeps this obviously enough.
    const silence = new Float32Array(this.#taps)
    this.#append(silence, out, 0, out.length)
    this.reset()
    return out
  }

  /** Forgets all history, e.g. after a device switch; the next sample starts a new stream. */
  reset(): void {
    this.#buffer.fill(0)
    // Zeros before the first input sample stand for the silence before the stream started.
    this.#length = Math.max(0, this.#taps / 2 - 1)
    this.#pos = 0
    this.#phase = 0
    this.#inputCount = 0
    this.#outputCount = 0
  }

  /** {@link process} for PCM16 (converted through Float32 with `pcm16ToFloat`/`floatToPcm16`). */
  processInt16(input: Int16Array): Int16Array<ArrayBuffer> {
    return floatToPcm16(this.process(pcm16ToFloat(input)))
  }

  /** {@link flush} for PCM16. */
  flushInt16(): Int16Array<ArrayBuffer> {
    return floatToPcm16(this.flush())
  }

  /** How many outputs the next windows can produce once `available` samples follow `#pos`. */
  #countReady(available: number): number {
    const spare = available - this.#taps // how far the window start may still move
    if (spare < 0) return 0
    // Output j starts at #pos + floor((#phase + j·M) / L); it is ready while that is ≤ spare.
    return Math.floor(((spare + 1) * this.#up - this.#phase + this.#down - 1) / this.#down)
  }

  /** Appends `input` (≤ SLICE samples) and writes ready outputs, at most up to `limit`. */
  #append(input: Float32Array, out: Float32Array, written: number, limit: number): number {
    const buf = this.#buffer
    // Drop what no future window needs, so the history plus the slice fits in the buffer.
    if (this.#pos > 0) {
      buf.copyWithin(0, this.#pos, this.#length)
      this.#length -= this.#pos
      this.#pos = 0
    }
    buf.set(input, this.#length)
    this.#length += input.length

    const coefs = this.#coefs
    const taps = this.#taps
    const up = this.#up
    const stepWhole = this.#stepWhole
    const stepFrac = this.#stepFrac
    const last = this.#length - taps
    let pos = this.#pos
    let phase = this.#phase
    let n = written
    if (this.#folded) {
      // Pure decimation (48k → 24k/16k, the usual capture path): one phase, symmetric around
      // tap `mid`, so each coefficient multiplies the sum of the two samples it weighs (half the
      // multiplies), and two outputs per pass share each coefficient load. The order of the
      // additions is fixed per output, so chunking still cannot change a result.
      const q0 = stepWhole
      const mid = taps / 2 - 1
      const centre = coefs[mid]!
      while (pos + q0 <= last && n + 1 < limit) {
        const pa = pos + mid
        const pb = pa + q0
        let a0 = centre * buf[pa]!
        let a1 = 0
        let b0 = centre * buf[pb]!
        let b1 = 0
        let j = 1
        for (; j < mid; j += 2) {
          const c0 = coefs[mid - j]!
          const c1 = coefs[mid - j - 1]!
          a0 += c0 * (buf[pa - j]! + buf[pa + j]!)
          a1 += c1 * (buf[pa - j - 1]! + buf[pa + j + 1]!)
          b0 += c0 * (buf[pb - j]! + buf[pb + j]!)
          b1 += c1 * (buf[pb - j - 1]! + buf[pb + j + 1]!)
        }
        if (j === mid) {
          const c0 = coefs[0]!
          a0 += c0 * (buf[pa - mid]! + buf[pa + mid]!)
          b0 += c0 * (buf[pb - mid]! + buf[pb + mid]!)
        }
        out[n++] = a0 + a1
        out[n++] = b0 + b1
        pos = pb - mid + q0
      }
    }
    while (pos <= last && n < limit) {
      const c = phase * taps
      // Four accumulators break the add dependency chain; the order is fixed, so results do
      // not depend on how the input was chunked.
      let a0 = 0
      let a1 = 0
      let a2 = 0
      let a3 = 0
      for (let k = 0; k < taps; k += 4) {
        a0 += coefs[c + k]! * buf[pos + k]!
        a1 += coefs[c + k + 1]! * buf[pos + k + 1]!
        a2 += coefs[c + k + 2]! * buf[pos + k + 2]!
        a3 += coefs[c + k + 3]! * buf[pos + k + 3]!
      }
      out[n++] = a0 + a1 + (a2 + a3)
      pos += stepWhole
      phase += stepFrac
      if (phase >= up) {
        phase -= up
        pos++
      }
    }
    this.#pos = pos
    this.#phase = phase
    return n
  }
}

/** One phase of `taps` coefficients, mirrored around `taps/2 - 1`, with a zero last tap. */
function isFoldable(coefs: Float32Array, taps: number): boolean {
  const mid = taps / 2 - 1
  if (coefs.length !== taps || coefs[taps - 1] !== 0) return false
  for (let j = 1; j <= mid; j++) if (coefs[mid - j] !== coefs[mid + j]) return false
  return true
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]
  return a
}

function roundUp4(x: number): number {
  return Math.ceil(x / 4) * 4
}
