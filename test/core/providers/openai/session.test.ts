import { afterEach, describe, expect, it } from 'vitest'
import { parseRealtimeConfig } from '../../../../src/core/config'
import type { RealtimeConfigInput } from '../../../../src/core/config'
import type { ServerEvent } from '../../../../src/core/events'
import { OpenAIRealtimeModel } from '../../../../src/core/providers/openai/model'
import type { OpenAIRealtimeModelOptions } from '../../../../src/core/providers/openai/model'
import type { OpenAIRealtimeSession } from '../../../../src/core/providers/openai/session'
import { fakeFactory } from '../../transport/fake-socket'
import { eventually, startTestServer } from '../test-server'
import type { TestPeer, TestServer } from '../test-server'

const servers: TestServer[] = []
const sessions: OpenAIRealtimeSession[] = []
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()))
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

/** A minimal GA peer: `session.created` on connect, `session.updated` for every update. */
async function setup(
  options: { ack?: (peer: TestPeer, update: Record<string, unknown>) => boolean } = {},
  modelOptions: Partial<OpenAIRealtimeModelOptions> = {},
) {
  const server = await startTestServer((peer, message) => {
    if (message.type !== 'session.update') return
    if (options.ack?.(peer, message) === false) return
    peer.sendJson({
      type: 'session.updated',
      event_id: 'srv_u',
      session: { id: 'sess_1', ...(message.session as object) },
    })
  })
  servers.push(server)
  const model = new OpenAIRealtimeModel({
    apiKey: 'sk-test',
    url: `${server.url}/v1/realtime`,
    ...modelOptions,
  })
  const peerPromise = server.connection().then((peer) => {
    peer.sendJson({ type: 'session.created', event_id: 'srv_c', session: { id: 'sess_1' } })
    return peer
  })
  return { server, model, peerPromise }
}

async function connected(
  config: RealtimeConfigInput = {},
  modelOptions: Partial<OpenAIRealtimeModelOptions> = {},
) {
  const { model, peerPromise } = await setup({}, modelOptions)
  const session = await model.connect(parseRealtimeConfig(config))
  sessions.push(session)
  const peer = await peerPromise
  const events: ServerEvent[] = []
  session.subscribe((event) => events.push(event))
  return { session, peer, events }
}

describe('OpenAIRealtimeModel.connect', () => {
  it('should resolve after session.updated and announce session.ready first', async () => {
    const { session, peer, events } = await connected({ instruction: 'Hi' })
    const update = peer.received[0]!
    expect(update).toMatchObject({
      type: 'session.update',
      session: { type: 'realtime', instructions: 'Hi' },
    })
    expect(typeof update.event_id).toBe('string')
    expect(events[0]).toMatchObject({ type: 'raw', frameType: 'session.created' })
    expect(events[1]).toMatchObject({ type: 'session.ready', providerSessionId: 'sess_1' })
    expect(session.providerSessionId).toBe('sess_1')
    expect(session.isConnected()).toBe(true)
    expect(session.capabilities).toMatchObject({
      liveContextMutation: true,
      inputSampleRate: 24000,
      truncation: true,
    })
  })

  it('should reject with invalid_config when the server refuses the config', async () => {
    const { model } = await setup({
      ack: (peer, update) => {
        peer.sendJson({
          type: 'error',
          event_id: 'e',
          error: {
            type: 'invalid_request_error',
            code: 'unknown_parameter',
            message: "Unknown parameter: 'session.foo'.",
            param: 'session.foo',
            event_id: update.event_id,
          },
        })
        return false
      },
    })
    await expect(model.connect(parseRealtimeConfig({ extra: { foo: 1 } }))).rejects.toMatchObject({
      code: 'invalid_config',
      providerCode: 'unknown_parameter',
      path: 'session.foo',
    })
  })

  it.each([
    [3000, 'invalid_request_error.invalid_api_key', 'invalid_api_key', 'auth_failed'],
    [4000, 'invalid_request_error.invalid_model', 'invalid_model', 'invalid_config'],
    [
      4000,
      'invalid_request_error.beta_api_shape_disabled',
      'beta_api_shape_disabled',
      'invalid_config',
    ],
    [1011, 'internal error', 'server_error', 'server_error'],
  ])('should reject close %i (%s) with %s', async (code, reason, errorCode, expected) => {
    const { model } = await setup({
      ack: (peer) => {
        peer.sendJson({
          type: 'error',
          event_id: 'e',
          error: { type: 'invalid_request_error', code: errorCode, message: 'no' },
        })
        peer.socket.close(code, reason)
        return false
      },
    })
    await expect(model.connect({})).rejects.toMatchObject({ code: expected, providerCode: code })
  })

  it('should reject with timeout when the update is never acknowledged', async () => {
    const { model } = await setup({ ack: () => false }, { connectTimeoutMs: 100 })
    await expect(model.connect({})).rejects.toMatchObject({ code: 'timeout' })
  })

  it('should reject with cancelled and close the socket when aborted while waiting', async () => {
    const { model, peerPromise } = await setup({ ack: () => false })
    const controller = new AbortController()
    const connecting = model.connect({}, { signal: controller.signal })
    const peer = await peerPromise
    await peer.next()
    const closed = new Promise((resolve) => peer.socket.once('close', resolve))
    controller.abort()
    await expect(connecting).rejects.toMatchObject({ code: 'cancelled' })
    await closed
  })

  it('should reject with cancelled at once when aborted during setup, whatever the peer does', async () => {
    const { factory, sockets } = fakeFactory()
    const model = new OpenAIRealtimeModel({ apiKey: 'sk-test', webSocketFactory: factory })
    const controller = new AbortController()
    const connecting = model.connect({}, { signal: controller.signal })
    await eventually(() => sockets.length === 1)
    sockets[0]!.open('realtime')
    await eventually(() => sockets[0]!.sent.length === 1) // session.update, never answered
    controller.abort()
    // The peer never answers the close either: the grace period (3 s) must not hold the caller.
    const outcome = await Promise.race([
      connecting.catch((error: { code: string }) => error.code),
      new Promise((resolve) => setTimeout(() => resolve('still pending'), 1_000)),
    ])
    expect(outcome).toBe('cancelled')
    expect(sockets[0]!.closeCalls).toHaveLength(1)
  })

  it('should reject with cancelled while the apiKey function runs, before dialling', async () => {
    const { factory, sockets } = fakeFactory()
    const model = new OpenAIRealtimeModel({
      apiKey: () => new Promise<string>(() => {}),
      webSocketFactory: factory,
    })
    const controller = new AbortController()
    const connecting = model.connect({}, { signal: controller.signal })
    controller.abort()
    await expect(connecting).rejects.toMatchObject({ code: 'cancelled' })
    expect(sockets).toHaveLength(0)
  })

  it('should reject with the typed close error when the server refuses right after the upgrade', async () => {
    // The error and the close 3000 can arrive with the 101, before the first session.update.
    const server = await startTestServer()
    servers.push(server)
    void server.connection().then((peer) => {
      peer.sendJson({
        type: 'error',
        error: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Bad key' },
      })
      peer.socket.close(3000, 'invalid_request_error.invalid_api_key')
    })
    const model = new OpenAIRealtimeModel({ apiKey: 'sk-bad', url: `${server.url}/v1/realtime` })
    const error = await model.connect({}).catch((caught: unknown) => caught)
    // The message comes from the error event: the close stayed server-initiated.
    expect(error).toMatchObject({ code: 'auth_failed', providerCode: 3000 })
    expect((error as Error).message).toContain('Bad key')
  })

  it('should seed conversation items after the config is acknowledged', async () => {
    const { model, peerPromise } = await setup()
    const session = await model.connect(
      {},
      {
        seedItems: [
          { role: 'user', text: 'Hi' },
          { role: 'assistant', text: 'Hello!' },
        ],
      },
    )
    sessions.push(session)
    const peer = await peerPromise
    await eventually(() => peer.received.length === 3)
    expect(peer.received.slice(1).map((m) => m.item)).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Hi' }],
        id: expect.stringMatching(/^adk_\w+_seed_1$/),
      },
      {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hello!' }],
        id: expect.stringMatching(/^adk_\w+_seed_2$/),
      },
    ])
  })

  it('should mark the echo of a seeded item as seeded (it is not new conversation)', async () => {
    const { model, peerPromise } = await setup()
    const session = await model.connect({}, { seedItems: [{ role: 'user', text: 'Hi' }] })
    sessions.push(session)
    const events: ServerEvent[] = []
    session.subscribe((event) => events.push(event))
    const peer = await peerPromise
    await eventually(() => peer.received.length === 2)
    const seeded = (peer.received[1]!.item as { id: string }).id
    for (const id of [seeded, 'item_new']) {
      peer.sendJson({
        type: 'conversation.item.added',
        event_id: `srv_${id}`,
        previous_item_id: null,
        item: { id, type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
      })
    }
    await eventually(() => events.filter((e) => e.type === 'item.added').length === 2)
    const added = events.filter((event) => event.type === 'item.added')
    expect(added.map((event) => [event.itemId, event.seeded])).toEqual([
      [seeded, true],
      ['item_new', undefined],
    ])
  })
})

describe('OpenAI authentication', () => {
  it('should send Authorization, organization and project headers in Node', async () => {
    const { model, peerPromise } = await setup(
      {},
      { organization: 'org_1', project: 'proj_1', model: 'gpt-realtime-mini' },
    )
    sessions.push(await model.connect({}))
    const peer = await peerPromise
    expect(peer.request.url).toBe('/v1/realtime?model=gpt-realtime-mini')
    expect(peer.request.headers).toMatchObject({
      authorization: 'Bearer sk-test',
      'openai-organization': 'org_1',
      'openai-project': 'proj_1',
    })
    expect(peer.request.headers['openai-beta']).toBeUndefined()
  })

  it('should use realtime + openai-insecure-api-key subprotocols with an ephemeral key', async () => {
    const { model, peerPromise } = await setup(
      {},
      { auth: 'subprotocol', apiKey: async () => 'ek_test_1' },
    )
    const session = await model.connect({})
    sessions.push(session)
    const peer = await peerPromise
    expect(peer.request.headers['sec-websocket-protocol']?.split(/,\s*/)).toEqual([
      'realtime',
      'openai-insecure-api-key.ek_test_1',
    ])
    expect(peer.request.headers.authorization).toBeUndefined()
  })

  it('should refuse a standard key in subprotocol auth unless explicitly allowed', async () => {
    const { model } = await setup({}, { auth: 'subprotocol' })
    await expect(model.connect({})).rejects.toMatchObject({
      code: 'invalid_config',
      path: 'apiKey',
    })
    const allowed = new OpenAIRealtimeModel({
      apiKey: 'sk-test',
      url: `${servers[0]!.url}/v1/realtime`,
      auth: 'subprotocol',
      dangerouslyAllowApiKeyInBrowser: true,
    })
    sessions.push(await allowed.connect({}))
  })
})

describe('OpenAIRealtimeSession', () => {
  it('should keep going after malformed, unknown and over-size frames', async () => {
    const { session, peer, events } = await connected({}, { maxInboundFrameBytes: 1024 })
    peer.sendText('{not json')
    peer.sendJson({ type: 'brand.new_event', event_id: 'x1' })
    peer.sendJson({
      type: 'response.output_text.delta',
      event_id: 'x2',
      response_id: 'r',
      item_id: 'i',
      output_index: 0,
      content_index: 0,
      delta: 5,
    })
    peer.sendJson({ type: 'response.output_text.delta', event_id: 'x3', delta: 'y'.repeat(2000) })
    peer.sendJson({
      type: 'input_audio_buffer.speech_started',
      event_id: 'x4',
      audio_start_ms: 1,
      item_id: 'i1',
    })
    await eventually(() => events.some((event) => event.type === 'speech.started'))
    const tail = events.slice(2)
    expect(
      tail.map((event) => [event.type, 'frameType' in event ? event.frameType : undefined]),
    ).toEqual([
      ['error', 'invalid_json'],
      ['raw', 'brand.new_event'],
      ['error', 'brand.new_event'],
      ['error', 'response.output_text.delta'],
      ['error', 'response.output_text.delta'],
      ['speech.started', undefined],
    ])
    const codes = tail
      .filter((event) => event.type === 'error')
      .map((event) => (event.type === 'error' ? event.error.code : ''))
    expect(codes).toEqual(['protocol_error', 'protocol_error', 'protocol_error', 'frame_too_large'])
    expect(session.isConnected()).toBe(true)
  })

  it('should give every message but audio appends an event_id, and map each operation', async () => {
    const { session, peer } = await connected()
    session.sendAudio(new Uint8Array([1, 0, 2, 0]))
    session.commitAudio()
    session.clearAudio()
    session.sendText('hello')
    session.sendToolResult({ callId: 'c1', name: 'f', output: { ok: true } })
    session.createResponse({ instructions: 'Short.', modalities: ['text'] })
    session.interrupt()
    session.sendEvent({ type: 'raw', data: { type: 'conversation.item.delete', item_id: 'i9' } })
    await eventually(() => peer.received.length === 10)
    const sent = peer.received.slice(1)
    expect(sent.map((m) => m.type)).toEqual([
      'input_audio_buffer.append',
      'input_audio_buffer.commit',
      'input_audio_buffer.clear',
      'conversation.item.create',
      'response.create',
      'conversation.item.create',
      'response.create',
      'response.cancel',
      'conversation.item.delete',
    ])
    expect(sent[0]).toEqual({ type: 'input_audio_buffer.append', audio: 'AQACAA==' })
    expect(sent.slice(1, 8).every((m) => typeof m.event_id === 'string')).toBe(true)
    const ids = sent.slice(1, 8).map((m) => m.event_id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(sent[5]).toMatchObject({
      item: { type: 'function_call_output', call_id: 'c1', output: '{"ok":true}' },
    })
    expect(sent[6]).toMatchObject({
      response: { instructions: 'Short.', output_modalities: ['text'] },
    })
    expect(sent[8]).toEqual({ type: 'conversation.item.delete', item_id: 'i9' })
  })

  it('should correlate an error with the response.create that caused it', async () => {
    const { session, peer, events } = await connected()
    session.createResponse()
    const request = await peer.next().then(() => peer.next())
    peer.sendJson({
      type: 'error',
      event_id: 'e5',
      error: {
        type: 'invalid_request_error',
        code: 'conversation_already_has_active_response',
        message: 'busy',
        event_id: request.event_id,
      },
    })
    await eventually(() => events.some((event) => event.type === 'error'))
    expect(events.find((event) => event.type === 'error')).toMatchObject({
      frameType: 'response.create',
      clientEventId: request.event_id,
    })
  })

  it('should send only the changed fields on mutateContext and resolve applied on ack', async () => {
    const { session, peer } = await connected({ instruction: 'A', voice: 'marin' })
    await peer.next()
    await expect(
      session.mutateContext(parseRealtimeConfig({ instruction: 'B', voice: 'marin' })),
    ).resolves.toEqual({ kind: 'applied' })
    const update = await peer.next()
    expect(update.session).toEqual({ type: 'realtime', instructions: 'B' })
    // Nothing changed: nothing sent.
    await expect(
      session.mutateContext(parseRealtimeConfig({ instruction: 'B', voice: 'marin' })),
    ).resolves.toEqual({ kind: 'applied' })
    expect(peer.received).toHaveLength(2)
  })

  it('should reject a refused update with update_rejected, once, not as a stream event', async () => {
    const { model, peerPromise } = await setup({
      ack: (peer, update) => {
        if (
          (update.session as { audio?: unknown }).audio === undefined ||
          peer.received.length === 1
        )
          return true
        peer.sendJson({
          type: 'error',
          event_id: 'e',
          error: {
            type: 'invalid_request_error',
            code: 'cannot_update_voice',
            message: 'Cannot update voice',
            param: 'session.audio.output.voice',
            event_id: update.event_id,
          },
        })
        return false
      },
    })
    const session = await model.connect(parseRealtimeConfig({ voice: 'marin' }))
    sessions.push(session)
    await peerPromise
    const events: ServerEvent[] = []
    session.subscribe((event) => events.push(event))
    await expect(
      session.mutateContext(parseRealtimeConfig({ voice: 'cedar' })),
    ).rejects.toMatchObject({
      code: 'update_rejected',
      providerCode: 'cannot_update_voice',
    })
    expect(events.filter((event) => event.type === 'error')).toEqual([])
    // The applied config is unchanged, so retrying the same change sends it again.
    await expect(
      session.mutateContext(parseRealtimeConfig({ voice: 'cedar' })),
    ).rejects.toMatchObject({ code: 'update_rejected' })
  })

  it('should report G.711 sessions at 8 kHz and encode input audio', async () => {
    const { session, peer } = await connected({
      inputAudioFormat: 'g711_ulaw',
      outputAudioFormat: 'g711_alaw',
    })
    expect(session.capabilities).toMatchObject({ inputSampleRate: 8000, outputSampleRate: 8000 })
    session.sendAudio(new Uint8Array(4))
    await eventually(() => peer.received.length === 2)
    expect(Buffer.from(String(peer.received[1]!.audio), 'base64')).toHaveLength(2)
    expect(() => session.sendAudio(new Uint8Array(3))).toThrow(
      expect.objectContaining({ code: 'invalid_audio' }),
    )
  })

  it('should clamp a truncation to the audio actually received for the item', async () => {
    const { session, peer, events } = await connected()
    const pcm = Buffer.alloc(4800) // 100 ms at 24 kHz
    peer.sendJson({
      type: 'response.output_audio.delta',
      event_id: 'a',
      response_id: 'r',
      item_id: 'item_a',
      output_index: 0,
      content_index: 0,
      delta: pcm.toString('base64'),
    })
    await eventually(() => events.some((event) => event.type === 'audio.delta'))
    session.truncate('item_a', 250.4)
    session.truncate('unknown_item', 120.6)
    await eventually(() => peer.received.length === 3)
    expect(peer.received[1]).toMatchObject({
      type: 'conversation.item.truncate',
      item_id: 'item_a',
      content_index: 0,
      audio_end_ms: 100,
    })
    expect(peer.received[2]).toMatchObject({ audio_end_ms: 121 })
  })

  it('should close with a client reason and refuse sends afterwards', async () => {
    const { session } = await connected()
    await session.close()
    await expect(session.closed).resolves.toMatchObject({ code: 1000, initiatedBy: 'client' })
    expect((await session.closed).error).toBeUndefined()
    expect(session.isConnected()).toBe(false)
    expect(() => session.sendText('x')).toThrow(expect.objectContaining({ code: 'not_connected' }))
  })

  it('should end the event iterator and report a typed error when the server drops', async () => {
    const { session, peer } = await connected()
    const iterator = session.events()
    peer.socket.close(1011, 'boom')
    const reason = await session.closed
    expect(reason).toMatchObject({
      code: 1011,
      initiatedBy: 'server',
      error: { code: 'server_error', retriable: true },
    })
    for await (const _event of iterator) {
      // drains the held events, then ends
    }
  })

  describe('the error a close is blamed on: only one the server closed right after', () => {
    /** The harmless error the server sends for a cancel that found no active response. */
    const cancelNotActive = {
      type: 'error',
      event_id: 'e_err',
      error: {
        type: 'invalid_request_error',
        code: 'response_cancel_not_active',
        message: 'Cancellation failed: no active response found',
      },
    }

    async function afterError() {
      const { session, peer, events } = await connected()
      peer.sendJson(cancelNotActive)
      await eventually(() => events.some((event) => event.type === 'error'))
      return { session, peer, events }
    }

    it('should attach the error a fatal close follows (3000, 4000)', async () => {
      const { session, peer, events } = await connected()
      peer.sendJson({
        type: 'error',
        event_id: 'e_err',
        error: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Bad key' },
      })
      peer.socket.close(3000, 'invalid_request_error.invalid_api_key')
      const reason = await session.closed
      const sent = events.find((event) => event.type === 'error')
      expect(reason.error).toMatchObject({ code: 'auth_failed', cause: sent?.error })
      expect(reason.error?.message).toContain('Bad key')
    })

    it('should not attach an error once another frame followed it', async () => {
      const { session, peer, events } = await afterError()
      peer.sendJson({ type: 'rate_limits.updated', event_id: 'e_rl', rate_limits: [] })
      await eventually(() => events.some((event) => event.type === 'rateLimits'))
      peer.socket.close(1011, 'internal error')
      const reason = await session.closed
      expect(reason.error).toMatchObject({ code: 'server_error' })
      expect(reason.error?.cause).toBeUndefined()
      expect(reason.error?.message).not.toContain('Cancellation failed')
    })

    it('should not attach an error to a network drop (no close frame)', async () => {
      const { session, peer } = await afterError()
      peer.socket.terminate()
      const reason = await session.closed
      expect(reason).toMatchObject({ code: 1006, initiatedBy: 'network' })
      expect(reason.error).toMatchObject({ code: 'connection_failed' })
      expect(reason.error?.cause).toBeUndefined()
      expect(reason.error?.message).not.toContain('Cancellation failed')
    })
  })

  it('should refuse a session.update client event (a runner intent)', async () => {
    const { session } = await connected()
    expect(() => session.sendEvent({ type: 'session.update', update: {} })).toThrow(
      expect.objectContaining({ code: 'unsupported' }),
    )
  })
})
