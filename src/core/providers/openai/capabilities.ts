import type { AudioEncoding } from '../../config'
import type { ProviderCapabilities } from '../../session'

/** Built-in GA voices (`marin` and `cedar` are the recommended ones). */
export const OPENAI_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
] as const

/** The default GA model. */
export const OPENAI_DEFAULT_MODEL = 'gpt-realtime'

/** Rate of the PCM16 a session takes and produces for an encoding: G.711 is 8 kHz. */
export function openAISampleRate(encoding: AudioEncoding | undefined): number {
  return encoding === 'g711_ulaw' || encoding === 'g711_alaw' ? 8000 : 24000
}

/**
 * OpenAI Realtime over WebSocket: config changes apply in place, 24 kHz PCM16 both ways (8 kHz
 * when a G.711 format is negotiated; a session reports its own rates), no resumption, one
 * `response.create` after tool outputs, truncation of unheard audio, and images as video frames
 * (each one a conversation item, so at most 1 frame/s).
 *
 * @example
 * openAICapabilities('g711_ulaw').inputSampleRate // 8000
 */
export function openAICapabilities(
  inputFormat?: AudioEncoding,
  outputFormat?: AudioEncoding,
): ProviderCapabilities {
  return {
    liveContextMutation: true,
    inputSampleRate: openAISampleRate(inputFormat),
    outputSampleRate: openAISampleRate(outputFormat),
    voices: OPENAI_VOICES,
    transports: ['websocket'],
    sessionResumption: false,
    responseAfterToolOutputs: true,
    truncation: true,
    video: { maxFramesPerSecond: 1 },
  }
}
