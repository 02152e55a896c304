// Public API of `adk-realtime/testing`: mock realtime server, scripted session, replay.

// --- scripted session (scripted-session.ts) ---
export {
  ScriptedModel,
  ScriptedSession,
  createScriptedModel,
  openAILikeCapabilities,
  geminiLikeCapabilities,
  serverEvents,
} from './scripted-session'
export type {
  ScriptedModelOptions,
  ScriptedConnect,
  ScriptedCall,
  ScriptedCallOf,
  ScriptStep,
  ScriptedSessionOptions,
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

export {}
