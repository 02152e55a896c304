import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockRealtimeServer, type MockRealtimeServer } from '../../../src/testing'
import {
  acceptsCredential,
  rememberMinted,
  type ServerContext,
} from '../../../src/testing/mock-server/context'
import { ManualClock, openaiSession, rawClient } from '../../conformance/mock-helpers'

/**
 * The OpenAI handshake as the GA service does it (wire-protocols §2.2): every upgrade succeeds,
 * `session.created` comes first, the `realtime` subprotocol is selected, and credential or shape
 * problems arrive as an `error` event followed by close 3000 (credentials) or 4000 (beta, model).
 */
let server: MockRealtimeServer

beforeAll(async () => {
  server = await createMockRealtimeServer({ keys: { openai: ['sk-test'] }, pingIntervalMs: 0 })
})

afterAll(async () => {
  await server.close()
})

async function refused(client: ReturnType<typeof rawClient>) {
  const error = await client.messages.next((message) => message.type === 'error')
  const close = await client.closed
  return { error: error.error as Record<string, unknown>, close }
}

describe('OpenAI handshake', () => {
  it('authenticates with a bearer header and sends session.created first', async () => {
    const client = await openaiSession(server.openaiUrl)
    expect(client.messages.items[0]).toMatchObject({
      type: 'session.created',
      event_id: expect.stringMatching(/^event_[A-Za-z0-9]{21}$/),
      session: {
        type: 'realtime',
        object: 'realtime.session',
        model: 'gpt-realtime',
        id: expect.stringMatching(/^sess_/),
      },
    })
    client.ws.close()
  })

  it('authenticates with the browser subprotocols and selects `realtime`', async () => {
    const client = rawClient(server.openaiUrl, {
      protocols: ['realtime', 'openai-insecure-api-key.sk-test', 'openai-agents-sdk.0.20.0'],
    })
    await client.messages.next((message) => message.type === 'session.created')
    expect(client.ws.protocol).toBe('realtime')
    client.ws.close()
  })

  it('refuses a bad key with invalid_api_key, then close 3000', async () => {
    for (const client of [
      rawClient(server.openaiUrl, { headers: { Authorization: 'Bearer sk-wrong-key-123' } }),
      rawClient(server.openaiUrl, { protocols: ['realtime', 'openai-insecure-api-key.sk-nope'] }),
      rawClient(server.openaiUrl),
    ]) {
      const { error, close } = await refused(client)
      expect(error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' })
      expect(close).toEqual({ code: 3000, reason: 'invalid_request_error.invalid_api_key' })
    }
  })

  it('refuses the beta header and the beta subprotocol with beta_api_shape_disabled, then close 4000', async () => {
    for (const client of [
      rawClient(server.openaiUrl, {
        headers: { Authorization: 'Bearer sk-test', 'OpenAI-Beta': 'realtime=v1' },
      }),
      rawClient(server.openaiUrl, {
        protocols: ['realtime', 'openai-insecure-api-key.sk-test', 'openai-beta.realtime-v1'],
      }),
    ]) {
      const { error, close } = await refused(client)
      expect(error).toMatchObject({
        code: 'beta_api_shape_disabled',
        message:
          'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.',
      })
      expect(close).toEqual({ code: 4000, reason: 'invalid_request_error.beta_api_shape_disabled' })
    }
  })

  it('refuses a missing or unknown model with close 4000', async () => {
    const headers = { Authorization: 'Bearer sk-test' }
    const missing = await refused(rawClient(server.openaiUrl.replace(/\?.*$/, ''), { headers }))
    expect(missing.error).toMatchObject({ code: 'missing_model' })
    expect(missing.close.code).toBe(4000)
    const unknown = await refused(
      rawClient(server.openaiUrl.replace('gpt-realtime', 'gpt-4o'), { headers }),
    )
    expect(unknown.error).toMatchObject({ code: 'invalid_model', param: 'model' })
    expect(unknown.close).toEqual({ code: 4000, reason: 'invalid_request_error.invalid_model' })
  })

  it('answers a binary frame with invalid_event and bad JSON with invalid_json, keeping the socket', async () => {
    const client = await openaiSession(server.openaiUrl)
    client.ws.send(Buffer.from('{"type":"response.create"}'), { binary: true })
    const binary = await client.messages.next((message) => message.type === 'error')
    expect(binary.error).toMatchObject({ code: 'invalid_event' })
    client.ws.send('{"type":')
    const json = await client.messages.next(
      (message) => message.type === 'error' && message !== binary,
    )
    expect(json.error).toMatchObject({ code: 'invalid_json' })
    client.send({ type: 'input_audio_buffer.clear' })
    await client.messages.next((message) => message.type === 'input_audio_buffer.cleared')
    client.ws.close()
  })

  it('answers an unknown event type with invalid_value listing the supported ones, echoing event_id', async () => {
    const client = await openaiSession(server.openaiUrl)
    client.send({ type: 'response.audio.delta', event_id: 'evt_client_1' })
    const error = await client.messages.next((message) => message.type === 'error')
    expect(error.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_value',
      param: 'type',
      event_id: 'evt_client_1',
    })
    expect(String((error.error as { message: string }).message)).toContain(
      "'input_audio_buffer.append'",
    )
    client.ws.close()
  })

  it('answers client pings with pongs, and pings the client on its own', async () => {
    const pinging = await createMockRealtimeServer({ pingIntervalMs: 5 })
    try {
      const client = await openaiSession(pinging.openaiUrl)
      const pong = new Promise<Buffer>((resolve) => client.ws.once('pong', resolve))
      client.ws.ping(Buffer.from('hello'))
      expect((await pong).toString()).toBe('hello')
      await new Promise<void>((resolve) => client.ws.once('ping', () => resolve()))
      client.ws.close()
    } finally {
      await pinging.close()
    }
  })

  it('mints ephemeral keys over HTTP that the WebSocket accepts', async () => {
    const response = await fetch(`${server.url}/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ session: { type: 'realtime', instructions: 'Hi' } }),
    })
    const secret = (await response.json()) as { value: string; session: { instructions: string } }
    expect(secret.value).toMatch(/^ek_/)
    expect(secret.session.instructions).toBe('Hi')
    const client = rawClient(server.openaiUrl, {
      protocols: ['realtime', `openai-insecure-api-key.${secret.value}`],
    })
    await client.messages.next((message) => message.type === 'session.created')
    client.ws.close()
    const denied = await fetch(`${server.url}/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { Authorization: 'Bearer sk-bad' },
    })
    expect(denied.status).toBe(401)
  })

  it('remembers at most 1000 minted keys: past that, expired ones are forgotten first, then the oldest', () => {
    const clock = new ManualClock()
    const context = {
      clock,
      minted: new Map<string, number>(),
      options: { keys: { openai: ['sk-test'] } },
    } as unknown as ServerContext
    rememberMinted(context, 'ek_brief', 1_000)
    for (let i = 0; i < 999; i++) rememberMinted(context, `ek_${i}`, 600_000)
    clock.advance(2_000)
    // Below the cap an expired key is still known, so it is refused rather than taken for a new one.
    expect(acceptsCredential(context, 'openai', 'ek_brief')).toBe(false)
    expect(context.minted.size).toBe(1000)
    rememberMinted(context, 'ek_next', 600_000)
    expect([context.minted.size, context.minted.has('ek_brief')]).toEqual([1000, false])
    rememberMinted(context, 'ek_last', 600_000)
    expect([context.minted.size, context.minted.has('ek_0')]).toEqual([1000, false])
    expect(acceptsCredential(context, 'openai', 'ek_last')).toBe(true)
  })

  it('sets session.expires_at to when the session ends: 60 minutes, or connectionLifetimeMs', async () => {
    for (const [connectionLifetimeMs, expiresAt] of [
      [undefined, 3600],
      [120_000, 120],
    ] as const) {
      const timed = await createMockRealtimeServer({
        clock: new ManualClock(),
        pingIntervalMs: 0,
        ...(connectionLifetimeMs === undefined ? {} : { connectionLifetimeMs }),
      })
      try {
        const client = await openaiSession(timed.openaiUrl)
        expect(client.messages.items[0]).toMatchObject({ session: { expires_at: expiresAt } })
        client.ws.close()
      } finally {
        await timed.close()
      }
    }
  })
})
