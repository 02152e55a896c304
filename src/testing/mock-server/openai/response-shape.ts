import type { ResponseSettings } from './response'
import type { AudioFormat } from './session-config'

/** The `response` object of `response.created` / `response.done`, as the GA service writes it. */
export function responseObject(options: {
  id: string
  status: string
  details: unknown
  usage: unknown
  output: readonly Record<string, unknown>[]
  settings: Omit<ResponseSettings, 'transcription'>
}): Record<string, unknown> {
  const { settings } = options
  return {
    object: 'realtime.response',
    id: options.id,
    status: options.status,
    status_details: options.details,
    output: structuredClone(options.output),
    conversation_id: settings.inConversation ? settings.conversationId : null,
    output_modalities: [settings.modality],
    max_output_tokens: settings.maxOutputTokens,
    audio: { output: { format: formatJson(settings.format), voice: settings.voice } },
    usage: options.usage,
    metadata: settings.metadata ?? null,
  }
}

/** Deterministic token counts: ~4 characters per text token, ~20 audio tokens per second. */
export function usageObject(
  input: { text: number; audio: number },
  outputText: string,
  outputAudioMs: number,
): Record<string, unknown> {
  const text = Math.ceil(outputText.length / 4)
  const audio = Math.ceil(outputAudioMs / 50)
  const inputTotal = input.text + input.audio
  return {
    total_tokens: inputTotal + text + audio,
    input_tokens: inputTotal,
    output_tokens: text + audio,
    input_token_details: {
      text_tokens: input.text,
      audio_tokens: input.audio,
      image_tokens: 0,
      cached_tokens: 0,
      cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
    },
    output_token_details: { text_tokens: text, audio_tokens: audio },
  }
}

/** A format as the service writes it: PCM carries its rate, G.711 does not. */
export function formatJson(format: AudioFormat): Record<string, unknown> {
  return format.type === 'audio/pcm'
    ? { type: format.type, rate: format.rate }
    : { type: format.type }
}
