// The Gemini provider's public surface (re-exported by name from src/core/index.ts).
export { GeminiRealtimeModel } from './model'
export type { GeminiRealtimeModelOptions } from './model'
export { GeminiRealtimeSession } from './session'
export { GEMINI_VOICES, GEMINI_DEFAULT_MODEL, GEMINI_CAPABILITIES } from './capabilities'
export {
  toGeminiSetup,
  toGeminiSchema,
  toGeminiClientMessages,
  readGeminiMessage,
  GeminiTurnTracker,
  geminiEndpoint,
  geminiModelPath,
  describeGeminiClose,
  parseDurationMs,
} from './protocol'
export type { GeminiVertexOptions, GeminiTextInput } from './protocol'
export type { GeminiSetup, GeminiClientMessage } from './wire-types'
