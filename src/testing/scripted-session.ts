// The scripted session: an in-memory provider for tests and Storybook (no sockets, no Node APIs).
export { ScriptedModel, createScriptedModel } from './scripted/model'
export type { ScriptedModelOptions, ScriptedConnect } from './scripted/model'
export { ScriptedSession } from './scripted/session'
export type {
  ScriptedCall,
  ScriptedCallOf,
  ScriptStep,
  ScriptedSessionOptions,
} from './scripted/session'
export { openAILikeCapabilities, geminiLikeCapabilities } from './scripted/capabilities'
export { serverEvents } from './scripted/events'
// Simulated audio for the React layer (levels that move with the scripted conversation).
export { createSimulatedAudio } from './simulated-audio'
export type { SimulatedAudio, SimulatedAudioOptions, SimulatedAudioCounts } from './simulated-audio'
