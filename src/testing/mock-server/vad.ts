import { rmsDbfs } from '../../core/audio/level'

/**
 * Energy-based voice activity detection, the mock's stand-in for OpenAI's server VAD and Gemini's
 * automatic activity detection. Audio is cut into 20 ms frames and each frame's RMS level decides.
 *
 * - A frame is *loud* above the activation level, derived from `threshold` (0…1, OpenAI's scale):
 *   -65 dBFS at 0, -37.5 dBFS at 0.5, -10 dBFS at 1. Speech starts at the first of two loud frames
 *   in a row, so a single click is ignored.
 * - While speaking, a frame keeps the speech going above a lower level (12 dB of hysteresis), so
 *   the quiet tail of a word is not taken for silence. Speech stops once the silence is *longer*
 *   than `silenceDurationMs`.
 * - Times are milliseconds of audio pushed since the start, counted in samples, never wall-clock.
 *   `audioStartMs` includes the prefix padding (onset minus `prefixPaddingMs`) and `audioEndMs` is
 *   the end of the last voiced frame plus the silence duration. That is how the real service's
 *   numbers relate to the audio in the recorded server-VAD turn: speech from about 1.75 s to
 *   4.0 s, with 300 ms of padding and 200 ms of silence configured, was reported as
 *   `audio_start_ms: 1460` and `audio_end_ms: 4256`.
 */
export interface EnergyVadOptions {
  threshold: number
  prefixPaddingMs: number
  silenceDurationMs: number
}

export type VadEvent =
  | { type: 'speechStarted'; audioStartMs: number; onsetMs: number }
  | { type: 'speechStopped'; audioEndMs: number }

const FRAME_MS = 20
const MIN_LOUD_FRAMES = 2
const HYSTERESIS_DB = 12

export class EnergyVad {
  #options: EnergyVadOptions
  #positionMs = 0
  #speaking = false
  #loudRun = 0
  #loudRunStartMs = 0
  #lastVoicedEndMs = 0
  #pending: Int16Array = new Int16Array(0)
  #pendingRate = 0

  constructor(options: EnergyVadOptions) {
    this.#options = { ...options }
  }

  /** Applies new settings from the next frame on; an utterance in progress continues. */
  configure(options: EnergyVadOptions): void {
    this.#options = { ...options }
  }

  get speaking(): boolean {
    return this.#speaking
  }

  /** Milliseconds of audio pushed so far (whole frames only). */
  get positionMs(): number {
    return this.#positionMs
  }

  /** Feeds PCM16 samples at `sampleRate`; returns what was detected, in order. */
  push(samples: Int16Array, sampleRate: number): VadEvent[] {
    const events: VadEvent[] = []
    if (this.#pendingRate !== sampleRate && this.#pending.length > 0) {
      // A rate change mid-frame: judge the partial frame on its own rather than mixing rates.
      this.#judge(this.#pending, this.#pendingRate, events)
      this.#pending = new Int16Array(0)
    }
    this.#pendingRate = sampleRate
    const frameSize = Math.max(1, Math.round((sampleRate * FRAME_MS) / 1000))
    let input = samples
    if (this.#pending.length > 0) {
      input = new Int16Array(this.#pending.length + samples.length)
      input.set(this.#pending)
      input.set(samples, this.#pending.length)
    }
    let offset = 0
    for (; offset + frameSize <= input.length; offset += frameSize) {
      this.#judge(input.subarray(offset, offset + frameSize), sampleRate, events)
    }
    this.#pending = input.slice(offset)
    return events
  }

  /**
   * The input stream ended (Gemini `audioStreamEnd`, an OpenAI commit): an utterance in progress
   * stops where the audio stops.
   */
  flush(): VadEvent[] {
    if (!this.#speaking) return []
    this.#speaking = false
    this.#loudRun = 0
    return [{ type: 'speechStopped', audioEndMs: Math.round(this.#positionMs) }]
  }

  /** Forgets an utterance in progress without reporting it (the buffer was cleared). */
  cancel(): void {
    this.#speaking = false
    this.#loudRun = 0
  }

  #judge(frame: Int16Array, sampleRate: number, events: VadEvent[]): void {
    const startMs = this.#positionMs
    const endMs = startMs + (frame.length / sampleRate) * 1000
    this.#positionMs = endMs
    const level = rmsDbfs(frame)
    const activation = -65 + 55 * clamp(this.#options.threshold, 0, 1)
    if (!this.#speaking) {
      if (level > activation) {
        if (this.#loudRun === 0) this.#loudRunStartMs = startMs
        this.#loudRun++
      } else {
        this.#loudRun = 0
      }
      if (this.#loudRun >= MIN_LOUD_FRAMES) {
        this.#speaking = true
        this.#lastVoicedEndMs = endMs
        const onsetMs = this.#loudRunStartMs
        events.push({
          type: 'speechStarted',
          onsetMs: Math.round(onsetMs),
          audioStartMs: Math.round(Math.max(0, onsetMs - this.#options.prefixPaddingMs)),
        })
      }
      return
    }
    if (level > activation - HYSTERESIS_DB) {
      this.#lastVoicedEndMs = endMs
      return
    }
    if (endMs - this.#lastVoicedEndMs > this.#options.silenceDurationMs) {
      this.#speaking = false
      this.#loudRun = 0
      events.push({
        type: 'speechStopped',
        audioEndMs: Math.round(this.#lastVoicedEndMs + this.#options.silenceDurationMs),
      })
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value
}
