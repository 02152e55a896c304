import { RealtimeError } from '../../errors'
import type { RealtimeErrorCode } from '../../errors'
import { cancelled, unlessAborted } from '../../transport/abort'
import type { FetchLike } from './webrtc-env'

export interface SdpExchange {
  /** `${baseUrl}/v1/realtime/calls`. */
  url: string
  /** Sent as `Authorization: Bearer …` (an ephemeral `ek_…` key from a browser). */
  apiKey: string
  offer: string
  /** Extra headers (`OpenAI-Organization`, `OpenAI-Project`). */
  headers?: Readonly<Record<string, string>>
  fetch: FetchLike
  signal?: AbortSignal
  /** Rejects with `timeout` when the exchange (the answer's body included) takes longer. */
  timeoutMs: number
}

export interface SdpAnswer {
  answer: string
  /** The call id (`rtc_…`) from the `Location` header, for a server-side sideband connection. */
  callId: string | undefined
}

/**
 * Posts an SDP offer to `POST /v1/realtime/calls` (raw `application/sdp`, as the official
 * browser client does) and returns the answer. A refusal is never handed to
 * `setRemoteDescription` as if it were SDP (the "Failed to parse SessionDescription" that hid
 * key and quota errors from users): it becomes a typed error carrying the service's message —
 * `auth_failed` (401/403), `rate_limited` (429), `invalid_config` (other 4xx),
 * `connection_failed` (network, 5xx), `protocol_error` (a 2xx body that is not SDP), `timeout`
 * (no answer within `timeoutMs`), `cancelled` (`signal` aborted).
 *
 * @example
 * const { answer } = await exchangeSdp({ url, apiKey: 'ek_…', offer: offer.sdp, fetch, timeoutMs: 15_000 })
 */
export async function exchangeSdp(request: SdpExchange): Promise<SdpAnswer> {
  const { signal, timeoutMs } = request
  // The caller's signal and the deadline as one: a calls endpoint that never answers must not
  // hold the connect (and the open microphone) past `connectTimeoutMs`, even when the injected
  // `fetch` ignores its signal.
  const deadline = new AbortController()
  const stop = (): void => deadline.abort()
  const timer = setTimeout(stop, timeoutMs)
  if (signal?.aborted === true) stop()
  signal?.addEventListener('abort', stop, { once: true })
  try {
    return await unlessAborted(deadline.signal, () => postOffer(request, deadline.signal))
  } catch (error) {
    if (signal?.aborted === true) throw cancelled(signal)
    if (deadline.signal.aborted) {
      throw new RealtimeError(
        'timeout',
        `OpenAI did not answer the SDP offer within ${timeoutMs} ms`,
      )
    }
    throw error
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', stop)
  }
}

async function postOffer(request: SdpExchange, signal: AbortSignal): Promise<SdpAnswer> {
  let response: Awaited<ReturnType<FetchLike>>
  try {
    response = await request.fetch(request.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/sdp',
        Accept: 'application/sdp',
        Authorization: `Bearer ${request.apiKey}`,
        ...request.headers,
      },
      body: request.offer,
      signal,
    })
  } catch (error) {
    // An abort (the caller's or the deadline's) is named by `exchangeSdp`.
    throw new RealtimeError(
      'connection_failed',
      `Could not reach ${request.url}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  }
  const body = await response.text().catch(() => '')
  if (!response.ok) throw callRefused(response.status, response.statusText, body)
  if (!/^\s*v=0/.test(body)) {
    throw new RealtimeError(
      'protocol_error',
      `POST /v1/realtime/calls answered ${response.status} without an SDP answer: ${body.slice(0, 200)}`,
    )
  }
  const location = response.headers.get('Location') ?? response.headers.get('location')
  const callId = location?.split('?')[0]?.split('/').filter(Boolean).pop()
  return { answer: body, callId }
}

/** The typed error for a non-2xx answer, with the service's own message when it sent one. */
export function callRefused(status: number, statusText: string, body: string): RealtimeError {
  let message = body.trim() === '' ? statusText : body.trim()
  let providerCode: string | number = status
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown; code?: unknown } }
    if (typeof parsed.error?.message === 'string') message = parsed.error.message
    if (typeof parsed.error?.code === 'string') providerCode = parsed.error.code
  } catch {
    // Not JSON: the text itself is the best description there is.
  }
  const code: RealtimeErrorCode =
    status === 401 || status === 403
      ? 'auth_failed'
      : status === 429
        ? 'rate_limited'
        : status >= 400 && status < 500
          ? 'invalid_config'
          : 'connection_failed'
  return new RealtimeError(
    code,
    `OpenAI refused the WebRTC call (${status}${message === '' ? '' : `: ${message.slice(0, 300)}`})`,
    { providerCode },
  )
}
