import { decodeBase64 } from '../../audio/base64'
import type { Usage } from '../../events'
import { decodeUtf8 } from '../../transport/utf8'
import { optional } from '../optional'
import { WireReader, WireShapeError, isJsonObject, parseJson } from '../wire-reader'
import { parseDurationMs } from './protocol-errors'

/**
 * Reads one Gemini server frame into a validated, typed message. Pure, and all-or-nothing: a
 * field of the wrong type anywhere throws `WireShapeError` before any state changes, so the
 * session reports one error for the frame and the turn state stays consistent.
 *
 * Server frames are JSON in **binary** frames on the real service (text is accepted too).
 */

export type GeminiPart =
  | { kind: 'text'; text: string; thought: boolean }
  | { kind: 'audio'; bytes: Uint8Array; mimeType: string; sampleRate: number }
  | { kind: 'other'; key: string; value: unknown }

export interface GeminiServerContent {
  parts: GeminiPart[]
  inputTranscription?: string
  outputTranscription?: string
  interrupted: boolean
  generationComplete: boolean
  turnComplete: boolean
  /** Fields we do not model (`groundingMetadata`, `turnCompleteReason`, …), passed on as `raw`. */
  other: Array<[string, unknown]>
}

export interface GeminiServerMessage {
  setupComplete?: { sessionId?: string }
  serverContent?: GeminiServerContent
  toolCalls?: Array<{ id?: string; name: string; args: unknown }>
  toolCallCancellation?: string[]
  goAwayMs?: number
  resumption?: { resumable: boolean; newHandle?: string; lastConsumedClientMessageIndex?: string }
  usage?: Usage
  voiceActivity?: 'start' | 'end'
  /** Documented top-level fields we do not model (`voiceActivityDetectionSignal`). */
  other: Array<[string, unknown]>
  /** Top-level keys outside the Live protocol (schema drift): passed on, and reported. */
  unknown: Array<[string, unknown]>
}

/** The first key of a frame, used as its type in errors and `raw` events. */
export function geminiFrameType(frame: unknown): string {
  return isJsonObject(frame) ? (Object.keys(frame)[0] ?? 'empty') : 'invalid_shape'
}

/** Parses a frame's bytes or text; `{ error }` for invalid JSON or a non-object. */
export function decodeGeminiFrame(
  data: string | Uint8Array,
): { frame: Record<string, unknown> } | { error: Error; frameType: string } {
  const parsed = parseJson(typeof data === 'string' ? data : decodeUtf8(data))
  if (!parsed.ok) return { error: parsed.error, frameType: 'invalid_json' }
  if (!isJsonObject(parsed.value)) {
    return {
      error: new WireShapeError('(frame)', 'an object', parsed.value),
      frameType: 'invalid_shape',
    }
  }
  return { frame: parsed.value }
}

const MODELLED = new Set([
  'setupComplete',
  'serverContent',
  'toolCall',
  'toolCallCancellation',
  'goAway',
  'sessionResumptionUpdate',
  'usageMetadata',
  'voiceActivity',
])

/**
 * Validates one decoded frame into a typed message (see `GeminiTurnTracker` for its events).
 *
 * @throws WireShapeError for a field of the wrong type; RealtimeError `invalid_audio` for audio
 * that is not base64.
 * @example
 * readGeminiMessage({ toolCall: { functionCalls: [{ id: 'fc_1', name: 'f', args: {} }] } })
 * // { toolCalls: [{ id: 'fc_1', name: 'f', args: {} }], other: [], unknown: [] }
 */
export function readGeminiMessage(frame: Record<string, unknown>): GeminiServerMessage {
  const r = new WireReader(frame)
  const message: GeminiServerMessage = { other: [], unknown: [] }
  const setup = r.optionalObject('setupComplete')
  if (setup !== undefined)
    message.setupComplete = optional('sessionId', setup.optionalString('sessionId'))
  const content = r.optionalObject('serverContent')
  if (content !== undefined) message.serverContent = readServerContent(content)
  const toolCall = r.optionalObject('toolCall')
  if (toolCall !== undefined) {
    message.toolCalls = (toolCall.optionalObjects('functionCalls') ?? []).map((call) => ({
      ...optional('id', call.optionalString('id')),
      name: call.string('name'),
      args: call.has('args') ? call.object('args').value : {},
    }))
  }
  const cancellation = r.optionalObject('toolCallCancellation')
  if (cancellation !== undefined)
    message.toolCallCancellation = cancellation.has('ids') ? cancellation.strings('ids') : []
  const goAway = r.optionalObject('goAway')
  if (goAway !== undefined) {
    const timeLeft = goAway.value.timeLeft
    const ms = timeLeft === undefined ? 0 : parseDurationMs(timeLeft)
    if (ms === undefined)
      throw new WireShapeError('goAway.timeLeft', 'a protobuf duration like "10s"', timeLeft)
    message.goAwayMs = ms
  }
  const resumption = r.optionalObject('sessionResumptionUpdate')
  if (resumption !== undefined) {
    message.resumption = {
      resumable: resumption.optionalBoolean('resumable') ?? false,
      ...optional('newHandle', resumption.optionalString('newHandle')),
      ...optional(
        'lastConsumedClientMessageIndex',
        readInt64(resumption, 'lastConsumedClientMessageIndex'),
      ),
    }
  }
  const usage = r.optionalObject('usageMetadata')
  if (usage !== undefined) message.usage = readUsage(usage)
  const activity = r.optionalObject('voiceActivity')?.optionalString('voiceActivityType')
  if (activity === 'ACTIVITY_START') message.voiceActivity = 'start'
  else if (activity === 'ACTIVITY_END') message.voiceActivity = 'end'
  else if (activity !== undefined) message.other.push(['voiceActivity', frame.voiceActivity])
  for (const [key, value] of Object.entries(frame)) {
    if (MODELLED.has(key)) continue
    if (DOCUMENTED.has(key)) message.other.push([key, value])
    else message.unknown.push([key, value])
  }
  return message
}

/** `LiveServerMessage` fields that exist but that we pass through untranslated. */
const DOCUMENTED = new Set(['voiceActivityDetectionSignal'])

const CONTENT_MODELLED = new Set([
  'modelTurn',
  'inputTranscription',
  'outputTranscription',
  'interrupted',
  'generationComplete',
  'turnComplete',
])

function readServerContent(r: WireReader): GeminiServerContent {
  const content: GeminiServerContent = {
    parts: (r.optionalObject('modelTurn')?.optionalObjects('parts') ?? []).map(readPart),
    interrupted: r.optionalBoolean('interrupted') ?? false,
    generationComplete: r.optionalBoolean('generationComplete') ?? false,
    turnComplete: r.optionalBoolean('turnComplete') ?? false,
    other: [],
  }
  // Vertex sends empty `{"outputTranscription":{}}` messages: no text, nothing to report.
  const input = r.optionalObject('inputTranscription')?.optionalString('text')
  if (input !== undefined) content.inputTranscription = input
  const output = r.optionalObject('outputTranscription')?.optionalString('text')
  if (output !== undefined) content.outputTranscription = output
  for (const [key, value] of Object.entries(r.value)) {
    if (!CONTENT_MODELLED.has(key) && value !== undefined) content.other.push([key, value])
  }
  return content
}

function readPart(part: WireReader): GeminiPart {
  if (part.has('text')) {
    return {
      kind: 'text',
      text: part.string('text'),
      thought: part.optionalBoolean('thought') ?? false,
    }
  }
  const inline = part.optionalObject('inlineData')
  if (inline !== undefined) {
    const mimeType = inline.optionalString('mimeType') ?? 'audio/pcm'
    if (mimeType.startsWith('audio/')) {
      return {
        kind: 'audio',
        bytes: decodeBase64(inline.string('data')),
        mimeType,
        sampleRate: sampleRateOf(mimeType),
      }
    }
  }
  const key = Object.keys(part.value)[0] ?? 'empty'
  return { kind: 'other', key, value: part.value }
}

/**
 * An int64 field, kept as its decimal string: proto3 JSON writes int64 as a string (which may
 * exceed `Number.MAX_SAFE_INTEGER`) and allows a plain integer, so both are read.
 */
function readInt64(r: WireReader, key: string): string | undefined {
  if (!r.has(key)) return undefined
  const value = r.value[key]
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return value
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
  throw new WireShapeError(`${r.path}.${key}`, 'an int64 (decimal string or integer)', value)
}

/** `audio/pcm;rate=24000` → 24000; Vertex's bare `audio/pcm` is 24 kHz output. */
export function sampleRateOf(mimeType: string): number {
  const match = /rate=(\d+)/.exec(mimeType)
  return match === null ? 24000 : Number(match[1])
}

function readUsage(r: WireReader): Usage {
  const byModality = (key: string): Record<string, number> => {
    const totals: Record<string, number> = {}
    for (const detail of r.optionalObjects(key) ?? []) {
      const modality = detail.optionalString('modality') ?? 'UNSPECIFIED'
      // Vertex omits zero counts: `{"modality":"AUDIO"}` means 0.
      totals[modality] = (totals[modality] ?? 0) + (detail.optionalNumber('tokenCount') ?? 0)
    }
    return totals
  }
  const prompt = byModality('promptTokensDetails')
  const response = {
    ...byModality('responseTokensDetails'),
    ...byModality('candidatesTokensDetails'),
  }
  return {
    ...optional('inputTokens', r.optionalNumber('promptTokenCount')),
    ...optional(
      'outputTokens',
      r.optionalNumber('responseTokenCount') ?? r.optionalNumber('candidatesTokenCount'),
    ),
    ...optional('totalTokens', r.optionalNumber('totalTokenCount')),
    ...optional('cachedTokens', r.optionalNumber('cachedContentTokenCount')),
    ...optional('toolUsePromptTokens', r.optionalNumber('toolUsePromptTokenCount')),
    ...optional('thoughtsTokens', r.optionalNumber('thoughtsTokenCount')),
    ...optional('inputTextTokens', prompt.TEXT),
    ...optional('inputAudioTokens', prompt.AUDIO),
    ...optional('inputImageTokens', prompt.IMAGE),
    ...optional('outputTextTokens', response.TEXT),
    ...optional('outputAudioTokens', response.AUDIO),
  }
}
