import { encodeBase64 } from '../../audio/base64'
import { RealtimeError } from '../../errors'
import type { ClientEvent, Role } from '../../events'
import { toolOutputObject } from '../tool-output'
import { assertVideoFrame } from '../video-frame'
import type { GeminiClientMessage } from './wire-types'

/** How typed user text is sent. */
export type GeminiTextInput = 'clientContent' | 'realtimeInput'

export interface GeminiClientContext {
  /** Rate declared in `audio/pcm;rate=N` (the service resamples; 16 kHz is native). */
  inputSampleRate: number
  /** `turnDetection.mode === 'none'`: the client marks speech with activityStart/activityEnd. */
  manualActivity: boolean
  /** Whether an activity is open (manual mode). */
  activityOpen: boolean
  /** `clientContent` turns (2.x models) or `realtimeInput.text` (3.x models refuse clientContent mid-session). */
  textInput: GeminiTextInput
  /** Vertex refuses `audioStreamEnd`. */
  vertex: boolean
  /** Tool calls that arrived without an id get a synthetic one, which must not be sent back. */
  isSyntheticCallId?: (callId: string) => boolean
}

/** Client events that map to zero or more Live messages (`raw` and `session.update` do not). */
export type GeminiMappableClientEvent = Exclude<
  ClientEvent,
  { type: 'raw' } | { type: 'session.update' }
>

/**
 * Unified client event → Live messages, plus the new activity state. Pure.
 *
 * - `audio.append` → `realtimeInput.audio {data, mimeType:'audio/pcm;rate=16000'}`; in manual
 *   activity mode an `activityStart` goes first when no activity is open.
 * - `video.frame` → `realtimeInput.video {data, mimeType:'image/jpeg'|'image/png'}` (base64).
 * - `audio.commit` → `activityEnd` (manual mode), `audioStreamEnd` (automatic mode, AI Studio:
 *   flushes audio the server holds), nothing on Vertex.
 * - `audio.clear` → nothing: Gemini has no input buffer to clear.
 * - `text` (user) → a `clientContent` turn with `turnComplete:true`, or `realtimeInput.text`;
 *   `assistant` → a `model` turn and `system` → a `user` turn, both with `turnComplete:false`
 *   (context, not a request for an answer). In `realtimeInput` mode (Gemini 3) these are refused
 *   with `unsupported`: they only exist as `clientContent`, which those models take only to seed
 *   the initial history (done at connect, see `GeminiRealtimeSession.initialize`) and answer
 *   with close 1007 mid-session.
 * - `tool.result` → `toolResponse.functionResponses[{id, name, response}]` (see
 *   `toolOutputObject`); the crate omitted `name` (defect 8.17).
 * - `response.create` → nothing: Gemini answers on its own.
 * - `response.cancel` → `activityStart` in manual mode (user activity interrupts the model);
 *   nothing in automatic mode, where the server's own VAD handles barge-in.
 * - `item.truncate` → nothing: Gemini cannot truncate (`capabilities.truncation` is false).
 *
 * @example
 * toGeminiClientMessages({ type: 'audio.commit' }, { ...context, manualActivity: true, activityOpen: true })
 * // { messages: [{ realtimeInput: { activityEnd: {} } }], activityOpen: false }
 */
export function toGeminiClientMessages(
  event: GeminiMappableClientEvent,
  context: GeminiClientContext,
): { messages: GeminiClientMessage[]; activityOpen: boolean } {
  const messages: GeminiClientMessage[] = []
  let activityOpen = context.activityOpen
  switch (event.type) {
    case 'audio.append': {
      if (event.pcm.byteLength % 2 !== 0) {
        throw new RealtimeError(
          'invalid_audio',
          `PCM16 audio must have an even byte length (got ${event.pcm.byteLength})`,
        )
      }
      if (context.manualActivity && !activityOpen) {
        messages.push({ realtimeInput: { activityStart: {} } })
        activityOpen = true
      }
      messages.push({
        realtimeInput: {
          audio: {
            data: encodeBase64(event.pcm),
            mimeType: `audio/pcm;rate=${context.inputSampleRate}`,
          },
        },
      })
      break
    }
    case 'video.frame':
      assertVideoFrame(event.frame, event.mimeType)
      messages.push({
        realtimeInput: { video: { data: encodeBase64(event.frame), mimeType: event.mimeType } },
      })
      break
    case 'audio.commit':
      if (context.manualActivity) {
        if (activityOpen) messages.push({ realtimeInput: { activityEnd: {} } })
        activityOpen = false
      } else if (!context.vertex) {
        messages.push({ realtimeInput: { audioStreamEnd: true } })
      }
      break
    case 'text':
      messages.push(textMessage(event.text, event.role ?? 'user', context.textInput))
      break
    case 'tool.result': {
      const { callId, name } = event.result
      const synthetic = context.isSyntheticCallId?.(callId) === true
      messages.push({
        toolResponse: {
          functionResponses: [
            {
              ...(synthetic ? {} : { id: callId }),
              name,
              response: toolOutputObject(event.result),
            },
          ],
        },
      })
      break
    }
    case 'response.cancel':
      if (context.manualActivity && !activityOpen) {
        messages.push({ realtimeInput: { activityStart: {} } })
        activityOpen = true
      }
      break
    case 'audio.clear':
    case 'response.create':
    case 'item.truncate':
      break
  }
  return { messages, activityOpen }
}

function textMessage(text: string, role: Role, textInput: GeminiTextInput): GeminiClientMessage {
  if (textInput === 'realtimeInput') {
    if (role === 'user') return { realtimeInput: { text } }
    // Refused here rather than sent: the server would close the whole session with 1007.
    throw new RealtimeError(
      'unsupported',
      `Gemini cannot take ${role} text mid-session in textInput 'realtimeInput' mode (Gemini 3 ` +
        `models): it exists only as clientContent, which these models accept only to seed the ` +
        `initial history and otherwise answer by closing the session (1007). ` +
        `Put it in the instruction instead.`,
    )
  }
  return {
    clientContent: {
      turns: [{ parts: [{ text }], role: role === 'assistant' ? 'model' : 'user' }],
      turnComplete: role === 'user',
    },
  }
}
