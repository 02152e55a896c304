import type { IncomingHttpHeaders } from 'node:http'
import { acceptsCredential, type ServerContext } from '../context'
import type { Route } from '../routing'
import { geminiClose, type GeminiClose } from './errors'

type GeminiRoute = Extract<Route, { protocol: 'gemini' }>

/**
 * Gemini credentials, in the places the official SDKs put them: `?key=` (JS, AI Studio),
 * `x-goog-api-key` (Python, Vertex express), `?access_token=auth_tokens/…` or
 * `Authorization: Token auth_tokens/…` (ephemeral tokens on `BidiGenerateContentConstrained`), and
 * `Authorization: Bearer` (Vertex OAuth). Returns the close to send, or `undefined` when accepted.
 */
export function checkGeminiCredentials(
  route: GeminiRoute,
  headers: IncomingHttpHeaders,
  context: ServerContext,
): GeminiClose | undefined {
  const authorization = headers.authorization ?? ''
  const scheme = /^(Bearer|Token)\s+(.+)$/i.exec(authorization)
  const headerKey = headers['x-goog-api-key']
  const key = route.query.get('key') ?? (typeof headerKey === 'string' ? headerKey : undefined)
  if (route.constrained) {
    const token =
      route.query.get('access_token') ??
      (scheme?.[1]?.toLowerCase() === 'token' ? scheme[2] : undefined)
    const valid =
      token !== undefined &&
      token.startsWith('auth_tokens/') &&
      acceptsCredential(context, 'gemini', token)
    return valid ? undefined : geminiClose.invalidCredentials
  }
  if (key !== undefined)
    return acceptsCredential(context, 'gemini', key) ? undefined : geminiClose.invalidKey
  if (scheme) {
    return acceptsCredential(context, 'gemini', scheme[2]!.trim())
      ? undefined
      : geminiClose.invalidCredentials
  }
  return route.variant === 'vertex' ? geminiClose.invalidCredentials : geminiClose.invalidKey
}
