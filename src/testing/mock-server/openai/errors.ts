/**
 * OpenAI Realtime `error` events and the close codes that go with the fatal ones, as the GA
 * service sends them (reference: wire-protocols §2.2 and the recorded probe logs).
 *
 * Every error is `{ type: 'error', event_id, error: { type, code, message, param, event_id } }`.
 * `error.event_id` echoes the client event's `event_id` (or is null). Only authentication and
 * request-shape errors close the socket: 3000 for auth, 4000 for model and beta problems, with the
 * reason `<type>.<code>`. Every other error leaves the session open.
 */
export interface RealtimeErrorBody {
  type: 'invalid_request_error' | 'server_error'
  code: string | null
  message: string
  param: string | null
  event_id: string | null
}

export class OpenAIRequestError extends Error {
  readonly body: RealtimeErrorBody
  constructor(
    code: string | null,
    message: string,
    param: string | null = null,
    type: RealtimeErrorBody['type'] = 'invalid_request_error',
  ) {
    super(message)
    this.body = { type, code, message, param, event_id: null }
  }
}

/** Close codes of the fatal errors. */
export const OPENAI_CLOSE = {
  auth: 3000,
  request: 4000,
  expired: 1001,
} as const

export const openaiErrors = {
  invalidApiKey(key: string): OpenAIRequestError {
    const shown = key.length > 8 ? `${key.slice(0, 3)}*****${key.slice(-4)}` : key
    return new OpenAIRequestError(
      'invalid_api_key',
      key === ''
        ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        : `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    )
  },
  betaDisabled(): OpenAIRequestError {
    return new OpenAIRequestError(
      'beta_api_shape_disabled',
      'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.',
    )
  },
  missingModel(): OpenAIRequestError {
    return new OpenAIRequestError(
      'missing_model',
      'You must provide a model parameter: wss://api.openai.com/v1/realtime?model=gpt-realtime',
      'model',
    )
  },
  invalidModel(model: string): OpenAIRequestError {
    return new OpenAIRequestError(
      'invalid_model',
      `The model \`${model}\` does not exist or you do not have access to it.`,
      'model',
    )
  },
  binaryFrame(): OpenAIRequestError {
    return new OpenAIRequestError('invalid_event', 'Binary frames are not supported.')
  },
  invalidJson(detail: string): OpenAIRequestError {
    return new OpenAIRequestError(
      'invalid_json',
      `We could not parse the JSON body of your request. (${detail})`,
    )
  },
  missing(param: string): OpenAIRequestError {
    return new OpenAIRequestError(
      'missing_required_parameter',
      `Missing required parameter: '${param}'.`,
      param,
    )
  },
  unknownParameter(param: string): OpenAIRequestError {
    return new OpenAIRequestError('unknown_parameter', `Unknown parameter: '${param}'.`, param)
  },
  invalidValue(param: string, value: unknown, supported: readonly string[]): OpenAIRequestError {
    return new OpenAIRequestError(
      'invalid_value',
      `Invalid value: '${String(value)}'. Supported values are: ${listValues(supported)}.`,
      param,
    )
  },
  invalidType(param: string, expected: string, value: unknown): OpenAIRequestError {
    return new OpenAIRequestError(
      'invalid_type',
      `Invalid type for '${param}': expected ${expected}, but got ${describeType(value)} instead.`,
      param,
    )
  },
  outOfRange(
    param: string,
    value: number,
    bound: number,
    side: 'below_min' | 'above_max',
    integer = true,
  ): OpenAIRequestError {
    const kind = integer ? 'integer' : 'decimal'
    const relation = side === 'below_min' ? '>=' : '<='
    const words = side === 'below_min' ? 'below minimum' : 'above maximum'
    return new OpenAIRequestError(
      `${kind}_${side}_value`,
      `Invalid '${param}': ${kind} ${words} value. Expected a value ${relation} ${bound}, but got ${value} instead.`,
      param,
    )
  },
  activeResponse(responseId: string): OpenAIRequestError {
    return new OpenAIRequestError(
      'conversation_already_has_active_response',
      `Conversation already has an active response in progress: ${responseId}. Wait until the response is finished before creating a new one.`,
    )
  },
  noActiveResponse(): OpenAIRequestError {
    return new OpenAIRequestError(
      'response_cancel_not_active',
      'Cancellation failed: no active response found',
    )
  },
  bufferTooSmall(ms: number): OpenAIRequestError {
    return new OpenAIRequestError(
      'input_audio_buffer_commit_empty',
      `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${ms.toFixed(2)}ms of audio.`,
    )
  },
  itemNotFound(param: string, itemId: string): OpenAIRequestError {
    return new OpenAIRequestError(
      'item_not_found',
      `Item with item_id '${itemId}' not found.`,
      param,
    )
  },
  audioTooShort(actualMs: number, requestedMs: number): OpenAIRequestError {
    return new OpenAIRequestError(
      'invalid_value',
      `Audio content of ${Math.round(actualMs)}ms is already shorter than ${requestedMs}ms`,
      'audio_end_ms',
    )
  },
  cannotUpdateVoice(): OpenAIRequestError {
    return new OpenAIRequestError(
      'cannot_update_voice',
      "Cannot update a conversation's voice if assistant audio is present.",
      'session.audio.output.voice',
    )
  },
  sessionExpired(minutes: number): OpenAIRequestError {
    return new OpenAIRequestError(
      'session_expired',
      `Your session hit the maximum duration of ${minutes} minutes.`,
    )
  },
  serverError(message?: string): OpenAIRequestError {
    return new OpenAIRequestError(
      null,
      message ??
        'The server had an error while processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if the error persists.',
      null,
      'server_error',
    )
  },
}

/** The wire event for an error, echoing the client's `event_id`. */
export function errorEvent(
  eventId: string,
  error: OpenAIRequestError,
  clientEventId: string | null,
): Record<string, unknown> {
  return {
    type: 'error',
    event_id: eventId,
    error: { ...error.body, event_id: clientEventId },
  }
}

function listValues(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`)
  if (quoted.length <= 1) return quoted.join('')
  if (quoted.length === 2) return `${quoted[0]} and ${quoted[1]}`
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`
}

function describeType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal'
  if (typeof value === 'string') return 'a string'
  if (typeof value === 'boolean') return 'a boolean'
  return 'an object'
}

/** The `error` object of a failure that answers no client event (it has no `event_id`). */
export function errorObject(error: OpenAIRequestError): Omit<RealtimeErrorBody, 'event_id'> {
  const { event_id: _, ...body } = error.body
  return body
}

/** What the client is told when a pluggable brain throws. */
export function brainFailedError(cause: unknown): OpenAIRequestError {
  return openaiErrors.serverError(`The mock brain failed: ${String(cause)}`)
}
