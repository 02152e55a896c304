import { RealtimeError } from '../../errors'

/**
 * Where and how a Gemini Live socket connects.
 *
 * | mode | URL | credential |
 * |---|---|---|
 * | AI Studio, API key | `wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.{v1beta}.GenerativeService.BidiGenerateContent?key=…` | query (works in browsers, which cannot set headers) |
 * | AI Studio, ephemeral token (`auth_tokens/…`) | `…/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained?access_token=…` | query; tokens only exist on v1alpha |
 * | Vertex AI | `wss://{location}-aiplatform.googleapis.com/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent` (`aiplatform.googleapis.com` for `global`, `aiplatform.{location}.rep.googleapis.com` for the multi-regions `us` and `eu`) | `Authorization: Bearer <token>` header, so Node only (use a relay from browsers) |
 *
 * The JS SDK requests `//ws/…` (a double slash from joining its base URL); the service accepts
 * both, and we send the single-slash path.
 */

export interface GeminiVertexOptions {
  project: string
  /** A region such as `us-central1`, a multi-region (`us`, `eu`), or `global`. */
  location: string
  /**
   * Returns a current OAuth access token (for example from google-auth-library's
   * `getAccessToken()`). Called on every connect, so long calls refresh it on resumption.
   */
  accessToken: () => string | Promise<string>
}

export interface GeminiEndpointOptions {
  /** AI Studio API key, or an ephemeral token starting with `auth_tokens/`. */
  apiKey?: string
  vertex?: Omit<GeminiVertexOptions, 'accessToken'>
  /** Bearer token for Vertex, already resolved. */
  accessToken?: string
  /** Default `v1beta` (AI Studio), `v1alpha` (ephemeral tokens), `v1beta1` (Vertex). */
  apiVersion?: string
  /**
   * Replaces scheme, host and port (tests, proxies): `ws://127.0.0.1:8080`. http(s) maps to
   * ws(s). A path in it is kept as a prefix (`ws://host/gemini` for a relay).
   */
  baseUrl?: string
  /** `none`: send no credential, for a relay that adds the key on the server. */
  auth?: 'none'
}

const EPHEMERAL_PREFIX = 'auth_tokens/'

export function isEphemeralToken(apiKey: string): boolean {
  return apiKey.startsWith(EPHEMERAL_PREFIX)
}

/**
 * The socket URL and headers for a connect.
 *
 * @example
 * geminiEndpoint({ apiKey: 'auth_tokens/abc' }).url
 * // 'wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained?access_token=auth_tokens%2Fabc'
 */
export function geminiEndpoint(options: GeminiEndpointOptions): {
  url: string
  headers: Record<string, string>
} {
  if (options.vertex !== undefined) {
    const { location } = options.vertex
    if (options.accessToken === undefined || options.accessToken === '') {
      throw new RealtimeError('auth_failed', 'Vertex AI needs an access token', {
        path: 'vertex.accessToken',
      })
    }
    const version = options.apiVersion ?? 'v1beta1'
    const url = withBase(`wss://${vertexHost(location)}`, options.baseUrl)
    url.pathname = `${prefix(url)}/ws/google.cloud.aiplatform.${version}.LlmBidiService/BidiGenerateContent`
    return { url: url.toString(), headers: { Authorization: `Bearer ${options.accessToken}` } }
  }
  if (options.auth === 'none') {
    const url = withBase('wss://generativelanguage.googleapis.com', options.baseUrl)
    url.pathname = `${prefix(url)}/ws/google.ai.generativelanguage.${options.apiVersion ?? 'v1beta'}.GenerativeService.BidiGenerateContent`
    return { url: url.toString(), headers: {} }
  }
  const apiKey = options.apiKey
  if (apiKey === undefined || apiKey === '') {
    throw new RealtimeError(
      'invalid_config',
      'Gemini needs an API key, an ephemeral token or Vertex options',
      {
        path: 'apiKey',
      },
    )
  }
  const ephemeral = isEphemeralToken(apiKey)
  const version = options.apiVersion ?? (ephemeral ? 'v1alpha' : 'v1beta')
  const method = ephemeral ? 'BidiGenerateContentConstrained' : 'BidiGenerateContent'
  const url = withBase('wss://generativelanguage.googleapis.com', options.baseUrl)
  url.pathname = `${prefix(url)}/ws/google.ai.generativelanguage.${version}.GenerativeService.${method}`
  url.searchParams.set(ephemeral ? 'access_token' : 'key', apiKey)
  return { url: url.toString(), headers: {} }
}

/**
 * Multi-regions are served from their own regional-endpoint host (`aiplatform.{loc}.rep…`), the
 * one the official SDKs build (wire-protocols §1.2), not from `{loc}-aiplatform`.
 */
const MULTI_REGIONS: ReadonlySet<string> = new Set(['us', 'eu'])

function vertexHost(location: string): string {
  if (location === 'global') return 'aiplatform.googleapis.com'
  if (MULTI_REGIONS.has(location)) return `aiplatform.${location}.rep.googleapis.com`
  return `${location}-aiplatform.googleapis.com`
}

/** The base URL's own path (a relay mount point), without a trailing slash. */
function prefix(url: URL): string {
  return url.pathname.replace(/\/+$/, '')
}

function withBase(defaultBase: string, baseUrl: string | undefined): URL {
  const url = new URL(baseUrl ?? defaultBase)
  if (url.protocol === 'http:') url.protocol = 'ws:'
  if (url.protocol === 'https:') url.protocol = 'wss:'
  return url
}

/**
 * The model resource name the setup needs: `models/<m>` on AI Studio,
 * `projects/<p>/locations/<l>/publishers/google/models/<m>` on Vertex. Full names pass through.
 *
 * @example
 * geminiModelPath('gemini-live-2.5-flash', { project: 'p', location: 'us-central1' })
 * // 'projects/p/locations/us-central1/publishers/google/models/gemini-live-2.5-flash'
 */
export function geminiModelPath(
  model: string,
  vertex?: Pick<GeminiVertexOptions, 'project' | 'location'>,
): string {
  if (vertex === undefined) {
    return model.startsWith('models/') || model.startsWith('tunedModels/')
      ? model
      : `models/${model}`
  }
  if (model.startsWith('projects/')) return model
  const prefix = `projects/${vertex.project}/locations/${vertex.location}`
  if (model.startsWith('publishers/')) return `${prefix}/${model}`
  return `${prefix}/publishers/google/models/${model.replace(/^models\//, '')}`
}
