// Public API of `adk-realtime/testing`: mock realtime server, scripted session, replay.

// --- scripted session (scripted-session.ts) ---
export {
  ScriptedModel,
  ScriptedSession,
  createScriptedModel,
  openAILikeCapabilities,
  geminiLikeCapabilities,
  serverEvents,
  createSimulatedAudio,
} from './scripted-session'
export type {
  ScriptedModelOptions,
  ScriptedConnect,
  ScriptedCall,
  ScriptedCallOf,
  ScriptStep,
  ScriptedSessionOptions,
  SimulatedAudio,
  SimulatedAudioOptions,
  SimulatedAudioCounts,
} from './scripted-session'

// --- replay harness (replay.ts) ---
export {
  startReplayServer,
  loadRecording,
  parseRecording,
  compareClientFrame,
  frameTypeOf,
} from './replay'
export type {
  ReplayServer,
  ReplayServerOptions,
  ReplayRequest,
  Recording,
  RecordingSource,
  RecordingStep,
  CompareOptions,
} from './replay'

// --- mock server (mock-server/) ---
export { createMockRealtimeServer } from './mock-server/server'
export type { MockRealtimeServer, MockConnectionHandle } from './mock-server/server'
export type { MockRealtimeServerOptions, Acceptor } from './mock-server/options'
export { createMockBrain, describeResult, describeFrame } from './mock-server/brain'
export type {
  MockBrain,
  MockBrainOptions,
  BrainContext,
  BrainMessage,
  BrainReply,
  BrainTiming,
  BrainTool,
  BrainToolCall,
  BrainIntent,
  Synthesize,
} from './mock-server/brain'
export {
  readVideoFrame,
  colorName,
  colorStats,
  hexColor,
  ImageError,
  DEFAULT_VIDEO_FRAME_LIMITS,
} from './mock-server/video/image'
export type { MockVideoFrame, ColorName, Rgb, VideoFrameLimits } from './mock-server/video/image'
export { createSpeechSynthesizer } from './mock-server/synth'
export type { SpeechSynthesizerOptions } from './mock-server/synth'
export type {
  MockFault,
  MockFaultPlan,
  MockCloseSpec,
  MockConnectionInfo,
} from './mock-server/faults'
export { MockServerLog } from './mock-server/log'
export type { MockFrame, MockConnectionRecord, MockProtocol } from './mock-server/log'
export type { MockClock } from './mock-server/clock'
export { runMockServerCli } from './mock-server/cli'
export type { MockServerCliOptions } from './mock-server/cli'

export {}
