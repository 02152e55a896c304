// The OpenAI provider's public surface (re-exported by name from src/core/index.ts).
export { OpenAIRealtimeModel } from './model'
export type { OpenAIRealtimeModelOptions } from './model'
export { OpenAIRealtimeSession } from './session'
export { OpenAIWebRTCModel } from './webrtc-model'
export type { OpenAIWebRTCModelOptions } from './webrtc-model'
export { OpenAIWebRTCSession } from './webrtc-session'
export type { WebRTCMicrophone } from './webrtc-media'
export type { PeerConnectionFactory, FetchLike } from './webrtc-env'
export { OPENAI_VOICES, OPENAI_DEFAULT_MODEL, openAICapabilities } from './capabilities'
export {
  toOpenAISessionConfig,
  toOpenAISessionDelta,
  toOpenAIClientEvent,
  parseOpenAIServerFrame,
  openAIErrorFromEvent,
  describeOpenAIClose,
} from './protocol'
export type { OpenAISessionConfig, OpenAIClientEvent } from './wire-types'
