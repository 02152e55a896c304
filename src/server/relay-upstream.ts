import type { PolicyProtocol } from './relay-policy'

/** Where the relay connects, and with which credentials. The key only ever goes upstream. */
export interface UpstreamTarget {
  url: string
  headers: Record<string, string>
}

export interface UpstreamSettings {
  upstream: 'openai' | 'gemini' | 'mock'
  apiKey: string | undefined
  /** Overrides of the providers' public endpoints (required for `mock`). */
  upstreamUrls: { openai?: string; gemini?: string } | undefined
  /** Model for OpenAI when the client does not name one or `model` is locked. */
  openaiModel: string
  modelLocked: boolean
}

const openaiDefault = 'wss://api.openai.com/v1/realtime'
const geminiDefault = 'wss://generativelanguage.googleapis.com'
const geminiDefaultPath =
  '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent'

/**
 * Builds the upstream URL for one browser connection.
 *
 * @param suffix the client's path after `/openai` or `/gemini` (for Gemini it carries the
 *   service path the SDK builds, e.g. `//ws/google.ai…BidiGenerateContent`).
 * @param query the client's query; credentials in it are ignored (the relay's key is used).
 */
export function upstreamTarget(
  settings: UpstreamSettings,
  protocol: PolicyProtocol,
  suffix: string,
  query: URLSearchParams,
): UpstreamTarget {
  const key = settings.apiKey
  if (protocol === 'openai') {
    const base = settings.upstreamUrls?.openai ?? openaiDefault
    const requested = query.get('model')
    const model = settings.modelLocked || requested === null ? settings.openaiModel : requested
    const url = toWebSocketUrl(new URL(base))
    url.searchParams.set('model', model)
    return {
      url: url.toString(),
      headers: key === undefined ? {} : { Authorization: `Bearer ${key}` },
    }
  }
  const base = trimSlash(settings.upstreamUrls?.gemini ?? geminiDefault)
  // The JS SDK builds `//ws/…` (see wire-protocols §0.1); collapse it, and use the regular
  // endpoint for the constrained one because the relay authenticates with a real key.
  let path = suffix.replace(/^\/+/, '/')
  if (!path.startsWith('/ws/')) path = geminiDefaultPath
  path = path.replace('BidiGenerateContentConstrained', 'BidiGenerateContent')
  const url = toWebSocketUrl(new URL(`${base}${path}`))
  if (key !== undefined) url.searchParams.set('key', key)
  return { url: url.toString(), headers: {} }
}

/** Accept `http(s)://` bases too (the mock server's `url` is one). */
function toWebSocketUrl(url: URL): URL {
  if (url.protocol === 'http:') url.protocol = 'ws:'
  if (url.protocol === 'https:') url.protocol = 'wss:'
  return url
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url
}

/**
 * Splits a request target without `new URL(req.url, base)`: that would read `//ws/…` as a
 * protocol-relative URL with host `ws` and mis-route Gemini clients.
 */
export function splitRequestTarget(target: string): { path: string; query: URLSearchParams } {
  const index = target.indexOf('?')
  const path = index === -1 ? target : target.slice(0, index)
  const query = new URLSearchParams(index === -1 ? '' : target.slice(index + 1))
  return { path, query }
}

/** WebSocket close codes an endpoint may send itself (1005, 1006 and 1015 are reserved). */
export function sendableCloseCode(code: number): number {
  if (code === 1000 || (code >= 1001 && code <= 1003) || (code >= 1007 && code <= 1014)) {
    return code
  }
  if (code >= 3000 && code <= 4999) return code
  return 1011
}

/** Close reasons are limited to 123 bytes of UTF-8. */
export function closeReason(text: string): string {
  const bytes = new TextEncoder().encode(text)
  if (bytes.length <= 123) return text
  return new TextDecoder().decode(bytes.slice(0, 120)).replace(/\uFFFD$/, '') + '...'
}
