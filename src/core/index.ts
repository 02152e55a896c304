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
  VideoMimeType,
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
  VideoCapabilities,
  VideoFrameOptions,
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

// --- browser audio engine (src/core/audio) ---
export { createBrowserAudio } from './audio/browser-audio'
export type {
  BrowserAudio,
  BrowserAudioOptions,
  BrowserAudioRunner,
  BrowserAudioSnapshot,
  BrowserAudioStatus,
} from './audio/browser-audio'
export { MicrophoneCapture } from './audio/microphone'
export type {
  MicrophoneCaptureOptions,
  MicrophoneSnapshot,
  MicrophoneStatus,
} from './audio/microphone'
export { listMicrophones, microphoneConstraints } from './audio/microphone-devices'

// --- video in (src/core/video): camera and screen frames ---
export { VideoCapture } from './video/video-capture'
export type { VideoCaptureOptions, VideoCaptureSnapshot } from './video/video-capture'
export { createFrameGrabber } from './video/frame-grabber'
export type { FrameGrabber, FrameGrabberFactory } from './video/frame-grabber'
export { createFrameEncoder } from './video/frame-encoder'
export type { FrameEncoder, FrameEncoderKind, EncodeOptions } from './video/frame-encoder'
export { FrameTicker } from './video/frame-ticker'
export { cameraConstraints, listCameras, fitWithin } from './video/video-devices'
export type { VideoStreamFactory } from './video/video-devices'
export { videoError } from './video/video-errors'
export { AudioPlayer } from './audio/player'
export type { AudioPlayerOptions, InterruptReport, ItemPlayback } from './audio/player'
export { SharedAudioContext } from './audio/shared-audio-context'
export type { SharedAudioContextOptions } from './audio/shared-audio-context'
export { CaptureFramer } from './audio/capture-framer'
export type { CaptureFramerOptions, CapturedFrame } from './audio/capture-framer'
export { loadAudioWorklet } from './audio/worklet-module'
export { audioWorkletSource } from './audio/worklets/source.generated'

// --- runner, agent, transcript, store (src/core/runner, agent.ts, transcript.ts, store.ts) ---
export { RealtimeRunner } from './runner/runner'
export type { RunnerSessionUpdate } from './runner/engine'
export type {
  ConnectionStatus,
  ConnectionStatusEvent,
  DisconnectedEvent,
  PlaybackInterruptedEvent,
  AgentChangedEvent,
  RunnerLifecycleEvent,
  RunnerEvent,
  RunnerEventHandlers,
  RealtimeRunnerOptions,
  RunnerSnapshot,
  UpdateSessionResult,
} from './runner/options'
export type {
  VideoInputState,
  VideoInputStatus,
  VideoSourceKind,
  VideoSourceLink,
  VideoAttachment,
  VideoFrameSink,
} from './runner/video'
export { transition, defaultTransitionOptions } from './runner/transition'
export type { TransitionOptions } from './runner/transition'
export { idleState, quietActivity, activityOf, pendingOf, isQuiet } from './runner/state'
export type {
  ResumptionReason,
  PendingResumption,
  Activity,
  RunnerState,
  RunnerStatus,
  RunnerMachineEvent,
  RunnerEffect,
  TransitionResult,
} from './runner/state'
export { defaultReconnectPolicy, backoffDelay } from './runner/backoff'
export type { ReconnectPolicy } from './runner/backoff'
export { defaultScheduler } from './runner/scheduler'
export type { Scheduler, TimerHandle } from './runner/scheduler'
export { defineTool, parseToolArguments, toolErrorOutput } from './runner/tools'
export type {
  RealtimeTool,
  ToolCallContext,
  ToolInput,
  ToolArgumentIssue,
  ParsedArguments,
} from './runner/tools'
export type {
  ToolCallInfo,
  BeforeToolCallback,
  BeforeToolCallResult,
  AfterToolCallback,
  AfterToolCallResult,
  ToolOutcome,
  ToolOutcomeStatus,
} from './runner/tool-executor'
export type { ToolResponseInput } from './runner/tool-calls'
export type {
  PlaybackController,
  PlaybackInterruption,
  InterruptionResult,
} from './runner/interruption'
export type {
  PlaybackChangeEvent,
  PlaybackStartedEvent,
  PlaybackStoppedEvent,
  PlaybackSource,
} from './runner/playback-state'
export { RealtimeAgent } from './agent'
export type { RealtimeAgentOptions, AgentContext, ResolvedAgent } from './agent'
export { reduceTranscript, emptyTranscript, transcriptToSeedItems } from './transcript'
export type {
  ConversationItem,
  MessageItem,
  MessageStatus,
  ToolCallItem,
  ToolCallStatus,
  ToolStartedEvent,
  ToolFinishedEvent,
  TranscriptEvent,
  TranscriptState,
} from './transcript'
export { createRealtimeStore } from './store'
export type {
  AgentState,
  LatencyMetrics,
  RealtimeStore,
  RealtimeStoreOptions,
  RealtimeStoreSource,
  RealtimeStoreState,
} from './store'

// --- transport and providers (src/core/transport, src/core/providers) ---
export {
  openWebSocketTransport,
  WebSocketTransport,
  DEFAULT_MAX_INBOUND_FRAME_BYTES,
  defaultWebSocketFactory,
  isNodeRuntime,
} from './transport'
export type {
  WebSocketLike,
  WebSocketFactory,
  WebSocketRequest,
  WebSocketTransportOptions,
  TransportEvent,
} from './transport'
export {
  OpenAIRealtimeModel,
  OpenAIRealtimeSession,
  OpenAIWebRTCModel,
  OpenAIWebRTCSession,
  OPENAI_VOICES,
  OPENAI_DEFAULT_MODEL,
  openAICapabilities,
  toOpenAISessionConfig,
  toOpenAISessionDelta,
  toOpenAIClientEvent,
  parseOpenAIServerFrame,
  openAIErrorFromEvent,
  describeOpenAIClose,
} from './providers/openai'
export type {
  OpenAIRealtimeModelOptions,
  OpenAIWebRTCModelOptions,
  WebRTCMicrophone,
  PeerConnectionFactory,
  FetchLike,
  OpenAISessionConfig,
  OpenAIClientEvent,
} from './providers/openai'
export {
  GeminiRealtimeModel,
  GeminiRealtimeSession,
  GEMINI_VOICES,
  GEMINI_DEFAULT_MODEL,
  GEMINI_CAPABILITIES,
  toGeminiSetup,
  toGeminiSchema,
  toGeminiClientMessages,
  readGeminiMessage,
  GeminiTurnTracker,
  geminiEndpoint,
  geminiModelPath,
  describeGeminiClose,
  parseDurationMs,
} from './providers/gemini'
export type {
  GeminiRealtimeModelOptions,
  GeminiVertexOptions,
  GeminiSetup,
  GeminiClientMessage,
  GeminiTextInput,
} from './providers/gemini'
