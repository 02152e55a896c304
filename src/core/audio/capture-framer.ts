import { FrameChunker } from './chunker'
import { rmsLevel } from './level'
import { floatToPcm16Bytes } from './pcm'
import { Resampler } from './resample'

export interface CaptureFramerOptions {
  /** The rate the microphone audio arrives at (the AudioContext's). */
  inputRate: number
  /** The provider's input rate. */
  outputRate: number
  /** Frame duration, default 20 ms: OpenAI and Gemini both recommend 20–40 ms chunks. */
  frameMs?: number
}

/** One provider-ready frame. */
export interface CapturedFrame {
  /** PCM16 little-endian mono at the output rate; owns its buffer, so it can be transferred. */
  pcm: Uint8Array<ArrayBuffer>
  /** RMS of the frame in [0, 1]. */
  level: number
}

/**
 * The capture worklet's signal path, kept free of Web Audio so it runs (and is tested) in Node:
 * device-rate render quanta in, anti-aliased resampling to the provider's rate, fixed frames of
 * PCM16 out, each with its RMS level.
 *
 * Muted input is replaced by zeros *before* the resampler, so frames keep flowing at the same
 * cadence and the filter history holds no speech to leak into the first frames after unmuting.
 *
 * @example
 * const framer = new CaptureFramer({ inputRate: sampleRate, outputRate: 24_000 })
 * for (const frame of framer.push(quantum, muted)) port.postMessage(frame, [frame.pcm.buffer])
 */
export class CaptureFramer {
  readonly frameSize: number
  readonly #resampler: Resampler
  readonly #chunker: FrameChunker<'float32'>
  #silence = new Float32Array(0)

  constructor(options: CaptureFramerOptions) {
    this.#resampler = new Resampler({
      inputRate: options.inputRate,
      outputRate: options.outputRate,
    })
    this.#chunker = new FrameChunker({
      format: 'float32',
      sampleRate: options.outputRate,
      frameMs: options.frameMs ?? 20,
    })
    this.frameSize = this.#chunker.frameSize
  }

  /**
   * Adds one block of mono samples (any length; `undefined` when the input has no channel, e.g.
   * while the source is being swapped, counts as `length` samples of silence).
   */
  push(
    input: Float32Array | undefined,
    muted: boolean,
    length = input?.length ?? 0,
  ): CapturedFrame[] {
    const samples = muted || input === undefined ? this.#zeros(length) : input
    const frames = this.#chunker.push(this.#resampler.process(samples))
    return frames.map((frame) => ({ pcm: floatToPcm16Bytes(frame), level: rmsLevel(frame) }))
  }

  #zeros(length: number): Float32Array {
    if (this.#silence.length !== length) this.#silence = new Float32Array(length)
    return this.#silence
  }
}
