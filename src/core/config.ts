import * as z from 'zod'
// The class, not `z.core.$ZodType`: reading `z.core` at run time keeps zod's whole `core`
// namespace, all its locales included (~400 kB), in a browser bundle.
import { $ZodType } from 'zod/v4/core'
import { RealtimeError } from './errors'

/**
 * Session configuration, provider-neutral. Covers every field of the Rust crate's
 * `RealtimeConfig` (model … extra) plus what OpenAI GA and Gemini Live need today. Providers map
 * it to their wire shape; fields a provider cannot express are ignored by that provider and
 * documented there.
 *
 * Objects are strict: a misspelt key is an error naming its path, never silently dropped.
 * Anything provider-specific that is not modelled goes through `extra`.
 */

/** Wire encoding of audio. G.711 is 8 kHz, one byte per sample. */
export const audioEncodingSchema = z.enum(['pcm16', 'g711_ulaw', 'g711_alaw'])
export type AudioEncoding = z.infer<typeof audioEncodingSchema>

/**
 * Turn detection. `server_vad` is energy/threshold based, `semantic_vad` lets the model decide
 * when the user is done (OpenAI), `none` means the app commits turns itself.
 */
export const vadConfigSchema = z.strictObject({
  mode: z.enum(['server_vad', 'semantic_vad', 'none']),
  /** Silence that ends a turn. */
  silenceDurationMs: z.number().int().min(0).max(10_000).optional(),
  /** Activation threshold, 0 (most sensitive) to 1. */
  threshold: z.number().min(0).max(1).optional(),
  /** Audio kept before detected speech. */
  prefixPaddingMs: z.number().int().min(0).max(10_000).optional(),
  /** Whether user speech interrupts a response in progress (Gemini `activityHandling`). */
  interruptResponse: z.boolean().optional(),
  /** Whether the server starts a response when a turn ends (OpenAI `create_response`). */
  createResponse: z.boolean().optional(),
  /** Semantic VAD eagerness (OpenAI). */
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  /** OpenAI server VAD `idle_timeout_ms`. */
  idleTimeoutMs: z.number().int().min(0).optional(),
  /** Gemini `startOfSpeechSensitivity`. */
  startSensitivity: z.enum(['high', 'low']).optional(),
  /** Gemini `endOfSpeechSensitivity`. */
  endSensitivity: z.enum(['high', 'low']).optional(),
})
export type VadConfig = z.infer<typeof vadConfigSchema>

/** Tool names accepted by both providers. */
const toolNamePattern = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/

function isZodSchema(value: unknown): value is z.core.$ZodType {
  return value instanceof $ZodType
}

/** A JSON Schema for a function's parameters: an object schema, as both providers require. */
export type JsonSchema = { type: 'object'; [key: string]: unknown }

const jsonObjectSchema = z.custom<JsonSchema>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (value as { type?: unknown }).type === 'object',
  { message: 'must be a JSON Schema with type "object" or a zod object schema' },
)

/**
 * Converts a zod schema to the JSON Schema providers expect. `$schema` is dropped: OpenAI
 * accepts it but Gemini's `parametersJsonSchema` validator does not need it, and it is noise.
 */
export function toolParametersToJsonSchema(schema: z.core.$ZodType): JsonSchema {
  const converted = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>
  const { $schema: _dropped, ...rest } = converted
  if (rest.type !== 'object') {
    throw new RealtimeError(
      'invalid_config',
      'Tool parameters must be a zod object schema (z.object({...})), because providers pass arguments as an object',
      { path: 'parameters' },
    )
  }
  return rest as JsonSchema
}

const toolParametersSchema = z
  .union([z.custom<z.core.$ZodType>(isZodSchema), jsonObjectSchema])
  .transform((value, context): JsonSchema => {
    if (!isZodSchema(value)) return value
    try {
      return toolParametersToJsonSchema(value)
    } catch (error) {
      context.addIssue({
        code: 'custom',
        message: error instanceof Error ? error.message : String(error),
      })
      return z.NEVER
    }
  })

/** A function the model may call. `parameters` is JSON Schema or a zod object schema. */
export const toolDefinitionSchema = z.strictObject({
  name: z
    .string()
    .regex(
      toolNamePattern,
      'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or "_"',
    ),
  description: z.string().optional(),
  parameters: toolParametersSchema.optional(),
  /** Gemini `behavior`: a non-blocking tool lets the model keep talking while it runs. */
  behavior: z.enum(['blocking', 'non_blocking']).optional(),
})
/** A tool as written by the app (parameters may be a zod schema). */
export type ToolDefinitionInput = z.input<typeof toolDefinitionSchema>
/** A tool after validation (parameters are JSON Schema). */
export type ToolDefinition = z.output<typeof toolDefinitionSchema>

export const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({ type: z.literal('function'), name: z.string().min(1) }),
])
export type ToolChoice = z.infer<typeof toolChoiceSchema>

export const transcriptionConfigSchema = z.strictObject({
  /** e.g. `gpt-4o-mini-transcribe`, `whisper-1` (OpenAI). Gemini picks its own. */
  model: z.string().min(1).optional(),
  /** ISO-639-1 hint. */
  language: z.string().min(2).optional(),
  prompt: z.string().optional(),
})
export type TranscriptionConfig = z.infer<typeof transcriptionConfigSchema>

export const contextWindowCompressionSchema = z.strictObject({
  triggerTokens: z.number().int().positive().optional(),
  slidingWindow: z
    .strictObject({ targetTokens: z.number().int().positive().optional() })
    .optional(),
})
export type ContextWindowCompression = z.infer<typeof contextWindowCompressionSchema>

export const sessionResumptionSchema = z.strictObject({
  /** A resumable handle from the provider; absent on a fresh session. */
  handle: z.string().min(1).optional(),
  /** Vertex only: the server reports which client messages it consumed. */
  transparent: z.boolean().optional(),
})
export type SessionResumptionConfig = z.infer<typeof sessionResumptionSchema>

const configShape = {
  model: z.string().min(1).optional(),
  /** System instructions (the crate's `instruction`). */
  instruction: z.string().optional(),
  voice: z.string().min(1).optional(),
  /** Output modalities. OpenAI GA allows one of them; Gemini native audio allows one. */
  modalities: z
    .array(z.enum(['text', 'audio']))
    .min(1)
    .optional(),
  inputAudioFormat: audioEncodingSchema.optional(),
  outputAudioFormat: audioEncodingSchema.optional(),
  turnDetection: vadConfigSchema.optional(),
  tools: z.array(toolDefinitionSchema).optional(),
  toolChoice: toolChoiceSchema.optional(),
  /** Transcribe the user's speech. `{}` uses the provider's default model. */
  inputAudioTranscription: transcriptionConfigSchema.optional(),
  /** Transcribe the model's speech (Gemini; OpenAI always sends transcripts with audio). */
  outputAudioTranscription: z.boolean().optional(),
  temperature: z.number().min(0).max(2).optional(),
  /** The crate's `max_response_output_tokens`; `'inf'` means no limit (OpenAI). */
  maxOutputTokens: z.union([z.number().int().positive(), z.literal('inf')]).optional(),
  /** Gemini cached content resource name. */
  cachedContent: z.string().min(1).optional(),
  /**
   * `automatic`: on user speech while the agent is audible, playback stops locally at once and
   * the provider is told how much was heard. `manual`: the app calls `interrupt()`.
   */
  interruptionDetection: z.enum(['manual', 'automatic']).optional(),
  /** OpenAI `audio.input.noise_reduction`. */
  noiseReduction: z.enum(['near_field', 'far_field', 'none']).optional(),
  /** OpenAI `audio.output.speed`. */
  speed: z.number().min(0.25).max(1.5).optional(),
  /** Gemini `enableAffectiveDialog`. */
  affectiveDialog: z.boolean().optional(),
  /** Gemini `proactivity`. */
  proactivity: z.strictObject({ proactiveAudio: z.boolean().optional() }).optional(),
  /** Gemini `contextWindowCompression` (lifts the 15-minute audio session cap). */
  contextWindowCompression: contextWindowCompressionSchema.optional(),
  /** Gemini `sessionResumption`. The runner keeps `handle` current; apps rarely set it. */
  sessionResumption: sessionResumptionSchema.optional(),
  /** Provider-specific fields merged into the provider's setup/session payload as-is. */
  extra: z.record(z.string(), z.unknown()).optional(),
}

export const realtimeConfigSchema = z.strictObject(configShape)
/** What an app may write (zod tool schemas allowed). */
export type RealtimeConfigInput = z.input<typeof realtimeConfigSchema>
/** A validated config (tool parameters are JSON Schema). */
export type RealtimeConfig = z.output<typeof realtimeConfigSchema>

/**
 * A sparse delta of `RealtimeConfig` for `updateSession`: fields present replace the current
 * value, fields absent keep it. Same schema as the config: every field is optional.
 */
export const sessionUpdateSchema = realtimeConfigSchema
export type SessionUpdateInput = RealtimeConfigInput
export type SessionUpdate = RealtimeConfig

/** Formats a zod issue path the way a developer writes it: `tools[0].name`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let text = ''
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`
    else text += text === '' ? String(segment) : `.${String(segment)}`
  }
  return text
}

function describeIssue(issue: z.core.$ZodIssue): { path: string; message: string } {
  const base = formatIssuePath(issue.path)
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? ''
    const path = base === '' ? key : `${base}.${key}`
    return { path, message: `unknown field "${path}"` }
  }
  return { path: base, message: issue.message }
}

function parseWith<TSchema extends z.ZodType>(
  schema: TSchema,
  input: unknown,
  what: string,
): z.output<TSchema> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const [first, ...others] = result.error.issues.map(describeIssue)
  const path = first?.path ?? ''
  const more = others.length > 0 ? ` (and ${others.length} more)` : ''
  throw new RealtimeError(
    'invalid_config',
    `Invalid ${what}: ${path === '' ? '' : `${path}: `}${first?.message ?? 'invalid value'}${more}`,
    { path, cause: result.error },
  )
}

/**
 * Validates a config and converts zod tool schemas to JSON Schema.
 * Throws `RealtimeError` with code `invalid_config` and the first failing field's `path`.
 *
 * @example
 * const config = parseRealtimeConfig({
 *   instruction: 'You are a helpful assistant.',
 *   voice: 'marin',
 *   turnDetection: { mode: 'server_vad', silenceDurationMs: 500 },
 *   tools: [{ name: 'get_weather', parameters: z.object({ city: z.string() }) }],
 * })
 */
export function parseRealtimeConfig(input: unknown): RealtimeConfig {
  return parseWith(realtimeConfigSchema, input, 'realtime config')
}

/** Validates a sparse session update the same way as a full config. */
export function parseSessionUpdate(input: unknown): SessionUpdate {
  return parseWith(sessionUpdateSchema, input, 'session update')
}

/** Validates one tool definition. */
export function parseToolDefinition(input: unknown): ToolDefinition {
  return parseWith(toolDefinitionSchema, input, 'tool definition')
}
