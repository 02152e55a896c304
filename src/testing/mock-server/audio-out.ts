import { encodeALaw, encodeMuLaw } from '../../core/audio/g711'
import { pcm16ToBytes } from '../../core/audio/pcm'
import { Resampler } from '../../core/audio/resample'

/** The mock's speech is made at 24 kHz (both providers' output rate) and converted here. */
export const SPEECH_RATE = 24_000

/** Resamples a whole utterance of PCM16 between rates. */
export function resamplePcm16(pcm: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return pcm
  const resampler = new Resampler({ inputRate: fromRate, outputRate: toRate })
  const head = resampler.processInt16(pcm)
  const tail = resampler.flushInt16()
  const out = new Int16Array(head.length + tail.length)
  out.set(head)
  out.set(tail, head.length)
  return out
}

/**
 * Encodes 24 kHz PCM16 for the wire: little-endian PCM16 at 24 kHz, or G.711 μ-law / A-law at
 * 8 kHz (OpenAI `audio/pcmu`, `audio/pcma`).
 */
export function encodeSpeech(
  pcm: Int16Array,
  format: 'audio/pcm' | 'audio/pcmu' | 'audio/pcma',
): Uint8Array {
  if (format === 'audio/pcm') return pcm16ToBytes(pcm)
  const narrow = resamplePcm16(pcm, SPEECH_RATE, 8000)
  return format === 'audio/pcmu' ? encodeMuLaw(narrow) : encodeALaw(narrow)
}

/** Splits wire audio into chunks of `chunkMs`, never splitting a PCM16 sample. */
export function chunkAudio(bytes: Uint8Array, bytesPerMs: number, chunkMs: number): Uint8Array[] {
  let size = Math.max(1, Math.round(bytesPerMs * Math.max(1, chunkMs)))
  if (size % 2 === 1 && bytesPerMs % 2 === 0) size++
  const chunks: Uint8Array[] = []
  for (let offset = 0; offset < bytes.length; offset += size) {
    chunks.push(bytes.subarray(offset, Math.min(bytes.length, offset + size)))
  }
  return chunks
}
