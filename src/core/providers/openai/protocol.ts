/**
 * The pure OpenAI Realtime GA protocol mapping, in one import: config → `session.update`,
 * unified client events → wire messages, wire messages → unified server events, and close codes
 * and error events → typed errors. Nothing here touches a socket.
 */
export { toOpenAISessionConfig, toAudioFormat, toTurnDetection } from './protocol-config'
export { toOpenAISessionDelta } from './protocol-delta'
export { toOpenAIClientEvent, messageItem, encodeAudio } from './protocol-client'
export type { OpenAIMappableClientEvent } from './protocol-client'
export { parseOpenAIServerFrame } from './protocol-server'
export { toUsage } from './protocol-server-events'
export type { OpenAIServerContext } from './protocol-server'
export { openAIErrorFromEvent, describeOpenAIClose } from './protocol-errors'
