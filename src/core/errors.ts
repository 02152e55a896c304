/**
 * Every failure the library reports is a `RealtimeError` with a literal `code`. Callers switch
 * on `code`; `retriable` tells a reconnect policy whether trying again can help; `cause` keeps
 * the original error (or frame) for debugging.
 */
export type RealtimeErrorCode =
  /** A config or session update failed validation; `path` names the field. */
  | 'invalid_config'
  /** Audio bytes or parameters are malformed (odd PCM16 length, bad rate, …). */
  | 'invalid_audio'
  /** A video frame is not a JPEG or PNG image of its declared type. */
  | 'invalid_video'
  /** The transport could not be opened or dropped unexpectedly. */
  | 'connection_failed'
  /** The provider refused the credentials (OpenAI close 3000, Gemini 1007 "API key"). */
  | 'auth_failed'
  /** An operation needs an open session and there is none. */
  | 'not_connected'
  /** The session was closed, locally or by the provider. */
  | 'session_closed'
  /** A provider frame could not be parsed or has an unexpected shape. */
  | 'protocol_error'
  /** An inbound frame exceeded the configured maximum size. */
  | 'frame_too_large'
  /** The provider reported an error event (`error` on OpenAI, a close reason on Gemini). */
  | 'server_error'
  /** The provider rate-limited us or a quota ran out. */
  | 'rate_limited'
  /** The provider refused a live config change (for example `cannot_update_voice`). */
  | 'update_rejected'
  /** A session resumption could not be completed within its retry budget. */
  | 'resumption_failed'
  /** The model called a tool that is not registered. */
  | 'unknown_tool'
  /** Tool arguments were not valid JSON or failed the tool's schema. */
  | 'invalid_tool_arguments'
  /** A before-tool callback (a policy) refused the call; the handler did not run. */
  | 'tool_refused'
  /** A handoff named an agent that is not a sub-agent of the current one. */
  | 'unknown_agent'
  /** A tool handler threw or rejected. */
  | 'tool_failed'
  /** A tool handler did not finish within its timeout. */
  | 'tool_timeout'
  /** An operation was cancelled (barge-in, close, tool-call cancellation). Not a failure. */
  | 'cancelled'
  /** An operation did not complete in time (connect, acknowledgement). */
  | 'timeout'
  /** A browser capability is missing or was refused (microphone, AudioWorklet, autoplay). */
  | 'media_unavailable'
  | 'permission_denied'
  /** The requested feature is not supported by this provider or environment. */
  | 'unsupported'

export interface RealtimeErrorOptions {
  cause?: unknown
  /** Defaults per code: see `defaultRetriable`. */
  retriable?: boolean
  /** Field path for `invalid_config`, e.g. `turnDetection.silenceDurationMs`. */
  path?: string
  /** Provider error code or close code, verbatim, when there is one. */
  providerCode?: string | number
}

const retriableByDefault: ReadonlySet<RealtimeErrorCode> = new Set([
  'connection_failed',
  'timeout',
  'rate_limited',
  'resumption_failed',
])

/** Whether an error of this code is worth retrying when the caller does not say. */
export function defaultRetriable(code: RealtimeErrorCode): boolean {
  return retriableByDefault.has(code)
}

/**
 * @example
 * try {
 *   parseRealtimeConfig(input)
 * } catch (error) {
 *   if (isRealtimeError(error, 'invalid_config')) console.warn(error.path, error.message)
 * }
 */
export class RealtimeError extends Error {
  override readonly name = 'RealtimeError'
  readonly code: RealtimeErrorCode
  readonly retriable: boolean
  readonly path: string | undefined
  readonly providerCode: string | number | undefined

  constructor(code: RealtimeErrorCode, message: string, options: RealtimeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.retriable = options.retriable ?? defaultRetriable(code)
    this.path = options.path
    this.providerCode = options.providerCode
  }

  /** Wraps anything thrown (including non-Error values) without losing it. */
  static from(
    error: unknown,
    code: RealtimeErrorCode,
    message?: string,
    options: Omit<RealtimeErrorOptions, 'cause'> = {},
  ): RealtimeError {
    if (error instanceof RealtimeError) return error
    const text = message ?? (error instanceof Error ? error.message : String(error))
    return new RealtimeError(code, text, { ...options, cause: error })
  }
}

/**
 * True for a `RealtimeError`, optionally of one code. Checks `name` as well as the prototype so
 * errors crossing realms (an iframe, a worker, two copies of the package) are still recognised.
 */
export function isRealtimeError<TCode extends RealtimeErrorCode>(
  value: unknown,
  code?: TCode,
): value is RealtimeError & { code: TCode } {
  const looksLikeOne =
    value instanceof RealtimeError ||
    (value instanceof Error &&
      value.name === 'RealtimeError' &&
      typeof (value as { code?: unknown }).code === 'string')
  if (!looksLikeOne) return false
  return code === undefined || (value as RealtimeError).code === code
}

/** True when the error only means "stopped on purpose" and should not be shown as a failure. */
export function isCancellation(value: unknown): boolean {
  if (isRealtimeError(value, 'cancelled')) return true
  return value instanceof Error && value.name === 'AbortError'
}
