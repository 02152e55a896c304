/**
 * The pure Gemini Live protocol mapping, in one import: config → `setup`, JSON Schema → Gemini
 * schema, unified client events → Live messages, server frames → validated messages → unified
 * events, endpoints, and close reasons → typed errors. Nothing here touches a socket.
 */
export { toGeminiSetup } from './protocol-setup'
export type { GeminiSetupOptions } from './protocol-setup'
export { toGeminiSchema, geminiParameters } from './schema'
export { toGeminiClientMessages } from './protocol-client'
export type {
  GeminiClientContext,
  GeminiMappableClientEvent,
  GeminiTextInput,
} from './protocol-client'
export {
  decodeGeminiFrame,
  geminiFrameType,
  readGeminiMessage,
  sampleRateOf,
} from './protocol-server'
export type { GeminiPart, GeminiServerContent, GeminiServerMessage } from './protocol-server'
export { GeminiTurnTracker } from './turn-tracker'
export { geminiEndpoint, geminiModelPath, isEphemeralToken } from './endpoint'
export type { GeminiEndpointOptions, GeminiVertexOptions } from './endpoint'
export { describeGeminiClose, parseDurationMs } from './protocol-errors'
