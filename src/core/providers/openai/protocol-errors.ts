import { RealtimeError } from '../../errors'
import type { RealtimeErrorCode } from '../../errors'
import type { DisconnectReason } from '../../session'

/**
 * OpenAI Realtime errors → typed `RealtimeError`s.
 *
 * Close codes (the upgrade always succeeds; failures arrive as an `error` event, then a close):
 * | code | meaning | RealtimeError code |
 * |---|---|---|
 * | 1000 | normal close | none |
 * | 3000 | authentication failed (`invalid_api_key`) | `auth_failed` (not retriable) |
 * | 4000 | request shape refused: `invalid_model`, `missing_model`, `beta_api_shape_disabled` | `invalid_config` (not retriable) |
 * | 1011 | server error | `server_error` (retriable) |
 * | 1001, 1006, other | going away / dropped network | `connection_failed` (retriable) |
 *
 * `error` events (the socket stays open) map by `error.code`: `invalid_api_key` → `auth_failed`;
 * `rate_limit_exceeded`, `insufficient_quota` → `rate_limited`; an error answering one of our
 * `session.update`s (matched by `event_id`) → `update_rejected`; everything else → `server_error`
 * with the provider code kept in `providerCode`.
 */

const ERROR_CODES: Readonly<Record<string, RealtimeErrorCode>> = {
  invalid_api_key: 'auth_failed',
  rate_limit_exceeded: 'rate_limited',
  insufficient_quota: 'rate_limited',
  invalid_model: 'invalid_config',
  missing_model: 'invalid_config',
  beta_api_shape_disabled: 'invalid_config',
}

/**
 * The typed error for an OpenAI `error` event.
 * @param answersSessionUpdate the error's `event_id` is one of our `session.update`s.
 * @example
 * openAIErrorFromEvent({ type: 'invalid_request_error', code: 'invalid_api_key', message: 'Bad key' }).code
 * // 'auth_failed'
 */
export function openAIErrorFromEvent(
  error: { message: string; type: string; code?: string | null; param?: string | null },
  answersSessionUpdate = false,
): RealtimeError {
  const providerCode = error.code ?? error.type
  const code: RealtimeErrorCode =
    (error.code === undefined || error.code === null ? undefined : ERROR_CODES[error.code]) ??
    (answersSessionUpdate ? 'update_rejected' : 'server_error')
  const param = error.param === undefined || error.param === null ? '' : ` (${error.param})`
  return new RealtimeError(code, `OpenAI: ${error.message}${param}`, {
    providerCode,
    ...(error.param === undefined || error.param === null ? {} : { path: error.param }),
  })
}

/**
 * Adds the typed error to a close reason. `lastError` is the `error` event that usually precedes
 * a failing close (its message is more useful than the close reason).
 *
 * @example
 * describeOpenAIClose({ code: 3000, reason: 'invalid_request_error.invalid_api_key', initiatedBy: 'server' })
 * // error.code === 'auth_failed'
 */
export function describeOpenAIClose(
  reason: DisconnectReason,
  lastError?: RealtimeError,
): DisconnectReason {
  const error = openAICloseError(reason, lastError)
  return error === undefined ? reason : { ...reason, error }
}

function openAICloseError(
  { code, reason, initiatedBy }: DisconnectReason,
  lastError: RealtimeError | undefined,
): RealtimeError | undefined {
  if (initiatedBy === 'client' && (code === 1000 || code === 1005)) return undefined
  if (code === 1000 && initiatedBy === 'server') return undefined
  const text = reason === '' ? `code ${code}` : `${code} ${reason}`
  const options = { providerCode: code, ...(lastError === undefined ? {} : { cause: lastError }) }
  const detail = lastError === undefined ? text : `${lastError.message} (close ${text})`
  switch (code) {
    case 3000:
      return new RealtimeError('auth_failed', `OpenAI refused the credentials: ${detail}`, options)
    case 4000:
      return new RealtimeError('invalid_config', `OpenAI refused the request: ${detail}`, options)
    case 1011:
      return new RealtimeError('server_error', `OpenAI server error: ${detail}`, {
        ...options,
        retriable: true,
      })
    default:
      return new RealtimeError(
        'connection_failed',
        `The OpenAI connection closed: ${detail}`,
        options,
      )
  }
}
