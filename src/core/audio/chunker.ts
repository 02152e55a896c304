import { RealtimeError } from '../errors'

/** Sample format a {@link FrameChunker} works in. */
export type SampleFormat = 'float32' | 'int16'

/** The typed array that holds samples of a {@link SampleFormat}. */
export type SampleArray<TFormat extends SampleFormat> = TFormat extends 'int16'
  ? Int16Array
  : Float32Array

/** A frame the chunker hands out: always a fresh array that owns its buffer (transferable). */
export type OwnedSampleArray<TFormat extends SampleFormat> = TFormat extends 'int16'
  ? Int16Array<ArrayBuffer>
  : Float32Array<ArrayBuffer>

export type FrameChunkerOptions<TFormat extends SampleFormat> = {
  format: TFormat
} & ({ frameSize: number } | { sampleRate: number; frameMs: number })

/**
 * Cuts fixed-size frames (e.g. 20 ms for a provider, 40 ms for a telephony bridge) out of pushes of
 * any size — 128-sample worklet quanta, 4096-sample script-processor blocks, whole files — and
 * carries the remainder to the next push.
 *
 * Each frame is a new array with its own buffer, so it can be posted as a transferable or kept
 * without being overwritten by later pushes.
 *
 * @example
 * const chunker = new FrameChunker({ format: 'int16', sampleRate: 24_000, frameMs: 20 })
 * for (const frame of chunker.push(pcm16)) send(frame) // 480 samples each
 * const last = chunker.flush({ pad: true }) // the remainder, zero-padded to 480, or undefined
 */
export class FrameChunker<TFormat extends SampleFormat = 'float32'> {
  /** Samples per frame. */
  readonly frameSize: number
  readonly format: TFormat
  #pending: Float32Array<ArrayBuffer> | Int16Array<ArrayBuffer>
  #fill = 0

  constructor(options: FrameChunkerOptions<TFormat>) {
    this.format = options.format
    this.frameSize = resolveFrameSize(options)
    this.#pending = this.#allocate()
  }

  /** Samples held back, waiting for a full frame. */
  get pendingSamples(): number {
    return this.#fill
  }

  /**
   * Adds samples and returns every frame completed by them (possibly none).
   */
  push(samples: SampleArray<TFormat>): Array<OwnedSampleArray<TFormat>> {
    const frames: Array<Float32Array<ArrayBuffer> | Int16Array<ArrayBuffer>> = []
    const size = this.frameSize
    let offset = 0
    if (this.#fill > 0) {
      const take = Math.min(size - this.#fill, samples.length)
      this.#pending.set(samples.subarray(0, take), this.#fill)
      this.#fill += take
      offset = take
      if (this.#fill < size) return []
      frames.push(this.#pending)
      this.#pending = this.#allocate()
      this.#fill = 0
    }
    // Whole frames straight from the input: one copy each, no staging through #pending.
    for (; offset + size <= samples.length; offset += size) {
      frames.push(samples.slice(offset, offset + size) as Float32Array<ArrayBuffer>)
    }
    if (offset < samples.length) {
      this.#pending.set(samples.subarray(offset), 0)
      this.#fill = samples.length - offset
    }
    return frames as Array<OwnedSampleArray<TFormat>>
  }

  /**
   * Returns the held-back remainder (shorter than a frame, or zero-padded to a full frame with
   * `pad: true`) and empties the chunker; `undefined` when nothing is held back.
   */
  flush(options: { pad?: boolean } = {}): OwnedSampleArray<TFormat> | undefined {
    if (this.#fill === 0) return undefined
    const fill = this.#fill
    const pending = this.#pending
    this.#pending = this.#allocate()
    this.#fill = 0
    // The unused tail of #pending is already zero: every frame buffer starts zeroed and is
    // only ever written from index 0 up to #fill.
    const out = options.pad === true ? pending : pending.slice(0, fill)
    return out as OwnedSampleArray<TFormat>
  }

  /** Drops anything held back (e.g. after a barge-in or a device switch). */
  reset(): void {
    this.#fill = 0
    this.#pending.fill(0)
  }

  #allocate(): Float32Array<ArrayBuffer> | Int16Array<ArrayBuffer> {
    return this.format === 'int16'
      ? new Int16Array(this.frameSize)
      : new Float32Array(this.frameSize)
  }
}

function resolveFrameSize(options: FrameChunkerOptions<SampleFormat>): number {
  if ('frameSize' in options) {
    if (!Number.isInteger(options.frameSize) || options.frameSize <= 0) {
      throw new RealtimeError(
        'invalid_audio',
        `Frame size must be a positive integer, got ${options.frameSize}`,
      )
    }
    return options.frameSize
  }
  const { sampleRate, frameMs } = options
  const size = (sampleRate * frameMs) / 1000
  // Rounding would make frames drift against the clock (e.g. 22050 Hz × 10 ms = 220.5), so a
  // duration that is not a whole number of samples is refused.
  if (!Number.isInteger(size) || size <= 0) {
    throw new RealtimeError(
      'invalid_audio',
      `${frameMs} ms at ${sampleRate} Hz is not a whole, positive number of samples`,
    )
  }
  return size
}
