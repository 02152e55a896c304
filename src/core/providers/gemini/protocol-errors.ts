import { RealtimeError } from '../../errors'
import type { DisconnectReason } from '../../session'

/**
 * Gemini Live reports errors as the WebSocket **close reason**, not as JSON messages.
 *
 * | close | seen for | RealtimeError code |
 * |---|---|---|
 * | 1000 | normal close | none |
 * | 1007 | "API Key not found…", "API key not valid…" (reason mentions an API key, token or credential) | `auth_failed` (not retriable) |
 * | 1007 | "Request contains an invalid argument." (bad setup field, `clientContent` mid-session on 3.1, wrong schema field) | `invalid_config` (not retriable) |
 * | 1008 | "models/X is not found for API version …", other policy violations; reason mentions permission/credential/unauthenticated | `auth_failed` |
 * | 1008 | "The operation was aborted." (idle session), deadline/timeout reasons | `connection_failed` (retriable: reconnecting helps) |
 * | 1008 | any other policy reason | `invalid_config` (not retriable) |
 * | 1011 | internal error, or a resume while the old socket is still open | `server_error` (retriable) |
 * | 1001, 1006, other | going away, dropped network | `connection_failed` (retriable) |
 */

const TRANSIENT_WORDS = /operation was aborted|deadline|timed? ?out|idle/i
const CREDENTIAL_WORDS =
  /api[ _-]?key|credential|unauthenticated|permission|access token|auth token|expired/i

/**
 * Adds the typed error to a close reason.
 *
 * @example
 * describeGeminiClose({ code: 1007, reason: 'API Key not found. Please pass a valid API key.', initiatedBy: 'server' })
 * // error.code === 'auth_failed'
 */
export function describeGeminiClose(reason: DisconnectReason): DisconnectReason {
  const error = geminiCloseError(reason)
  return error === undefined ? reason : { ...reason, error }
}

function geminiCloseError({
  code,
  reason,
  initiatedBy,
}: DisconnectReason): RealtimeError | undefined {
  if (code === 1000 || (initiatedBy === 'client' && code === 1005)) return undefined
  const text = reason === '' ? `close ${code}` : `${reason} (close ${code})`
  const options = { providerCode: code }
  switch (code) {
    case 1007:
    case 1008:
      if (code === 1008 && TRANSIENT_WORDS.test(reason)) {
        return new RealtimeError('connection_failed', `Gemini ended the session: ${text}`, {
          ...options,
          retriable: true,
        })
      }
      if (CREDENTIAL_WORDS.test(reason)) {
        return new RealtimeError('auth_failed', `Gemini refused the credentials: ${text}`, options)
      }
      return new RealtimeError('invalid_config', `Gemini refused the request: ${text}`, options)
    case 1011:
      return new RealtimeError('server_error', `Gemini server error: ${text}`, {
        ...options,
        retriable: true,
      })
    default:
      return new RealtimeError(
        'connection_failed',
        `The Gemini connection closed: ${text}`,
        options,
      )
  }
}

/**
 * A protobuf `Duration` in its JSON form (`"10s"`, `"0.5s"`, `"1.000340s"`) or object form
 * (`{seconds, nanos}`) as milliseconds; `undefined` if it is neither.
 *
 * @example
 * parseDurationMs('0.5s') // 500
 */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const match = /^(-?\d+(?:\.\d+)?)s$/.exec(value.trim())
    return match === null ? undefined : Math.round(Number(match[1]) * 1000)
  }
  if (typeof value === 'object' && value !== null) {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown }
    const wholeSeconds = typeof seconds === 'string' ? Number(seconds) : seconds
    if (wholeSeconds !== undefined && typeof wholeSeconds !== 'number') return undefined
    if (nanos !== undefined && typeof nanos !== 'number') return undefined
    const ms = (wholeSeconds ?? 0) * 1000 + (nanos ?? 0) / 1e6
    return Number.isFinite(ms) ? Math.round(ms) : undefined
  }
  return undefined
}
