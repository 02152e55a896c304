/**
 * Gemini Live (BidiGenerateContent) client wire types: the messages this library sends, in the
 * camelCase the JS SDK uses (the service also accepts snake_case; server output is camelCase).
 * Field names follow `@google/genai`'s `LiveClientSetup` / `LiveClientMessage`.
 */

/** The OpenAPI-subset schema of `functionDeclarations[].parameters` (types in upper case). */
export interface GeminiSchema {
  type?: 'STRING' | 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT' | 'NULL'
  format?: string
  title?: string
  description?: string
  nullable?: boolean
  enum?: string[]
  items?: GeminiSchema
  minItems?: string
  maxItems?: string
  properties?: Record<string, GeminiSchema>
  required?: string[]
  propertyOrdering?: string[]
  minProperties?: string
  maxProperties?: string
  minLength?: string
  maxLength?: string
  pattern?: string
  minimum?: number
  maximum?: number
  anyOf?: GeminiSchema[]
  default?: unknown
  example?: unknown
}

export interface GeminiFunctionDeclaration {
  name: string
  description?: string
  /** The OpenAPI-subset schema; used when the JSON Schema converts without loss. */
  parameters?: GeminiSchema
  /** Raw JSON Schema, for schemas the subset cannot express (`$ref`, `oneOf`, …). */
  parametersJsonSchema?: unknown
  behavior?: 'BLOCKING' | 'NON_BLOCKING'
}

export interface GeminiAutomaticActivityDetection {
  disabled?: boolean
  startOfSpeechSensitivity?: 'START_SENSITIVITY_HIGH' | 'START_SENSITIVITY_LOW'
  endOfSpeechSensitivity?: 'END_SENSITIVITY_HIGH' | 'END_SENSITIVITY_LOW'
  prefixPaddingMs?: number
  silenceDurationMs?: number
}

export interface GeminiRealtimeInputConfig {
  automaticActivityDetection?: GeminiAutomaticActivityDetection
  activityHandling?: 'START_OF_ACTIVITY_INTERRUPTS' | 'NO_INTERRUPTION'
}

export interface GeminiGenerationConfig {
  responseModalities?: Array<'TEXT' | 'AUDIO'>
  temperature?: number
  maxOutputTokens?: number
  speechConfig?: { voiceConfig?: { prebuiltVoiceConfig?: { voiceName?: string } } }
  enableAffectiveDialog?: boolean
}

export interface GeminiSetup {
  model: string
  generationConfig?: GeminiGenerationConfig
  systemInstruction?: { parts: Array<{ text: string }>; role?: string }
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>
  realtimeInputConfig?: GeminiRealtimeInputConfig
  /** `{}` enables it; newer models also take the spoken languages (BCP-47). */
  inputAudioTranscription?: { languageCodes?: string[] }
  outputAudioTranscription?: Record<string, never>
  sessionResumption?: { handle?: string; transparent?: boolean }
  /** int64 values travel as strings in proto3 JSON. */
  contextWindowCompression?: { triggerTokens?: string; slidingWindow: { targetTokens?: string } }
  proactivity?: { proactiveAudio?: boolean }
}

export interface GeminiBlob {
  data: string
  mimeType: string
}

export interface GeminiContent {
  role: 'user' | 'model'
  parts: Array<{ text: string }>
}

export type GeminiClientMessage =
  | { setup: GeminiSetup }
  | {
      realtimeInput:
        | { audio: GeminiBlob }
        | { video: GeminiBlob }
        | { text: string }
        | { audioStreamEnd: true }
        | { activityStart: Record<string, never> }
        | { activityEnd: Record<string, never> }
    }
  | { clientContent: { turns: GeminiContent[]; turnComplete: boolean } }
  | {
      toolResponse: {
        functionResponses: Array<{ id?: string; name: string; response: Record<string, unknown> }>
      }
    }
