import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isRealtimeError } from '../../../src/core'
import { mintGeminiToken, mintOpenAIClientSecret } from '../../../src/server/tokens'

interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: unknown
}

/** `bodyDelayMs`: the headers go at once, the body that much later. */
type Reply = { status: number; body: string; delayMs?: number; bodyDelayMs?: number }

/** A local HTTP server that answers like the real token endpoints. */
let server: Server
let baseUrl = ''
const seen: Seen[] = []
let nextReply: Reply | undefined

const openaiOk = {
  value: 'ek_68af296e8e408191a1120ab6383263c2',
  expires_at: 1_756_310_470,
  session: { type: 'realtime', object: 'realtime.session', model: 'gpt-realtime' },
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()))
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(raw),
      })
      const reply =
        nextReply ??
        (req.url === '/v1/realtime/client_secrets'
          ? { status: 200, body: JSON.stringify(openaiOk) }
          : { status: 200, body: JSON.stringify({ name: 'auth_tokens/abc123' }) })
      nextReply = undefined
      setTimeout(() => {
        res.writeHead(reply.status, { 'content-type': 'application/json' })
        res.flushHeaders()
        setTimeout(() => res.end(reply.body), reply.bodyDelayMs ?? 0)
      }, reply.delayMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

async function expectError(promise: Promise<unknown>, code: string, providerCode?: unknown) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(isRealtimeError(error)).toBe(true)
  if (!isRealtimeError(error)) return
  expect(error.code).toBe(code)
  if (providerCode !== undefined) expect(error.providerCode).toBe(providerCode)
  expect(error.message).not.toContain('sk-test-secret')
}

describe('mintOpenAIClientSecret', () => {
  it('should POST the GA request with the key in the Authorization header only', async () => {
    const secret = await mintOpenAIClientSecret({
      apiKey: 'sk-test-secret',
      baseUrl,
      expiresInSeconds: 300,
      session: { model: 'gpt-realtime', audio: { output: { voice: 'marin' } } },
    })
    expect(secret).toEqual({
      value: openaiOk.value,
      expiresAt: openaiOk.expires_at,
      session: openaiOk.session,
    })
    const request = seen.at(-1)
    expect(request?.method).toBe('POST')
    expect(request?.url).toBe('/v1/realtime/client_secrets')
    expect(request?.headers.authorization).toBe('Bearer sk-test-secret')
    expect(request?.body).toEqual({
      expires_after: { anchor: 'created_at', seconds: 300 },
      session: { type: 'realtime', model: 'gpt-realtime', audio: { output: { voice: 'marin' } } },
    })
    expect(JSON.stringify(request?.body)).not.toContain('sk-test-secret')
  })

  it('should map a 401 to auth_failed with the provider code', async () => {
    nextReply = {
      status: 401,
      body: JSON.stringify({
        error: {
          message: 'Incorrect API key provided: sk-***',
          type: 'invalid_request_error',
          code: 'invalid_api_key',
          param: null,
        },
      }),
    }
    await expectError(
      mintOpenAIClientSecret({ apiKey: 'sk-test-secret', baseUrl }),
      'auth_failed',
      'invalid_api_key',
    )
  })

  it('should map 429 to a retriable rate_limited and 500 to a retriable server_error', async () => {
    nextReply = {
      status: 429,
      body: JSON.stringify({
        error: { message: 'Rate limit reached', code: 'rate_limit_exceeded' },
      }),
    }
    await expectError(mintOpenAIClientSecret({ apiKey: 'sk-x', baseUrl }), 'rate_limited')
    nextReply = { status: 500, body: 'upstream exploded' }
    const error = await mintOpenAIClientSecret({ apiKey: 'sk-x', baseUrl }).catch((e: unknown) => e)
    expect(isRealtimeError(error, 'server_error') && error.retriable).toBe(true)
  })

  it('should reject a malformed success body as protocol_error', async () => {
    nextReply = {
      status: 200,
      body: JSON.stringify({ client_secret: { value: 'ek_old_beta_shape' } }),
    }
    await expectError(mintOpenAIClientSecret({ apiKey: 'sk-x', baseUrl }), 'protocol_error')
    nextReply = { status: 200, body: '<html>proxy page</html>' }
    await expectError(mintOpenAIClientSecret({ apiKey: 'sk-x', baseUrl }), 'protocol_error')
  })

  it('should time out with a retriable timeout error', async () => {
    nextReply = { status: 200, body: JSON.stringify(openaiOk), delayMs: 500 }
    await expectError(mintOpenAIClientSecret({ apiKey: 'sk-x', baseUrl, timeoutMs: 20 }), 'timeout')
  })

  it('should time out with the typed error while the body is still arriving', async () => {
    nextReply = { status: 200, body: JSON.stringify(openaiOk), bodyDelayMs: 500 }
    await expectError(mintOpenAIClientSecret({ apiKey: 'sk-x', baseUrl, timeoutMs: 50 }), 'timeout')
  })

  it('should type a body of JSON null, on an error status or a success', async () => {
    nextReply = { status: 502, body: 'null' }
    const error = await mintOpenAIClientSecret({ apiKey: 'sk-x', baseUrl }).catch((e: unknown) => e)
    expect(isRealtimeError(error, 'server_error') && error.providerCode).toBe(502)
    nextReply = { status: 200, body: 'null' }
    await expectError(mintOpenAIClientSecret({ apiKey: 'sk-x', baseUrl }), 'protocol_error')
    nextReply = { status: 401, body: '"denied"' }
    await expectError(mintGeminiToken({ apiKey: 'sk-x', baseUrl }), 'auth_failed', 401)
  })

  it('should report an unreachable host as connection_failed and an abort as cancelled', async () => {
    await expectError(
      mintOpenAIClientSecret({ apiKey: 'sk-x', baseUrl: 'http://127.0.0.1:1' }),
      'connection_failed',
    )
    const controller = new AbortController()
    controller.abort()
    await expectError(
      mintOpenAIClientSecret({ apiKey: 'sk-x', baseUrl, signal: controller.signal }),
      'cancelled',
    )
  })

  it('should refuse an empty key before any request', async () => {
    const before = seen.length
    await expectError(mintOpenAIClientSecret({ apiKey: ' ', baseUrl }), 'invalid_config')
    expect(seen.length).toBe(before)
  })
})

describe('mintGeminiToken', () => {
  it('should POST auth_tokens with the key in x-goog-api-key and the locked setup', async () => {
    const now = Date.parse('2026-11-25T12:00:00.000Z')
    const token = await mintGeminiToken({
      apiKey: 'sk-test-secret',
      baseUrl: `${baseUrl}/`,
      now: () => now,
      uses: 2,
      setup: {
        model: 'models/gemini-live-2.5-flash-preview',
        generationConfig: { responseModalities: ['AUDIO'] },
      },
      lockedFields: ['generationConfig.responseModalities', 'systemInstruction'],
    })
    expect(token).toEqual({
      name: 'auth_tokens/abc123',
      expireTime: '2026-11-25T12:30:00.000Z',
      newSessionExpireTime: '2026-11-25T12:01:00.000Z',
    })
    const request = seen.at(-1)
    expect(request?.url).toBe('/v1alpha/auth_tokens')
    expect(request?.headers['x-goog-api-key']).toBe('sk-test-secret')
    expect(request?.body).toEqual({
      uses: 2,
      expireTime: '2026-11-25T12:30:00.000Z',
      newSessionExpireTime: '2026-11-25T12:01:00.000Z',
      bidiGenerateContentSetup: {
        model: 'models/gemini-live-2.5-flash-preview',
        generationConfig: { responseModalities: ['AUDIO'] },
      },
      fieldMask: 'generationConfig.responseModalities,systemInstruction',
    })
  })

  it("should map Gemini's 400 API_KEY_INVALID to auth_failed", async () => {
    nextReply = {
      status: 400,
      body: JSON.stringify({
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' },
          ],
        },
      }),
    }
    await expectError(mintGeminiToken({ apiKey: 'sk-test-secret', baseUrl }), 'auth_failed', 400)
  })

  it('should map other 400s to invalid_config', async () => {
    nextReply = {
      status: 400,
      body: JSON.stringify({
        error: { code: 400, message: 'Invalid value at uses', status: 'INVALID_ARGUMENT' },
      }),
    }
    await expectError(mintGeminiToken({ apiKey: 'k', baseUrl }), 'invalid_config')
  })

  it('should reject a response without an auth_tokens name', async () => {
    nextReply = { status: 200, body: JSON.stringify({ name: 'projects/x' }) }
    await expectError(mintGeminiToken({ apiKey: 'k', baseUrl }), 'protocol_error')
  })
})
