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
