// zod/mini, not classic zod: classic schemas carry every method on every instance, so a bundler
// cannot drop any of them (~40 KB gzip of a browser bundle). Mini schemas are plain functions
// and checks, tree-shaken to what the config uses. Apps still write their tool schemas with
// classic zod: both share zod's core, so a classic schema is recognised, converted and parsed.
import * as z from 'zod/mini'
// Functions from zod's core by name: reading `z.core` at run time keeps zod's whole `core`
// namespace, all its locales included (~400 kB), in a browser bundle.
// zod's core `safeParse`: the schemas are zod/mini ones, and the core's parser leaves classic
// zod (even its error class) out of a browser bundle. `cause` is a `$ZodError` with the issues.
import { $ZodType, safeParse } from 'zod/v4/core'
import type { $ZodIssue } from 'zod/v4/core'
import { configIssueMessage } from './config-messages'
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
  silenceDurationMs: z.optional(z.number().check(z.int(), z.gte(0), z.lte(10_000))),
  /** Activation threshold, 0 (most sensitive) to 1. */
  threshold: z.optional(z.number().check(z.gte(0), z.lte(1))),
  /** Audio kept before detected speech. */
  prefixPaddingMs: z.optional(z.number().check(z.int(), z.gte(0), z.lte(10_000))),
  /** Whether user speech interrupts a response in progress (Gemini `activityHandling`). */
  interruptResponse: z.optional(z.boolean()),
  /** Whether the server starts a response when a turn ends (OpenAI `create_response`). */
  createResponse: z.optional(z.boolean()),
  /** Semantic VAD eagerness (OpenAI). */
  eagerness: z.optional(z.enum(['low', 'medium', 'high', 'auto'])),
  /** OpenAI server VAD `idle_timeout_ms`. */
  idleTimeoutMs: z.optional(z.number().check(z.int(), z.gte(0))),
  /** Gemini `startOfSpeechSensitivity`. */
  startSensitivity: z.optional(z.enum(['high', 'low'])),
  /** Gemini `endOfSpeechSensitivity`. */
  endSensitivity: z.optional(z.enum(['high', 'low'])),
})
export type VadConfig = z.infer<typeof vadConfigSchema>

/** Tool names accepted by both providers. */
const toolNamePattern = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/

function isZodSchema(value: unknown): value is $ZodType {
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

/** A zod schema that can describe itself: classic zod's `schema.toJSONSchema()`. */
interface SelfDescribingSchema {
  toJSONSchema(params: { unrepresentable: 'any' }): Record<string, unknown>
}

/**
 * Converts a zod schema to the JSON Schema providers expect. `$schema` is dropped: OpenAI
 * accepts it but Gemini's `parametersJsonSchema` validator does not need it, and it is noise.
 *
 * The schema converts itself, so zod's JSON Schema generator is the one classic zod already
 * brings into the app (~7 KB gzip that the core would otherwise carry a second copy of). A
 * `zod/mini` schema has no such method: it is refused with a clear error, and the app passes
 * `toJSONSchema(schema)` from `zod/mini` instead.
 */
export function toolParametersToJsonSchema(schema: $ZodType): JsonSchema {
  const convert = (schema as Partial<SelfDescribingSchema>).toJSONSchema
  if (typeof convert !== 'function') {
    throw new RealtimeError(
      'invalid_config',
      'Tool parameters must be a classic zod schema (import { z } from "zod") or JSON Schema; ' +
        'a zod/mini schema cannot convert itself, so pass toJSONSchema(schema) from "zod/mini"',
      { path: 'parameters' },
    )
  }
  const converted = convert.call(schema, { unrepresentable: 'any' })
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

const toolParametersSchema = z.pipe(
  z.union([z.custom<$ZodType>(isZodSchema), jsonObjectSchema]),
  z.transform((value: $ZodType | JsonSchema, context): JsonSchema => {
    if (!isZodSchema(value)) return value
    try {
      return toolParametersToJsonSchema(value)
    } catch (error) {
      context.issues.push({
        code: 'custom',
        message: error instanceof Error ? error.message : String(error),
        input: value,
      })
      return z.NEVER
    }
  }),
)

/** A function the model may call. `parameters` is JSON Schema or a zod object schema. */
export const toolDefinitionSchema = z.strictObject({
  name: z
    .string()
    .check(
      z.regex(
        toolNamePattern,
        'must be 1-64 letters, digits, "_", "." or "-", starting with a letter or "_"',
      ),
    ),
  description: z.optional(z.string()),
  parameters: z.optional(toolParametersSchema),
  /** Gemini `behavior`: a non-blocking tool lets the model keep talking while it runs. */
  behavior: z.optional(z.enum(['blocking', 'non_blocking'])),
})
/** A tool as written by the app (parameters may be a zod schema). */
export type ToolDefinitionInput = z.input<typeof toolDefinitionSchema>
/** A tool after validation (parameters are JSON Schema). */
export type ToolDefinition = z.output<typeof toolDefinitionSchema>

export const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({ type: z.literal('function'), name: z.string().check(z.minLength(1)) }),
])
export type ToolChoice = z.infer<typeof toolChoiceSchema>

export const transcriptionConfigSchema = z.strictObject({
  /** e.g. `gpt-4o-mini-transcribe`, `whisper-1` (OpenAI). Gemini picks its own. */
  model: z.optional(z.string().check(z.minLength(1))),
  /** ISO-639-1 hint. */
  language: z.optional(z.string().check(z.minLength(2))),
  prompt: z.optional(z.string()),
})
export type TranscriptionConfig = z.infer<typeof transcriptionConfigSchema>

export const contextWindowCompressionSchema = z.strictObject({
  triggerTokens: z.optional(z.number().check(z.int(), z.positive())),
  slidingWindow: z.optional(
    z.strictObject({ targetTokens: z.optional(z.number().check(z.int(), z.positive())) }),
  ),
})
export type ContextWindowCompression = z.infer<typeof contextWindowCompressionSchema>

export const sessionResumptionSchema = z.strictObject({
  /** A resumable handle from the provider; absent on a fresh session. */
  handle: z.optional(z.string().check(z.minLength(1))),
  /** Vertex only: the server reports which client messages it consumed. */
  transparent: z.optional(z.boolean()),
})
export type SessionResumptionConfig = z.infer<typeof sessionResumptionSchema>

const configShape = {
  model: z.optional(z.string().check(z.minLength(1))),
  /** System instructions (the crate's `instruction`). */
  instruction: z.optional(z.string()),
  voice: z.optional(z.string().check(z.minLength(1))),
  /** Output modalities. OpenAI GA allows one of them; Gemini native audio allows one. */
  modalities: z.optional(z.array(z.enum(['text', 'audio'])).check(z.minLength(1))),
  inputAudioFormat: z.optional(audioEncodingSchema),
  outputAudioFormat: z.optional(audioEncodingSchema),
  turnDetection: z.optional(vadConfigSchema),
  tools: z.optional(z.array(toolDefinitionSchema)),
  toolChoice: z.optional(toolChoiceSchema),
  /** Transcribe the user's speech. `{}` uses the provider's default model. */
  inputAudioTranscription: z.optional(transcriptionConfigSchema),
  /** Transcribe the model's speech (Gemini; OpenAI always sends transcripts with audio). */
  outputAudioTranscription: z.optional(z.boolean()),
  temperature: z.optional(z.number().check(z.gte(0), z.lte(2))),
  /** The crate's `max_response_output_tokens`; `'inf'` means no limit (OpenAI). */
  maxOutputTokens: z.optional(z.union([z.number().check(z.int(), z.positive()), z.literal('inf')])),
  /** Gemini cached content resource name. */
  cachedContent: z.optional(z.string().check(z.minLength(1))),
  /**
   * `automatic`: on user speech while the agent is audible, playback stops locally at once and
   * the provider is told how much was heard. `manual`: the app calls `interrupt()`.
   */
  interruptionDetection: z.optional(z.enum(['manual', 'automatic'])),
  /** OpenAI `audio.input.noise_reduction`. */
  noiseReduction: z.optional(z.enum(['near_field', 'far_field', 'none'])),
  /** OpenAI `audio.output.speed`. */
  speed: z.optional(z.number().check(z.gte(0.25), z.lte(1.5))),
  /** Gemini `enableAffectiveDialog`. */
  affectiveDialog: z.optional(z.boolean()),
  /** Gemini `proactivity`. */
  proactivity: z.optional(z.strictObject({ proactiveAudio: z.optional(z.boolean()) })),
  /** Gemini `contextWindowCompression` (lifts the 15-minute audio session cap). */
  contextWindowCompression: z.optional(contextWindowCompressionSchema),
  /** Gemini `sessionResumption`. The runner keeps `handle` current; apps rarely set it. */
  sessionResumption: z.optional(sessionResumptionSchema),
  /** Provider-specific fields merged into the provider's setup/session payload as-is. */
  extra: z.optional(z.record(z.string(), z.unknown())),
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

function describeIssue(issue: $ZodIssue): { path: string; message: string } {
  const base = formatIssuePath(issue.path)
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? ''
    const path = base === '' ? key : `${base}.${key}`
    return { path, message: `unknown field "${path}"` }
  }
  return { path: base, message: issue.message }
}

function parseWith<TSchema extends $ZodType>(
  schema: TSchema,
  input: unknown,
  what: string,
): z.output<TSchema> {
  const result = safeParse(schema, input, { error: configIssueMessage })
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
