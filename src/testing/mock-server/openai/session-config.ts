import { isRecord } from '../log'
import { openaiErrors, type OpenAIRequestError } from './errors'
import { s, validate, type Spec } from './validate'

/**
 * The GA session object: its defaults (as the recorded `session.created` shows them), the schema
 * `session.update` is checked against, and how an accepted update merges in. A rejected update
 * changes nothing — the service discards it whole.
 */
export type SessionObject = Record<string, unknown> & {
  type: 'realtime' | 'transcription'
  audio: { input: Record<string, unknown>; output: Record<string, unknown> }
}

const formatSpec = s.tagged({
  'audio/pcm': s.object({
    type: s.string,
    rate: s.number({ integer: true, min: 24000, max: 24000 }),
  }),
  'audio/pcmu': s.object({ type: s.string }),
  'audio/pcma': s.object({ type: s.string }),
})

const turnDetectionSpec = s.nullable(
  s.tagged({
    server_vad: s.object({
      type: s.string,
      threshold: s.number({ min: 0, max: 1 }),
      prefix_padding_ms: s.number({ integer: true, min: 0 }),
      silence_duration_ms: s.number({ integer: true, min: 0 }),
      idle_timeout_ms: s.nullable(s.number({ integer: true, min: 5000, max: 30000 })),
      create_response: s.boolean,
      interrupt_response: s.boolean,
    }),
    semantic_vad: s.object({
      type: s.string,
      eagerness: s.enum('low', 'medium', 'high', 'auto'),
      create_response: s.boolean,
      interrupt_response: s.boolean,
    }),
  }),
)

const inputSpec = s.object({
  format: formatSpec,
  noise_reduction: s.nullable(s.object({ type: s.enum('near_field', 'far_field') })),
  transcription: s.nullable(
    s.object({
      model: s.string,
      language: s.nullable(s.string),
      prompt: s.nullable(s.string),
      delay: s.enum('minimal', 'low', 'medium', 'high', 'xhigh'),
    }),
  ),
  turn_detection: turnDetectionSpec,
})

const outputSpec = s.object({
  format: formatSpec,
  voice: s.either(s.string, s.object({ id: s.string }, ['id'])),
  speed: s.number({ min: 0.25, max: 1.5 }),
})

const functionToolSpec = s.object(
  { type: s.string, name: s.string, description: s.string, parameters: s.any },
  ['name'],
)

/** `session` of a `realtime` session.update (GA `RealtimeSessionCreateRequest`). */
const realtimeSpec = s.object({
  type: s.string,
  model: s.string,
  instructions: s.string,
  output_modalities: s.array(s.enum('text', 'audio')),
  audio: s.object({ input: inputSpec, output: outputSpec }),
  tools: s.array(s.tagged({ function: functionToolSpec, mcp: s.object({}, [], true) })),
  tool_choice: s.either(
    s.enum('auto', 'none', 'required'),
    s.tagged({
      function: s.object({ type: s.string, name: s.string }, ['name']),
      mcp: s.object({}, [], true),
    }),
  ),
  max_output_tokens: s.either(s.number({ integer: true, min: 1, max: 4096 }), s.enum('inf')),
  tracing: s.nullable(
    s.either(
      s.enum('auto'),
      s.object({ workflow_name: s.string, group_id: s.string, metadata: s.any }),
    ),
  ),
  truncation: s.either(s.enum('auto', 'disabled'), s.object({}, [], true)),
  prompt: s.any,
  include: s.array(s.enum('item.input_audio_transcription.logprobs')),
  parallel_tool_calls: s.boolean,
  reasoning: s.object({ effort: s.enum('minimal', 'low', 'medium', 'high', 'xhigh') }),
})

const transcriptionSpec: Spec = s.object({
  type: s.string,
  audio: s.object({ input: inputSpec }),
  include: s.array(s.enum('item.input_audio_transcription.logprobs')),
})

export function defaultSession(options: {
  id: string
  model: string
  expiresAt: number
}): SessionObject {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id: options.id,
    model: options.model,
    output_modalities: ['audio'],
    instructions:
      'You are a helpful assistant served by the adk-realtime mock server. Keep your answers short.',
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    expires_at: options.expiresAt,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: null,
        noise_reduction: null,
        turn_detection: normalizeTurnDetection({ type: 'server_vad' }),
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1.0 },
    },
    include: null,
  }
}

/**
 * Checks a `session.update` payload like the service: `session.type` first, then every field.
 * Returns the error to report, or `undefined`.
 */
export function validateSessionUpdate(session: unknown): OpenAIRequestError | undefined {
  if (session === undefined) return openaiErrors.missing('session')
  if (!isRecord(session)) return openaiErrors.invalidType('session', 'an object', session)
  if (session.type === undefined) return openaiErrors.missing('session.type')
  if (session.type !== 'realtime' && session.type !== 'transcription') {
    return openaiErrors.invalidValue('session.type', session.type, ['realtime', 'transcription'])
  }
  const problem = validate(
    session,
    session.type === 'realtime' ? realtimeSpec : transcriptionSpec,
    'session',
  )
  if (problem) return problem
  const modalities = session.output_modalities
  if (Array.isArray(modalities) && modalities.length !== 1) {
    return openaiErrors.invalidValue('session.output_modalities', JSON.stringify(modalities), [
      '["text"]',
      '["audio"]',
    ])
  }
  return undefined
}

/** Merges a validated update into a copy of the session. Nested audio settings merge by field. */
export function mergeSession(
  current: SessionObject,
  update: Record<string, unknown>,
): SessionObject {
  const next = structuredClone(current)
  for (const [key, value] of Object.entries(update)) {
    if (key === 'audio' && isRecord(value)) continue
    if (key === 'tools' && Array.isArray(value)) next.tools = value.map(normalizeTool)
    else next[key] = structuredClone(value)
  }
  const audio = update.audio
  if (isRecord(audio)) {
    const input = isRecord(audio.input) ? audio.input : {}
    const output = isRecord(audio.output) ? audio.output : {}
    for (const [key, value] of Object.entries(input)) {
      next.audio.input[key] =
        key === 'format'
          ? normalizeFormat(value)
          : key === 'turn_detection'
            ? normalizeTurnDetection(value)
            : key === 'transcription' && isRecord(value)
              ? { model: 'whisper-1', language: null, prompt: null, ...value }
              : structuredClone(value)
    }
    for (const [key, value] of Object.entries(output)) {
      next.audio.output[key] = key === 'format' ? normalizeFormat(value) : structuredClone(value)
    }
  }
  return next
}

function normalizeFormat(value: unknown): unknown {
  if (!isRecord(value)) return value
  return value.type === 'audio/pcm' ? { type: 'audio/pcm', rate: 24000 } : { type: value.type }
}

function normalizeTurnDetection(value: unknown): unknown {
  if (!isRecord(value)) return value
  if (value.type === 'semantic_vad') {
    return {
      type: 'semantic_vad',
      eagerness: 'auto',
      create_response: true,
      interrupt_response: true,
      ...value,
    }
  }
  return {
    type: 'server_vad',
    threshold: 0.5,
    prefix_padding_ms: 300,
    silence_duration_ms: 200,
    idle_timeout_ms: null,
    create_response: true,
    interrupt_response: true,
    ...value,
  }
}

function normalizeTool(tool: unknown): unknown {
  if (!isRecord(tool) || tool.type !== 'function') return structuredClone(tool)
  const normalized: Record<string, unknown> = { type: 'function', name: tool.name }
  if (tool.description !== undefined) normalized.description = tool.description
  if (tool.parameters !== undefined) normalized.parameters = structuredClone(tool.parameters)
  return normalized
}

/** A wire audio format: PCM16 at 24 kHz, or G.711 at 8 kHz. */
export interface AudioFormat {
  type: 'audio/pcm' | 'audio/pcmu' | 'audio/pcma'
  rate: number
}

export function formatOf(value: unknown): AudioFormat {
  const type = isRecord(value) ? value.type : undefined
  if (type === 'audio/pcmu' || type === 'audio/pcma') return { type, rate: 8000 }
  return { type: 'audio/pcm', rate: 24000 }
}

export interface TurnDetection {
  threshold: number
  prefixPaddingMs: number
  silenceDurationMs: number
  createResponse: boolean
  interruptResponse: boolean
}

/** The VAD settings of a session, or `null` when the app commits turns itself. */
export function turnDetectionOf(session: SessionObject): TurnDetection | null {
  const detection = session.audio.input.turn_detection
  if (!isRecord(detection)) return null
  const semantic = detection.type === 'semantic_vad'
  // Semantic VAD waits longer the less eager it is; an energy VAD can only vary the silence.
  const eagerSilence: Record<string, number> = { high: 200, medium: 500, auto: 500, low: 1000 }
  return {
    threshold: semantic ? 0.5 : Number(detection.threshold ?? 0.5),
    prefixPaddingMs: semantic ? 300 : Number(detection.prefix_padding_ms ?? 300),
    silenceDurationMs: semantic
      ? (eagerSilence[String(detection.eagerness)] ?? 500)
      : Number(detection.silence_duration_ms ?? 200),
    createResponse: detection.create_response !== false,
    interruptResponse: detection.interrupt_response !== false,
  }
}
