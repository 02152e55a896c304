import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockRealtimeServer, type MockRealtimeServer } from '../../../src/testing'
import { geminiSession, rawClient } from '../../conformance/mock-helpers'

/**
 * Gemini Live connection set-up (wire-protocols §1.2–1.4, §1.7): `/ws/…` and `//ws/…` paths for
 * AI Studio, the constrained endpoint for ephemeral tokens, Vertex with a bearer token, binary
 * server frames, and failures reported as close codes with the service's reason text.
 */
let server: MockRealtimeServer
let ws: string

beforeAll(async () => {
  server = await createMockRealtimeServer({ keys: { gemini: ['TEST_KEY', 'oauth-token'] } })
  ws = server.url.replace(/^http/, 'ws')
})

afterAll(async () => {
  await server.close()
})

const STUDIO = 'ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent'
const CONSTRAINED =
  'ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained'
const VERTEX = 'ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent'
const MODEL = 'models/gemini-live-2.5-flash-preview'

async function setupAndClose(
  url: string,
  setup: Record<string, unknown> = { model: MODEL },
  headers: Record<string, string> = {},
) {
  const client = rawClient(url, { headers })
  await client.opened
  client.send({ setup })
  return client.closed
}

describe('Gemini connection set-up', () => {
  it.each([
    ['/ws/…', `/${STUDIO}`],
    ['//ws/… (what @google/genai requests)', `//${STUDIO}`],
  ])('accepts %s and answers setup with a binary setupComplete {}', async (_label, path) => {
    const client = rawClient(`${ws}${path}?key=TEST_KEY`)
    await client.opened
    client.send({ setup: { model: MODEL } })
    const complete = await client.messages.next((message) => message.setupComplete !== undefined)
    expect(complete).toEqual({ setupComplete: {}, __binary: true })
    client.ws.close()
  })

  it('accepts the key in the x-goog-api-key header', async () => {
    const client = rawClient(`${ws}/${STUDIO}`, { headers: { 'x-goog-api-key': 'TEST_KEY' } })
    await client.opened
    client.send({ setup: { model: MODEL } })
    await client.messages.next((message) => message.setupComplete !== undefined)
    client.ws.close()
  })

  it('closes 1007 with the service reason for a bad or missing key', async () => {
    const reason = 'API Key not found. Please pass a valid API key.'
    expect(await setupAndClose(`${ws}//${STUDIO}?key=WRONG`)).toEqual({ code: 1007, reason })
    expect(await setupAndClose(`${ws}//${STUDIO}`)).toEqual({ code: 1007, reason })
  })

  it('accepts an ephemeral token minted over HTTP on BidiGenerateContentConstrained, and refuses others', async () => {
    const response = await fetch(`${server.url}/v1alpha/auth_tokens`, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'TEST_KEY', 'content-type': 'application/json' },
      body: JSON.stringify({ uses: 1 }),
    })
    const token = (await response.json()) as { name: string }
    expect(token.name).toMatch(/^auth_tokens\//)
    const client = rawClient(`${ws}//${CONSTRAINED}?access_token=${token.name}`)
    await client.opened
    client.send({ setup: { model: MODEL } })
    await client.messages.next((message) => message.setupComplete !== undefined)
    client.ws.close()
    const refused = await setupAndClose(`${ws}//${CONSTRAINED}?access_token=auth_tokens/forged`)
    expect(refused.code).toBe(1007)
  })

  it('speaks the Vertex variant: bearer auth and setupComplete with a sessionId', async () => {
    const client = rawClient(`${ws}//${VERTEX}`, {
      headers: { authorization: 'Bearer oauth-token' },
    })
    await client.opened
    client.send({
      setup: {
        model:
          'projects/p/locations/us-central1/publishers/google/models/gemini-2.0-flash-live-preview-04-09',
      },
    })
    const complete = await client.messages.next((message) => message.setupComplete !== undefined)
    expect(complete.setupComplete).toEqual({
      sessionId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
    })
    client.send({
      clientContent: { turns: [{ role: 'user', parts: [{ text: 'Hi' }] }], turnComplete: true },
    })
    const audio = await client.messages.next((message) =>
      Boolean((message.serverContent as { modelTurn?: unknown } | undefined)?.modelTurn),
    )
    expect(audio.serverContent).toMatchObject({
      modelTurn: { role: 'model', parts: [{ inlineData: { mimeType: 'audio/pcm' } }] },
    })
    const done = await client.messages.next((message) =>
      Boolean((message.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete),
    )
    expect(done.usageMetadata).toMatchObject({ candidatesTokenCount: expect.any(Number) })
    client.ws.close()
    const refused = await setupAndClose(
      `${ws}//${VERTEX}`,
      { model: 'publishers/google/models/gemini-2.0-flash-live-preview-04-09' },
      { authorization: 'Bearer expired' },
    )
    expect(refused.code).toBe(1007)
  })

  it('closes 1008 for an unknown model, naming it and the API version', async () => {
    const closed = await setupAndClose(`${ws}//${STUDIO}?key=TEST_KEY`, {
      model: 'models/not-a-model',
    })
    expect(closed).toEqual({
      code: 1008,
      reason:
        'models/not-a-model is not found for API version v1beta, or is not supported for bidiGenerateContent',
    })
  })

  it('closes 1007 for a message before setup, a second setup, or an unknown field', async () => {
    const early = rawClient(`${ws}//${STUDIO}?key=TEST_KEY`)
    await early.opened
    early.send({ clientContent: { turns: [], turnComplete: true } })
    expect(await early.closed).toEqual({
      code: 1007,
      reason: 'Request contains an invalid argument.',
    })

    const twice = await geminiSession(server.url, {})
    twice.send({ setup: { model: MODEL } })
    expect((await twice.closed).code).toBe(1007)

    const unknown = await geminiSession(server.url, {})
    unknown.send({ realtime_input_config: {} })
    expect(await unknown.closed).toEqual({
      code: 1007,
      reason:
        'Invalid JSON payload received. Unknown name "realtimeInputConfig": Cannot find field.',
    })
  })

  it('accepts snake_case client messages (Python SDK) and URL-safe base64 audio', async () => {
    const client = await geminiSession(server.url, {})
    client.send({
      client_content: {
        turns: [{ role: 'user', parts: [{ text: 'Hello' }] }],
        turn_complete: true,
      },
    })
    await client.messages.next((message) =>
      Boolean((message.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete),
    )
    client.send({
      realtime_input: { audio: { data: '-_8AAP__', mime_type: 'audio/pcm;rate=16000' } },
    })
    client.send({ realtime_input: { text: 'Still there?' } })
    const second = client.messages.length
    await client.messages.next(
      (message) =>
        Boolean((message.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete),
      second,
    )
    const kinds = server.log.kinds(
      server.log.connections[server.log.connections.length - 1]!.id,
      'in',
    )
    expect(kinds).toEqual(['setup', 'clientContent', 'realtimeInput.audio', 'realtimeInput.text'])
    client.ws.close()
  })
})
