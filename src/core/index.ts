// Public API of `adk-realtime`. Named exports only: every export is listed here on purpose.

export { RealtimeError, isRealtimeError, isCancellation, defaultRetriable } from './errors'
export type { RealtimeErrorCode, RealtimeErrorOptions } from './errors'

export {
  audioEncodingSchema,
  vadConfigSchema,
  toolDefinitionSchema,
  toolChoiceSchema,
  transcriptionConfigSchema,
  contextWindowCompressionSchema,
  sessionResumptionSchema,
  realtimeConfigSchema,
  sessionUpdateSchema,
  parseRealtimeConfig,
  parseSessionUpdate,
  parseToolDefinition,
  toolParametersToJsonSchema,
  formatIssuePath,
} from './config'
export type {
  AudioEncoding,
  VadConfig,
  JsonSchema,
  ToolDefinition,
  ToolDefinitionInput,
  ToolChoice,
  TranscriptionConfig,
  ContextWindowCompression,
  SessionResumptionConfig,
  RealtimeConfig,
  RealtimeConfigInput,
  SessionUpdate,
  SessionUpdateInput,
} from './config'
export { mergeSessionUpdate, withResumptionHandle } from './config-merge'

export type {
  ProviderName,
  Role,
  Usage,
  RateLimit,
  ResponseStatus,
  ServerEvent,
  ServerEventType,
  ServerEventOf,
  SessionReadyEvent,
  SessionUpdatedEvent,
  SpeechStartedEvent,
  SpeechStoppedEvent,
  InputCommittedEvent,
  InputClearedEvent,
  ItemKind,
  ItemAddedEvent,
  ItemTruncatedEvent,
  ItemDeletedEvent,
  ResponseStartedEvent,
  ResponseDoneEvent,
  AudioDeltaEvent,
  AudioDoneEvent,
  TextDeltaEvent,
  TextDoneEvent,
  TranscriptDeltaEvent,
  TranscriptDoneEvent,
  InputTranscriptDeltaEvent,
  InputTranscriptDoneEvent,
  InputTranscriptFailedEvent,
  ToolArgumentsDeltaEvent,
  ToolCallEvent,
  ToolCancelledEvent,
  InterruptedEvent,
  ResumptionUpdateEvent,
  GoAwayEvent,
  UsageEvent,
  RateLimitsEvent,
  OutputAudioEvent,
  ErrorEvent,
  RawEvent,
  ToolResult,
  ResponseOptions,
  SeedItem,
  ClientEvent,
  ClientEventType,
} from './events'

export type {
  TransportKind,
  ProviderCapabilities,
  ConnectOptions,
  RealtimeModel,
  ContextMutationOutcome,
  DisconnectReason,
  ServerEventListener,
  RealtimeSession,
} from './session'

export { EventStream } from './event-stream'

// --- audio DSP (src/core/audio) ---
export {
  PCM16_SCALE,
  floatToPcm16,
  pcm16ToFloat,
  pcm16ToBytes,
  bytesToPcm16,
  floatToPcm16Bytes,
  pcm16BytesToFloat,
  pcm16DurationMs,
} from './audio/pcm'
export { encodeBase64, decodeBase64 } from './audio/base64'
export { Resampler } from './audio/resample'
export type { ResamplerOptions } from './audio/resample'
export {
  linearToMuLaw,
  muLawToLinear,
  linearToALaw,
  aLawToLinear,
  encodeMuLaw,
  decodeMuLaw,
  encodeALaw,
  decodeALaw,
} from './audio/g711'
export { rmsLevel, peakLevel, toDbfs, rmsDbfs, DEFAULT_DBFS_FLOOR } from './audio/level'
export { FrameChunker } from './audio/chunker'
export type {
  SampleFormat,
  SampleArray,
  OwnedSampleArray,
  FrameChunkerOptions,
} from './audio/chunker'

// --- runner, agent, transcript, store (src/core/runner, agent.ts, transcript.ts, store.ts) ---

// --- transport and providers (src/core/transport, src/core/providers) ---
