import { encodeBase64 } from '../../audio/base64'
import { encodeALaw, encodeMuLaw } from '../../audio/g711'
import { bytesToPcm16 } from '../../audio/pcm'
import type { AudioEncoding } from '../../config'
import { RealtimeError } from '../../errors'
import type { ClientEvent, ResponseOptions, Role } from '../../events'
import { toolOutputText } from '../tool-output'
import { assertVideoFrame, videoDataUrl } from '../video-frame'
import type {
  OpenAIClientEvent,
  OpenAIConversationItem,
  OpenAIResponseCreateEvent,
} from './wire-types'

/** Client events that map to exactly one GA message (`raw` and `session.update` do not). */
export type OpenAIMappableClientEvent = Exclude<
  ClientEvent,
  { type: 'raw' } | { type: 'session.update' }
>

/**
 * Unified client event → GA wire message. Pure.
 *
 * - `audio.append`: PCM16 LE mono at 24 kHz (8 kHz when the input format is G.711, which is then
 *   encoded here) → `input_audio_buffer.append`.
 * - `text`: a `conversation.item.create` message item (`input_text` for user and system,
 *   `output_text` for assistant). It does not ask for a response; `session.sendText` does.
 * - `video.frame`: a user message item with one `input_image` part whose `image_url` is a data
 *   URL (`data:image/jpeg;base64,…`). No response is requested: the model sees the image with
 *   the user's next turn.
 * - `tool.result`: `function_call_output` (see `toolOutputText`). No `response.create`: one per
 *   turn, after all outputs, is the runner's job (the crate sent one per output, defect 8.4).
 * - `response.create`: options become `response{instructions, output_modalities, …extra}`;
 *   without options the message is bare, as the official clients send it.
 *
 * @example
 * toOpenAIClientEvent({ type: 'audio.commit' }, { inputFormat: 'pcm16' })
 * // { type: 'input_audio_buffer.commit' }
 */
export function toOpenAIClientEvent(
  event: OpenAIMappableClientEvent,
  context: { inputFormat: AudioEncoding },
): OpenAIClientEvent {
  switch (event.type) {
    case 'audio.append':
      return {
        type: 'input_audio_buffer.append',
        audio: encodeAudio(event.pcm, context.inputFormat),
      }
    case 'video.frame':
      assertVideoFrame(event.frame, event.mimeType)
      return {
        type: 'conversation.item.create',
        item: {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_image', image_url: videoDataUrl(event.frame, event.mimeType) }],
        },
      }
    case 'audio.commit':
      return { type: 'input_audio_buffer.commit' }
    case 'audio.clear':
      return { type: 'input_audio_buffer.clear' }
    case 'text':
      return {
        type: 'conversation.item.create',
        item: messageItem(event.role ?? 'user', event.text),
      }
    case 'tool.result':
      return {
        type: 'conversation.item.create',
        item: {
          type: 'function_call_output',
          call_id: event.result.callId,
          output: toolOutputText(event.result),
        },
      }
    case 'response.create':
      return responseCreate(event.options)
    case 'response.cancel':
      return { type: 'response.cancel' }
    case 'item.truncate':
      return {
        type: 'conversation.item.truncate',
        item_id: event.itemId,
        content_index: event.contentIndex ?? 0,
        // The server wants whole, non-negative milliseconds of audio actually played.
        audio_end_ms: Math.max(0, Math.round(event.audioEndMs)),
      }
  }
}

/** A conversation message item for seeding or injecting text. */
export function messageItem(role: Role, text: string): OpenAIConversationItem {
  if (role === 'assistant') {
    return { type: 'message', role, content: [{ type: 'output_text', text }] }
  }
  if (role === 'system') return { type: 'message', role, content: [{ type: 'input_text', text }] }
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] }
}

function responseCreate(options: ResponseOptions | undefined): OpenAIResponseCreateEvent {
  if (options === undefined) return { type: 'response.create' }
  const response: Record<string, unknown> = {}
  if (options.instructions !== undefined) response.instructions = options.instructions
  if (options.modalities !== undefined) {
    response.output_modalities = options.modalities.includes('audio') ? ['audio'] : ['text']
  }
  Object.assign(response, options.extra)
  if (Object.keys(response).length === 0) return { type: 'response.create' }
  return { type: 'response.create', response }
}

/**
 * Base64 of the wire audio. PCM16 goes as-is; G.711 is encoded from PCM16 first.
 * @throws RealtimeError `invalid_audio` for an odd byte length (half a sample).
 */
export function encodeAudio(pcm: Uint8Array, format: AudioEncoding): string {
  if (pcm.byteLength % 2 !== 0) {
    throw new RealtimeError(
      'invalid_audio',
      `PCM16 audio must have an even byte length (got ${pcm.byteLength})`,
    )
  }
  if (format === 'g711_ulaw') return encodeBase64(encodeMuLaw(bytesToPcm16(pcm)))
  if (format === 'g711_alaw') return encodeBase64(encodeALaw(bytesToPcm16(pcm)))
  return encodeBase64(pcm)
}
