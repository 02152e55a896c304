import { decodeBase64 } from '../../../core/audio/base64'
import { bytesToPcm16 } from '../../../core/audio/pcm'
import { EnergyVad } from '../vad'
import type { GeminiSetup } from './setup'

/**
 * The user's side of a Gemini session: `realtimeInput` audio at whatever rate each chunk declares,
 * cut into turns either by the automatic activity detection (the mock's energy VAD) or by the
 * client's own `activityStart` / `activityEnd` when detection is disabled.
 */
export type InputEvent =
  { type: 'speechStarted' } | { type: 'turnEnded'; pcm: Int16Array; sampleRate: number }

/** The sample rate a chunk declares (`audio/pcm;rate=16000`); the service's native 16 kHz otherwise. */
export function declaredRate(mimeType: unknown): number | undefined {
  if (typeof mimeType !== 'string') return 16_000
  const [type, ...params] = mimeType.split(';').map((part) => part.trim().toLowerCase())
  if (type !== 'audio/pcm' && type !== 'audio/l16') return undefined
  const rate = params.find((param) => param.startsWith('rate='))
  const value = rate === undefined ? 16_000 : Number(rate.slice(5))
  return Number.isInteger(value) && value > 0 ? value : undefined
}

/** Proto3 JSON accepts URL-safe base64 too; the Python SDK sends it (`-` and `_`). */
export function decodeAudio(data: string): Int16Array {
  const bytes = decodeBase64(data.replace(/-/g, '+').replace(/_/g, '/'))
  return bytesToPcm16(bytes.subarray(0, bytes.length - (bytes.length % 2)))
}

export class UserInput {
  readonly #setup: GeminiSetup
  readonly #vad: EnergyVad | undefined
  #chunks: Int16Array[] = []
  #rate = 16_000
  #manualActivity = false

  constructor(setup: GeminiSetup) {
    this.#setup = setup
    const detection = setup.activityDetection
    this.#vad = detection.disabled
      ? undefined
      : new EnergyVad({
          threshold: detection.threshold,
          prefixPaddingMs: detection.prefixPaddingMs,
          silenceDurationMs: detection.silenceDurationMs,
        })
  }

  /** One audio chunk; returns the speech boundaries it crossed. */
  audio(pcm: Int16Array, sampleRate: number): InputEvent[] {
    if (sampleRate !== this.#rate && this.#chunks.length > 0) {
      // A turn is kept at one rate: earlier audio at another rate is dropped from the transcript input.
      this.#chunks = []
    }
    this.#rate = sampleRate
    if (!this.#vad) {
      if (this.#manualActivity) this.#chunks.push(pcm)
      return []
    }
    this.#chunks.push(pcm)
    const events: InputEvent[] = []
    for (const event of this.#vad.push(pcm, sampleRate)) {
      if (event.type === 'speechStarted') events.push({ type: 'speechStarted' })
      else events.push(this.#endTurn())
    }
    // Without speech in progress only the recent past matters (the prefix of the next turn).
    if (!this.#vad.speaking && events.length === 0) this.#trim()
    return events
  }

  /** `activityStart`: the client says the user started speaking. */
  activityStart(): InputEvent[] {
    this.#manualActivity = true
    this.#chunks = []
    return [{ type: 'speechStarted' }]
  }

  /** `activityEnd`: the turn is complete. */
  activityEnd(): InputEvent[] {
    if (!this.#manualActivity) return []
    this.#manualActivity = false
    return [this.#endTurn()]
  }

  /** `audioStreamEnd`: an utterance in progress ends where the audio stopped. */
  streamEnd(): InputEvent[] {
    return this.#vad?.flush().map(() => this.#endTurn()) ?? []
  }

  get activityDetectionDisabled(): boolean {
    return this.#setup.activityDetection.disabled
  }

  #endTurn(): InputEvent {
    const total = this.#chunks.reduce((sum, chunk) => sum + chunk.length, 0)
    const pcm = new Int16Array(total)
    let offset = 0
    for (const chunk of this.#chunks) {
      pcm.set(chunk, offset)
      offset += chunk.length
    }
    this.#chunks = []
    return { type: 'turnEnded', pcm, sampleRate: this.#rate }
  }

  /** Keeps about one second of audio while nobody speaks. */
  #trim(): void {
    let kept = 0
    let index = this.#chunks.length
    while (index > 0 && kept < this.#rate) kept += this.#chunks[--index]!.length
    if (index > 0) this.#chunks = this.#chunks.slice(index)
  }
}
