/**
 * Which protocol an upgrade request is for, from its raw path. The path is never parsed with
 * `new URL(req.url, base)`: `@google/genai` requests `//ws/…`, which the URL parser reads as a
 * protocol-relative URL whose host is `ws`, losing the path (wire-protocols §0.1).
 */
export type Route =
  | { protocol: 'openai'; path: string; query: URLSearchParams }
  | {
      protocol: 'gemini'
      variant: 'ai-studio' | 'vertex'
      constrained: boolean
      /** `v1beta`, `v1alpha`, `v1beta1`, … (`unknown` in proxy mode). */
      version: string
      path: string
      query: URLSearchParams
    }

const AI_STUDIO =
  /\/ws\/google\.ai\.generativelanguage\.([a-z0-9]+)\.GenerativeService\.(BidiGenerateContent|BidiGenerateContentConstrained)$/
const VERTEX = /\/ws\/google\.cloud\.aiplatform\.([a-z0-9]+)\.LlmBidiService\/BidiGenerateContent$/
const OPENAI = /\/realtime$/

export function routeRequest(rawUrl: string, proxyPath?: string): Route | undefined {
  const queryStart = rawUrl.indexOf('?')
  const rawPath = queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart)
  const query = new URLSearchParams(queryStart < 0 ? '' : rawUrl.slice(queryStart + 1))
  // Any number of leading slashes: `//ws/…` from @google/genai, `/ws/…` from everyone else.
  const path = rawPath.replace(/^\/+/, '/').replace(/\/+$/, '') || '/'
  const studio = AI_STUDIO.exec(path)
  if (studio) {
    return {
      protocol: 'gemini',
      variant: 'ai-studio',
      constrained: studio[2] === 'BidiGenerateContentConstrained',
      version: studio[1]!,
      path: rawPath,
      query,
    }
  }
  const vertex = VERTEX.exec(path)
  if (vertex) {
    return {
      protocol: 'gemini',
      variant: 'vertex',
      constrained: false,
      version: vertex[1]!,
      path: rawPath,
      query,
    }
  }
  if (proxyPath !== undefined && path === proxyPath.replace(/^\/+/, '/').replace(/\/+$/, '')) {
    return {
      protocol: 'gemini',
      variant: 'vertex',
      constrained: false,
      version: 'unknown',
      path: rawPath,
      query,
    }
  }
  if (OPENAI.test(path)) return { protocol: 'openai', path: rawPath, query }
  return undefined
}
