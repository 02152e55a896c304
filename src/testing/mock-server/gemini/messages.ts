import type { BrainMessage } from '../brain'
import { isRecord } from '../log'
import { geminiClose, type GeminiClose } from './errors'
import { decodeAudio, declaredRate } from './input'
import type { ToolResponse } from './turn'

/**
 * Reading Gemini client messages (already in camelCase) into plain values. Anything the service
 * would refuse throws {@link CloseWith}, and the session closes the socket with that code.
 */
export class CloseWith extends Error {
  constructor(readonly close: GeminiClose) {
    super(close.reason)
  }
}

const CLIENT_FIELDS = ['setup', 'clientContent', 'realtimeInput', 'toolResponse']
const INPUT_FIELDS = [
  'mediaChunks',
  'audio',
  'video',
  'text',
  'activityStart',
  'activityEnd',
  'audioStreamEnd',
]

/** The message's fields, refusing unknown ones as proto3 JSON parsing does. */
export function clientMessage(message: unknown): Record<string, unknown> {
  if (!isRecord(message)) throw new CloseWith(geminiClose.invalidArgument)
  for (const key of Object.keys(message)) {
    if (!CLIENT_FIELDS.includes(key)) throw new CloseWith(geminiClose.unknownField(key))
  }
  return message
}

export function realtimeInputOf(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new CloseWith(geminiClose.invalidArgument)
  for (const key of Object.keys(value)) {
    if (!INPUT_FIELDS.includes(key)) {
      throw new CloseWith(geminiClose.unknownField(key, 'realtime_input'))
    }
  }
  return value
}

/** The PCM audio of `audio` and legacy `mediaChunks`, each at its declared rate. */
export function audioChunksOf(
  input: Record<string, unknown>,
): Array<{ pcm: Int16Array; rate: number }> {
  const chunks = [
    ...(Array.isArray(input.mediaChunks) ? input.mediaChunks : []),
    ...(input.audio ? [input.audio] : []),
  ]
  return chunks.flatMap((chunk) => {
    if (!isRecord(chunk) || typeof chunk.data !== 'string') {
      throw new CloseWith(geminiClose.invalidArgument)
    }
    const rate = declaredRate(chunk.mimeType)
    // Images sent as media chunks are video frames (see `videoChunksOf`).
    if (rate === undefined) return []
    try {
      return [{ pcm: decodeAudio(chunk.data), rate }]
    } catch {
      throw new CloseWith(geminiClose.invalidArgument)
    }
  })
}

/** The images of `video` and legacy `mediaChunks` (`image/*` chunks), as sent: base64 and type. */
export function videoChunksOf(
  input: Record<string, unknown>,
): Array<{ data: unknown; mimeType: unknown }> {
  const chunks = [
    ...(Array.isArray(input.mediaChunks) ? input.mediaChunks : []).filter(
      (chunk) =>
        isRecord(chunk) &&
        typeof chunk.mimeType === 'string' &&
        chunk.mimeType.startsWith('image/'),
    ),
    ...(input.video === undefined ? [] : [input.video]),
  ]
  return chunks.map((chunk) => {
    if (!isRecord(chunk)) throw new CloseWith(geminiClose.invalidArgument)
    return { data: chunk.data, mimeType: chunk.mimeType }
  })
}

/** `clientContent.turns` as conversation entries (`model` turns are the assistant's). */
export function clientTurnsOf(content: Record<string, unknown>): BrainMessage[] {
  const turns = Array.isArray(content.turns) ? content.turns.filter(isRecord) : []
  return turns.map((turn) => {
    const parts = Array.isArray(turn.parts) ? turn.parts.filter(isRecord) : []
    const text = parts.map((part) => (typeof part.text === 'string' ? part.text : '')).join('')
    return turn.role === 'model'
      ? { role: 'assistant' as const, text }
      : { role: 'user' as const, text, spoken: false }
  })
}

export function toolResponsesOf(value: unknown): ToolResponse[] {
  const responses =
    isRecord(value) && Array.isArray(value.functionResponses) ? value.functionResponses : []
  return responses.filter(isRecord).map((response) => ({
    ...(typeof response.id === 'string' ? { id: response.id } : {}),
    ...(typeof response.name === 'string' ? { name: response.name } : {}),
    response: response.response,
  }))
}

/** Protobuf Duration JSON: `50s`, `0.5s`. */
export function duration(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`
}
