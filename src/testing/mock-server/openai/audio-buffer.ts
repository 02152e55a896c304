import { decodeALaw, decodeMuLaw } from '../../../core/audio/g711'
import { bytesToPcm16 } from '../../../core/audio/pcm'
import { EnergyVad, type VadEvent } from '../vad'
import type { AudioFormat, TurnDetection } from './session-config'

/**
 * The OpenAI input audio buffer: what `input_audio_buffer.append` wrote since the last commit or
 * clear, decoded to linear PCM16 at the format's rate (24 kHz PCM, or 8 kHz G.711), plus the
 * server VAD that watches it. Appends are a byte stream: a PCM16 sample split across two appends
 * is joined, as it would be by the service.
 */
export interface CommittedAudio {
  pcm: Int16Array
  sampleRate: number
  durationMs: number
}

export class InputAudioBuffer {
  #format: AudioFormat = { type: 'audio/pcm', rate: 24000 }
  #carry: number | undefined
  #chunks: Int16Array[] = []
  #samples = 0
  #vad: EnergyVad | undefined

  /** Switches the input format; audio already buffered stays as it was decoded. */
  setFormat(format: AudioFormat): void {
    if (format.type !== this.#format.type) this.#carry = undefined
    this.#format = format
  }

  /** Turns server VAD on, reconfigures it, or turns it off (`null`). */
  setTurnDetection(detection: TurnDetection | null): void {
    if (!detection) {
      this.#vad = undefined
      return
    }
    const options = {
      threshold: detection.threshold,
      prefixPaddingMs: detection.prefixPaddingMs,
      silenceDurationMs: detection.silenceDurationMs,
    }
    if (this.#vad) this.#vad.configure(options)
    else this.#vad = new EnergyVad(options)
  }

  get sampleRate(): number {
    return this.#format.rate
  }

  /** Milliseconds of audio in the buffer. */
  get durationMs(): number {
    return (this.#samples / this.#format.rate) * 1000
  }

  /** Decodes and buffers one append; returns what the server VAD detected in it. */
  append(bytes: Uint8Array): VadEvent[] {
    const pcm = this.#decode(bytes)
    if (pcm.length === 0) return []
    this.#chunks.push(pcm)
    this.#samples += pcm.length
    return this.#vad?.push(pcm, this.#format.rate) ?? []
  }

  /** Empties the buffer and returns its audio (a commit). */
  take(): CommittedAudio {
    const pcm = new Int16Array(this.#samples)
    let offset = 0
    for (const chunk of this.#chunks) {
      pcm.set(chunk, offset)
      offset += chunk.length
    }
    const committed = { pcm, sampleRate: this.#format.rate, durationMs: this.durationMs }
    this.#chunks = []
    this.#samples = 0
    return committed
  }

  /** `input_audio_buffer.clear`: drops the audio and any utterance the VAD was following. */
  clear(): void {
    this.#chunks = []
    this.#samples = 0
    this.#carry = undefined
    this.#vad?.cancel()
  }

  /** An explicit commit ends an utterance in progress. */
  endUtterance(): void {
    this.#vad?.cancel()
  }

  #decode(bytes: Uint8Array): Int16Array {
    if (this.#format.type === 'audio/pcmu') return decodeMuLaw(bytes)
    if (this.#format.type === 'audio/pcma') return decodeALaw(bytes)
    let data = bytes
    if (this.#carry !== undefined) {
      data = new Uint8Array(bytes.length + 1)
      data[0] = this.#carry
      data.set(bytes, 1)
      this.#carry = undefined
    }
    if (data.length % 2 === 1) {
      this.#carry = data[data.length - 1]
      data = data.subarray(0, data.length - 1)
    }
    return bytesToPcm16(data)
  }
}
