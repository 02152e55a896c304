import { RealtimeError, type RealtimeErrorCode } from '../core/errors'
import { isRecord } from './relay-policy-paths'

/**
 * Short-lived credentials for direct browser connections, minted on the server so the API key
 * never reaches the page. OpenAI: `POST /v1/realtime/client_secrets` → `ek_…`. Gemini:
 * `POST /v1alpha/auth_tokens` → `auth_tokens/…` (used as `access_token` on the constrained
 * Live endpoint).
 */

export interface MintOptions {
  apiKey: string
  /** Defaults to the provider's public API host; point it at a local server in tests. */
  baseUrl?: string
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch
  /** Aborts the request. */
  signal?: AbortSignal
  /** Gives up after this long (default 10 s) with a retriable `timeout` error. */
  timeoutMs?: number
}

export interface OpenAIClientSecretOptions extends MintOptions {
  /** Lifetime in seconds (OpenAI accepts 10–7200; default 600). */
  expiresInSeconds?: number
  /** The GA session the secret is bound to. `type: 'realtime'` is added when missing. */
  session?: Record<string, unknown>
}

export interface OpenAIClientSecret {
  /** `ek_…`, the browser's bearer token. */
  value: string
  /** Unix seconds. */
  expiresAt: number
  /** The session as the server configured it. */
  session: unknown
}

export interface GeminiTokenOptions extends MintOptions {
  /** Sessions the token may open (default 1). */
  uses?: number
  /** When messages stop being accepted (default: 30 minutes from now). */
  expireTime?: Date
  /** When new sessions stop being accepted (default: 1 minute from now). */
  newSessionExpireTime?: Date
  /** Locks the Live setup (wire `bidiGenerateContentSetup`): model, config, … */
  setup?: Record<string, unknown>
  /** Setup fields the client may not override (wire `fieldMask`). */
  lockedFields?: string[]
  /** Injectable clock for the default expiry times. */
  now?: () => number
}

export interface GeminiToken {
  /** `auth_tokens/…`, used as the browser's `access_token`. */
  name: string
  expireTime: string
  newSessionExpireTime: string
}

const defaultTimeoutMs = 10_000

/**
 * @example
 * // In your server route; send only `value` to the browser.
 * const { value } = await mintOpenAIClientSecret({
 *   apiKey: process.env.OPENAI_API_KEY!,
 *   session: { model: 'gpt-realtime', audio: { output: { voice: 'marin' } } },
 * })
 */
export async function mintOpenAIClientSecret(
  options: OpenAIClientSecretOptions,
): Promise<OpenAIClientSecret> {
  const base = options.baseUrl ?? 'https://api.openai.com'
  const body = {
    expires_after: { anchor: 'created_at', seconds: options.expiresInSeconds ?? 600 },
    session: { type: 'realtime', ...options.session },
  }
  const json = await postJson(options, `${trimSlash(base)}/v1/realtime/client_secrets`, body, {
    Authorization: `Bearer ${options.apiKey}`,
  })
  const value = readString(json, 'value')
  const expiresAt = field(json, 'expires_at')
  if (value === undefined || typeof expiresAt !== 'number') {
    throw protocolError('OpenAI client secret response lacks "value" or "expires_at"', json)
  }
  return { value, expiresAt, session: field(json, 'session') }
}

/**
 * @example
 * const { name } = await mintGeminiToken({
 *   apiKey: process.env.GEMINI_API_KEY!,
 *   setup: { model: 'models/gemini-live-2.5-flash-preview' },
 * })
 */
export async function mintGeminiToken(options: GeminiTokenOptions): Promise<GeminiToken> {
  const base = options.baseUrl ?? 'https://generativelanguage.googleapis.com'
  const now = options.now?.() ?? Date.now()
  const expireTime = (options.expireTime ?? new Date(now + 30 * 60_000)).toISOString()
  const newSessionExpireTime = (
    options.newSessionExpireTime ?? new Date(now + 60_000)
  ).toISOString()
  const body: Record<string, unknown> = {
    uses: options.uses ?? 1,
    expireTime,
    newSessionExpireTime,
  }
  if (options.setup !== undefined) body.bidiGenerateContentSetup = options.setup
  if (options.lockedFields !== undefined) body.fieldMask = options.lockedFields.join(',')
  const json = await postJson(options, `${trimSlash(base)}/v1alpha/auth_tokens`, body, {
    'x-goog-api-key': options.apiKey,
  })
  const name = readString(json, 'name')
  if (name === undefined || !name.startsWith('auth_tokens/')) {
    throw protocolError('Gemini auth token response lacks an "auth_tokens/…" name', json)
  }
  return { name, expireTime, newSessionExpireTime }
}

async function postJson(
  options: MintOptions,
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<unknown> {
  if (options.apiKey.trim() === '') {
    throw new RealtimeError('invalid_config', 'An API key is required to mint a token', {
      path: 'apiKey',
    })
  }
  const doFetch = options.fetch ?? globalThis.fetch
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
  let response: Response
  let text: string
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
    })
    // Inside the try: `fetch` settles on the headers, and the same signal can abort the body.
    text = await response.text()
  } catch (error) {
    if (options.signal?.aborted)
      throw RealtimeError.from(error, 'cancelled', 'Token request aborted')
    if (timeout.aborted) {
      throw new RealtimeError('timeout', `Token request timed out after ${timeoutMs} ms`, {
        cause: error,
      })
    }
    throw RealtimeError.from(error, 'connection_failed', `Token request failed: ${String(error)}`)
  }
  let json: unknown
  try {
    json = text === '' ? {} : JSON.parse(text)
  } catch (error) {
    if (response.ok) throw protocolError('Token response is not JSON', text, error)
    json = { raw: text }
  }
  if (!response.ok) throw httpError(response.status, json)
  return json
}

function httpError(status: number, json: unknown): RealtimeError {
  // Any JSON may come back (`null`, a string, an array): read it without assuming a shape, so
  // the caller gets this typed error and never a TypeError.
  const detail = field(json, 'error')
  const message = field(detail, 'message')
  const detailCode = field(detail, 'code')
  const providerMessage = typeof message === 'string' ? message : `HTTP ${status}`
  const providerCode =
    typeof detailCode === 'string' || typeof detailCode === 'number' ? detailCode : status
  // Gemini answers a bad key with 400 INVALID_ARGUMENT ("API key not valid"), not 401.
  const badKey =
    /api key/i.test(providerMessage) || JSON.stringify(json).includes('API_KEY_INVALID')
  const code: RealtimeErrorCode =
    status === 401 || status === 403 || badKey
      ? 'auth_failed'
      : status === 429
        ? 'rate_limited'
        : status === 400 || status === 404 || status === 422
          ? 'invalid_config'
          : 'server_error'
  // A provider error message can echo request data but never our key: we never send the key in
  // the body, only in a header, and the message comes from the provider.
  return new RealtimeError(code, `Token request refused (${status}): ${providerMessage}`, {
    providerCode,
    retriable: status === 429 || status >= 500,
    cause: json,
  })
}

function protocolError(message: string, json: unknown, cause?: unknown): RealtimeError {
  return new RealtimeError('protocol_error', message, { cause: cause ?? json })
}

function field(json: unknown, key: string): unknown {
  return isRecord(json) ? json[key] : undefined
}

function readString(json: unknown, key: string): string | undefined {
  const value = field(json, key)
  return typeof value === 'string' && value !== '' ? value : undefined
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url
}
