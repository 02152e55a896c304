import { afterEach, describe, expect, it } from 'vitest'
import { parseRealtimeConfig } from '../../../../src/core/config'
import type { RealtimeConfigInput } from '../../../../src/core/config'
import type { ServerEvent } from '../../../../src/core/events'
import { GeminiRealtimeModel } from '../../../../src/core/providers/gemini/model'
import type { GeminiRealtimeModelOptions } from '../../../../src/core/providers/gemini/model'
import type { GeminiRealtimeSession } from '../../../../src/core/providers/gemini/session'
import { eventually, startTestServer } from '../test-server'
import type { TestPeer, TestServer } from '../test-server'

const servers: TestServer[] = []
const sessions: GeminiRealtimeSession[] = []
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

/** A minimal Live peer: answers `setup` with a binary `setupComplete` unless told otherwise. */
async function setup(
  onSetup: (peer: TestPeer, setup: Record<string, unknown>) => void = (peer) =>
    peer.sendJson({ setupComplete: {} }, true),
  options: Partial<GeminiRealtimeModelOptions> = {},
) {
  const server = await startTestServer((peer, message) => {
    if (message.setup !== undefined) onSetup(peer, message.setup as Record<string, unknown>)
  })
  servers.push(server)
  const model = new GeminiRealtimeModel({
    ...(options.vertex === undefined ? { apiKey: 'TEST_KEY' } : {}),
    baseUrl: server.url,
    ...options,
  })
  return { server, model, peerPromise: server.connection() }
}

async function connected(
  config: RealtimeConfigInput = {},
  options: Partial<GeminiRealtimeModelOptions> = {},
) {
  const { model, peerPromise } = await setup(undefined, options)
  const session = await model.connect(parseRealtimeConfig(config))
  sessions.push(session)
  const peer = await peerPromise
  const events: ServerEvent[] = []
  session.subscribe((event) => events.push(event))
  return { session, peer, events }
}

describe('GeminiRealtimeModel.connect', () => {
  it('should send setup first, ask for resumption handles, and resolve on a binary setupComplete', async () => {
    const { session, peer, events } = await connected({ instruction: 'Hi' })
    expect(peer.request.url).toBe(
      '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=TEST_KEY',
    )
    expect(peer.received[0]).toEqual({
      setup: {
        model: 'models/gemini-2.5-flash-native-audio-preview-09-2025',
        systemInstruction: { parts: [{ text: 'Hi' }], role: 'user' },
        sessionResumption: {},
      },
    })
    expect(events[0]).toEqual({ type: 'session.ready', session: {} })
    expect(session.capabilities).toMatchObject({
      liveContextMutation: false,
      inputSampleRate: 16000,
      outputSampleRate: 24000,
      sessionResumption: true,
    })
  })

  it('should resume with a handle and not re-seed history', async () => {
    const { model, peerPromise } = await setup()
    sessions.push(
      await model.connect(parseRealtimeConfig({ sessionResumption: { handle: 'h1' } }), {
        seedItems: [{ role: 'user', text: 'x' }],
      }),
    )
    const peer = await peerPromise
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(peer.received).toHaveLength(1)
    expect((peer.received[0]!.setup as { sessionResumption: unknown }).sessionResumption).toEqual({
      handle: 'h1',
    })
  })

  it('should seed history without a handle as one context turn', async () => {
    const { model, peerPromise } = await setup()
    sessions.push(
      await model.connect(
        {},
        {
          seedItems: [
            { role: 'user', text: 'Hi' },
            { role: 'assistant', text: 'Hello' },
          ],
        },
      ),
    )
    const peer = await peerPromise
    await eventually(() => peer.received.length === 2)
    expect(peer.received[1]).toEqual({
      clientContent: {
        turns: [
          { role: 'user', parts: [{ text: 'Hi' }] },
          { role: 'model', parts: [{ text: 'Hello' }] },
        ],
        turnComplete: false,
      },
    })
  })

  it.each([
    [1007, 'API Key not found. Please pass a valid API key.', 'auth_failed'],
    [1007, 'Request contains an invalid argument.', 'invalid_config'],
    [
      1008,
      'models/nope is not found for API version v1beta, or is not supported for bidiGenerateContent',
      'invalid_config',
    ],
    [1011, 'Internal error encountered.', 'server_error'],
  ])('should reject close %i "%s" before setupComplete with %s', async (code, reason, expected) => {
    const { model } = await setup((peer) => peer.socket.close(code, reason))
    await expect(model.connect({})).rejects.toMatchObject({ code: expected, providerCode: code })
  })

  it('should reject with timeout when setupComplete never comes', async () => {
    const { model } = await setup(() => {}, { connectTimeoutMs: 100 })
    await expect(model.connect({})).rejects.toMatchObject({ code: 'timeout' })
  })

  it('should reject with cancelled when aborted while waiting for setupComplete', async () => {
    const { model, peerPromise } = await setup(() => {})
    const controller = new AbortController()
    const connecting = model.connect({}, { signal: controller.signal })
    const peer = await peerPromise
    await peer.next()
    controller.abort()
    await expect(connecting).rejects.toMatchObject({ code: 'cancelled' })
  })

  it('should reject with the typed close error when the server refuses right after the upgrade', async () => {
    // The close can arrive with the 101, before the setup is sent.
    const { model, peerPromise } = await setup()
    void peerPromise.then((peer) =>
      peer.socket.close(1007, 'API Key not found. Please pass a valid API key.'),
    )
    await expect(model.connect({})).rejects.toMatchObject({
      code: 'auth_failed',
      providerCode: 1007,
    })
  })

  it('should reject with cancelled while the apiKey function runs, before dialling', async () => {
    const { server, model } = await setup(undefined, { apiKey: () => new Promise(() => {}) })
    let dialled = false
    void server.connection().then(() => (dialled = true))
    const controller = new AbortController()
    const connecting = model.connect({}, { signal: controller.signal })
    controller.abort()
    await expect(connecting).rejects.toMatchObject({ code: 'cancelled' })
    expect(dialled).toBe(false)
  })

  it('should connect to Vertex with a bearer token from the provider and the full model path', async () => {
    let calls = 0
    const { model, peerPromise } = await setup(
      (peer) => peer.sendJson({ setupComplete: { sessionId: 'c714f9ce' } }, true),
      {
        model: 'gemini-live-2.5-flash',
        vertex: {
          project: 'proj',
          location: 'us-central1',
          accessToken: async () => `token-${++calls}`,
        },
      },
    )
    const session = await model.connect({})
    sessions.push(session)
    const peer = await peerPromise
    expect(peer.request.url).toBe(
      '/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent',
    )
    expect(peer.request.headers.authorization).toBe('Bearer token-1')
    const setupFrame = peer.received[0]!.setup as { model: string; generationConfig?: unknown }
    expect(setupFrame.model).toBe(
      'projects/proj/locations/us-central1/publishers/google/models/gemini-live-2.5-flash',
    )
    expect(setupFrame.generationConfig).toEqual({ responseModalities: ['AUDIO'] })
    expect(session.providerSessionId).toBe('c714f9ce')
  })

  it('should report a failing token provider as auth_failed', async () => {
    const model = new GeminiRealtimeModel({
      vertex: {
        project: 'p',
        location: 'global',
        accessToken: () => Promise.reject(new Error('no ADC')),
      },
    })
    await expect(model.connect({})).rejects.toMatchObject({ code: 'auth_failed' })
  })

  it('should use BidiGenerateContentConstrained with access_token for an ephemeral token', async () => {
    const { model, peerPromise } = await setup(undefined, { apiKey: () => 'auth_tokens/eph' })
    sessions.push(await model.connect({}))
    const peer = await peerPromise
    const url = new URL(peer.request.url!, 'ws://x')
    expect(url.pathname).toBe(
      '/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained',
    )
    expect(url.searchParams.get('access_token')).toBe('auth_tokens/eph')
  })
})

describe('GeminiRealtimeSession', () => {
  it('should keep going after malformed, unknown and over-size frames', async () => {
    const { session, peer, events } = await connected({}, { maxInboundFrameBytes: 512 })
    peer.sendText('{oops')
    peer.sendJson({ brandNew: {} }, true)
    peer.sendJson({ serverContent: { turnComplete: 'yes' } }, true)
    peer.sendJson({ serverContent: { modelTurn: { parts: [{ text: 'x'.repeat(1000) }] } } }, true)
    peer.sendJson({ serverContent: { modelTurn: { parts: [{ text: 'ok' }] } } }, true)
    await eventually(() => events.some((event) => event.type === 'text.delta'))
    expect(
      events
        .slice(1, 6)
        .map((event) => [event.type, 'frameType' in event ? event.frameType : undefined]),
    ).toEqual([
      ['error', 'invalid_json'],
      ['raw', 'brandNew'],
      ['error', 'brandNew'],
      ['error', 'serverContent'],
      ['error', 'serverContent'],
    ])
    const codes = events.flatMap((event) => (event.type === 'error' ? [event.error.code] : []))
    expect(codes).toEqual(['protocol_error', 'protocol_error', 'protocol_error', 'frame_too_large'])
    expect(events.find((event) => event.type === 'text.delta')).toMatchObject({ delta: 'ok' })
    expect(session.isConnected()).toBe(true)
  })

  it('should send audio at 16 kHz, tool responses with id and name, and announce typed text', async () => {
    const { session, peer, events } = await connected()
    session.sendAudio(new Uint8Array([1, 0]))
    session.sendText('Hello')
    session.sendToolResult({ callId: 'fc_1', name: 'get_weather', output: { tempC: 21 } })
    session.createResponse()
    session.truncate('i', 100)
    session.clearAudio()
    session.commitAudio()
    await eventually(() => peer.received.length === 5)
    expect(peer.received.slice(1)).toEqual([
      { realtimeInput: { audio: { data: 'AQA=', mimeType: 'audio/pcm;rate=16000' } } },
      {
        clientContent: {
          turns: [{ parts: [{ text: 'Hello' }], role: 'user' }],
          turnComplete: true,
        },
      },
      {
        toolResponse: {
          functionResponses: [{ id: 'fc_1', name: 'get_weather', response: { tempC: 21 } }],
        },
      },
      { realtimeInput: { audioStreamEnd: true } },
    ])
    expect(events.find((event) => event.type === 'item.added')).toMatchObject({
      kind: 'message',
      role: 'user',
      text: 'Hello',
    })
  })

  it('should use realtimeInput.text for Gemini 3 models', async () => {
    const { session, peer } = await connected({ model: 'gemini-3.1-flash-live-preview' })
    session.sendText('Hi')
    await eventually(() => peer.received.length === 2)
    expect(peer.received[1]).toEqual({ realtimeInput: { text: 'Hi' } })
  })

  it('should seed history at connect on Gemini 3 but refuse mid-session system and assistant text', async () => {
    const { model, peerPromise } = await setup()
    const session = await model.connect(
      parseRealtimeConfig({ model: 'gemini-3.1-flash-live-preview' }),
      { seedItems: [{ role: 'assistant', text: 'Hello' }] },
    )
    sessions.push(session)
    const peer = await peerPromise
    // Seeding the initial history is the one use of clientContent these models accept.
    await eventually(() => peer.received.length === 2)
    expect(peer.received[1]).toEqual({
      clientContent: {
        turns: [{ role: 'model', parts: [{ text: 'Hello' }] }],
        turnComplete: false,
      },
    })
    for (const role of ['system', 'assistant'] as const) {
      expect(() => session.sendEvent({ type: 'text', text: 'Rule', role })).toThrow(
        expect.objectContaining({ code: 'unsupported' }),
      )
    }
    // Nothing went out, and the session is still usable.
    session.sendText('Hi')
    await eventually(() => peer.received.length === 3)
    expect(peer.received[2]).toEqual({ realtimeInput: { text: 'Hi' } })
    expect(session.isConnected()).toBe(true)
  })

  it('should signal activity start and end in manual mode', async () => {
    const { session, peer } = await connected({ turnDetection: { mode: 'none' } })
    session.sendAudio(new Uint8Array(2))
    session.sendAudio(new Uint8Array(2))
    session.commitAudio()
    session.interrupt()
    await eventually(() => peer.received.length === 6)
    expect(peer.received.slice(1).map((m) => Object.keys(m.realtimeInput as object)[0])).toEqual([
      'activityStart',
      'audio',
      'audio',
      'activityEnd',
      'activityStart',
    ])
  })

  it('should answer every context mutation with requiresResumption', async () => {
    const { session } = await connected()
    const next = parseRealtimeConfig({ instruction: 'New' })
    await expect(session.mutateContext(next)).resolves.toEqual({
      kind: 'requiresResumption',
      config: next,
    })
  })

  it('should report a server close after setup with a typed error and end the stream', async () => {
    const { session, peer } = await connected()
    peer.socket.close(1008, 'The operation was aborted.')
    await expect(session.closed).resolves.toMatchObject({
      code: 1008,
      initiatedBy: 'server',
      error: { code: 'connection_failed', retriable: true },
    })
    expect(() => session.sendAudio(new Uint8Array(2))).toThrow(
      expect.objectContaining({ code: 'not_connected' }),
    )
  })

  it('should close cleanly from the client', async () => {
    const { session } = await connected()
    await session.close()
    const reason = await session.closed
    expect(reason).toMatchObject({ code: 1000, initiatedBy: 'client' })
    expect(reason.error).toBeUndefined()
  })
})
