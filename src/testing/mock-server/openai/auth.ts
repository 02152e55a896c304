import type { IncomingHttpHeaders } from 'node:http'
import { acceptsCredential, type ServerContext } from '../context'
import { accepts } from '../options'
import { OPENAI_CLOSE, openaiErrors, type OpenAIRequestError } from './errors'

/**
 * The OpenAI handshake. The real service answers every upgrade with 101 and reports problems as an
 * `error` event followed by a close: 3000 for credentials, 4000 for the request's shape (beta
 * header or subprotocol, missing or unknown model).
 */
export interface OpenAIHandshake {
  apiKey: string
  beta: boolean
  model: string | undefined
}

const INSECURE_KEY_PREFIX = 'openai-insecure-api-key.'

/** The subprotocol the server selects: `realtime` whenever the client offers it. */
export function selectOpenAIProtocol(offered: ReadonlySet<string>): string | false {
  return offered.has('realtime') ? 'realtime' : false
}

export function readOpenAIHandshake(
  headers: IncomingHttpHeaders,
  offered: ReadonlySet<string>,
  query: URLSearchParams,
): OpenAIHandshake {
  const authorization = headers.authorization ?? ''
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim()
  const fromProtocol = [...offered].find((protocol) => protocol.startsWith(INSECURE_KEY_PREFIX))
  const azureKey = headers['api-key']
  const apiKey =
    bearer ??
    fromProtocol?.slice(INSECURE_KEY_PREFIX.length) ??
    (typeof azureKey === 'string' ? azureKey : '')
  const betaHeader = headers['openai-beta']
  const beta =
    (typeof betaHeader === 'string' && /realtime/i.test(betaHeader)) ||
    offered.has('openai-beta.realtime-v1')
  return { apiKey, beta, model: query.get('model') ?? undefined }
}

/** The fatal error to send, with its close code, or `undefined` when the handshake is fine. */
export function checkOpenAIHandshake(
  handshake: OpenAIHandshake,
  context: ServerContext,
): { error: OpenAIRequestError; closeCode: number } | undefined {
  if (!acceptsCredential(context, 'openai', handshake.apiKey)) {
    return { error: openaiErrors.invalidApiKey(handshake.apiKey), closeCode: OPENAI_CLOSE.auth }
  }
  if (handshake.beta) return { error: openaiErrors.betaDisabled(), closeCode: OPENAI_CLOSE.request }
  if (handshake.model === undefined || handshake.model === '') {
    return { error: openaiErrors.missingModel(), closeCode: OPENAI_CLOSE.request }
  }
  const known = accepts(context.options.openai?.models, handshake.model, (model) =>
    /realtime|gpt-audio/.test(model),
  )
  if (!known) {
    return { error: openaiErrors.invalidModel(handshake.model), closeCode: OPENAI_CLOSE.request }
  }
  return undefined
}

/** The close reason the service uses for fatal errors: `invalid_request_error.invalid_api_key`. */
export function closeReason(error: OpenAIRequestError): string {
  return `${error.body.type}.${error.body.code ?? 'error'}`
}
