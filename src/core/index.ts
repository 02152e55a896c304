// Public API of `adk-realtime`. Named exports only: every export is listed here on purpose.
export { RealtimeError, isRealtimeError, isCancellation, defaultRetriable } from './errors'
export type { RealtimeErrorCode, RealtimeErrorOptions } from './errors'
