import type { IncomingMessage, ServerResponse } from 'node:http'
import { acceptsCredential, rememberMinted, type ServerContext } from './context'
import { isRecord } from './log'
import { defaultSession, mergeSession, validateSessionUpdate } from './openai/session-config'
import type { IdFactory } from './random'

/**
 * The HTTP side of the mock, on the same port as its WebSockets:
 * - `POST /v1/realtime/client_secrets` mints an OpenAI ephemeral key (`ek_…`) that the mock then
 *   accepts on its WebSocket, as the relay's token minting does against the real API;
 * - `POST /v1alpha/auth_tokens` mints a Gemini ephemeral token (`auth_tokens/…`);
 * - `GET /` describes the server. Everything else is 404.
 */
export function handleHttp(
  request: IncomingMessage,
  response: ServerResponse,
  context: ServerContext,
  ids: IdFactory,
): void {
  const rawUrl = request.url ?? '/'
  const queryStart = rawUrl.indexOf('?')
  const path = (queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart)).replace(/^\/+/, '/')
  const query = new URLSearchParams(queryStart < 0 ? '' : rawUrl.slice(queryStart + 1))
  if (request.method === 'GET' && path === '/') {
    json(response, 200, {
      name: 'adk-realtime mock server',
      protocols: ['openai-realtime-ga', 'gemini-live'],
    })
    return
  }
  if (request.method === 'POST' && /\/realtime\/client_secrets$/.test(path)) {
    readJson(request, (body) => mintOpenAI(request, response, context, ids, body))
    return
  }
  if (request.method === 'POST' && /\/auth_tokens$/.test(path)) {
    readJson(request, (body) => mintGemini(request, response, context, ids, body, query))
    return
  }
  json(response, 404, {
    error: { code: 404, message: `No route for ${request.method} ${path}`, status: 'NOT_FOUND' },
  })
}

function mintOpenAI(
  request: IncomingMessage,
  response: ServerResponse,
  context: ServerContext,
  ids: IdFactory,
  body: unknown,
): void {
  const key = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? ''
  if (!acceptsCredential(context, 'openai', key)) {
    json(response, 401, {
      error: {
        message: 'Incorrect API key provided.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    })
    return
  }
  const params = isRecord(body) ? body : {}
  const expiresAfter = isRecord(params.expires_after)
    ? Number(params.expires_after.seconds ?? 600)
    : 600
  const sessionUpdate = isRecord(params.session) ? params.session : { type: 'realtime' }
  const problem = validateSessionUpdate(sessionUpdate)
  if (problem) {
    json(response, 400, { error: problem.body })
    return
  }
  const now = context.clock.now()
  const value = `ek_${ids.token(32)}`
  const expiresAt = Math.floor(now / 1000) + expiresAfter
  rememberMinted(context, value, now + expiresAfter * 1000)
  const session = mergeSession(
    defaultSession({
      id: ids.openai('sess'),
      model: String(sessionUpdate.model ?? 'gpt-realtime'),
      expiresAt,
    }),
    sessionUpdate,
  )
  json(response, 200, { value, expires_at: expiresAt, session })
}

function mintGemini(
  request: IncomingMessage,
  response: ServerResponse,
  context: ServerContext,
  ids: IdFactory,
  body: unknown,
  query: URLSearchParams,
): void {
  const header = request.headers['x-goog-api-key']
  const key = query.get('key') ?? (typeof header === 'string' ? header : '')
  if (!acceptsCredential(context, 'gemini', key)) {
    json(response, 400, {
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
      },
    })
    return
  }
  const params = isRecord(body) ? body : {}
  const now = context.clock.now()
  const requested =
    typeof params.expireTime === 'string' ? Date.parse(params.expireTime) : Number.NaN
  const expiresAt = Number.isFinite(requested) ? requested : now + 30 * 60 * 1000
  const name = `auth_tokens/${ids.token(40)}`
  rememberMinted(context, name, expiresAt)
  json(response, 200, {
    name,
    expireTime: new Date(expiresAt).toISOString(),
    uses: params.uses ?? 1,
  })
}

function readJson(request: IncomingMessage, then: (body: unknown) => void): void {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8')
    try {
      then(text === '' ? {} : (JSON.parse(text) as unknown))
    } catch {
      then({})
    }
  })
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  })
  response.end(text)
}
