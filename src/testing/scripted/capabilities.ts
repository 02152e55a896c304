import type { ProviderCapabilities } from '../../core/session'

/** Capabilities that behave like OpenAI Realtime: live config changes, truncation, no resume. */
export const openAILikeCapabilities: ProviderCapabilities = {
  liveContextMutation: true,
  inputSampleRate: 24_000,
  outputSampleRate: 24_000,
  voices: ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'],
  transports: ['websocket'],
  sessionResumption: false,
  responseAfterToolOutputs: true,
  truncation: true,
  video: { maxFramesPerSecond: 1 },
}

/** Capabilities that behave like Gemini Live: changes need a resumption, handles resume. */
export const geminiLikeCapabilities: ProviderCapabilities = {
  liveContextMutation: false,
  inputSampleRate: 16_000,
  outputSampleRate: 24_000,
  voices: ['Puck', 'Charon', 'Kore', 'Fenrir', 'Aoede'],
  transports: ['websocket'],
  sessionResumption: true,
  responseAfterToolOutputs: false,
  truncation: false,
  video: { maxFramesPerSecond: 1 },
}
