import OpenAI from 'openai'
import { OpenAIRealtimeWS } from 'openai/realtime/ws'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createMockBrain,
  createMockRealtimeServer,
  type MockRealtimeServer,
} from '../../src/testing'
import {
  geminiSession,
  Inbox,
  makeSelfSignedCert,
  ManualClock,
  openaiSession,
  openaiTextTurn,
  rawClient,
  tone,
  typesOf,
} from './mock-helpers'

/**
 * Every fault the mock can inject, and what a client sees when it happens. Close codes follow the
 * services: a network drop is 1006 (no close frame), Gemini's internal errors are 1011 with the
 * service's reason text, OpenAI's server errors are `error` events of type `server_error` that leave
 * the socket open.
 */
let server: MockRealtimeServer

afterEach(async () => {
  await server.close()
})

const turnComplete = (message: Record<string, unknown>) =>
  (message.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete === true

/** A Gemini session that says `text`, hangs up and leaves the resumable handle it was given. */
async function handleAfterTurn(url: string, text: string): Promise<string> {
  const first = await geminiSession(url, { sessionResumption: {}, outputAudioTranscription: {} })
  first.send({ realtimeInput: { text } })
  await first.messages.next(turnComplete)
  const handle = await first.messages
    .next(
      (message) =>
        'sessionResumptionUpdate' in message && first.messages.items.indexOf(message) > 2,
    )
    .then((message) => (message.sessionResumptionUpdate as { newHandle: string }).newHandle)
  first.ws.close()
  await first.closed
  return handle
}

describe('fault: drop', () => {
  it('after N frames: the client gets exactly N frames, then an abnormal close (1006)', async () => {
    server = await createMockRealtimeServer({
      pingIntervalMs: 0,
      faults: [{ type: 'drop', afterFrames: 3 }],
    })
    const client = await openaiSession(server.openaiUrl)
    client.send({ type: 'session.update', session: { type: 'realtime' } })
    client.send({ type: 'response.create' })
    expect(await client.closed).toEqual({ code: 1006, reason: '' })
    expect(typesOf(client)).toEqual(['session.created', 'session.updated', 'response.created'])
    expect(server.log.connections[0]?.close).toMatchObject({ code: 1006, initiatedBy: 'server' })
  })

  it('with a close frame when scripted so: the client sees that code and reason', async () => {
    server = await createMockRealtimeServer({
      pingIntervalMs: 0,
      faults: [{ type: 'drop', afterFrames: 1, close: { code: 1001, reason: 'going away' } }],
    })
    const client = await openaiSession(server.openaiUrl)
    expect(await client.closed).toEqual({ code: 1001, reason: 'going away' })
  })

  it('is scripted per connection: only the second connection drops', async () => {
    server = await createMockRealtimeServer({
      pingIntervalMs: 0,
      faults: ({ index }) => (index === 1 ? [{ type: 'drop', afterFrames: 1 }] : []),
    })
    const first = await openaiSession(server.openaiUrl)
    const second = await openaiSession(server.openaiUrl)
    expect((await second.closed).code).toBe(1006)
    first.send({ type: 'input_audio_buffer.clear' })
    await first.messages.next((message) => message.type === 'input_audio_buffer.cleared')
    first.ws.close()
  })

  it('mid-response (OpenAI): audio has started, then 1006 and no response.done', async () => {
    server = await createMockRealtimeServer({
      pingIntervalMs: 0,
      faults: [{ type: 'dropMidResponse', afterAudioChunks: 2 }],
    })
    const client = await openaiSession(server.openaiUrl)
    client.send({ type: 'response.create' })
    expect((await client.closed).code).toBe(1006)
    const types = typesOf(client)
    expect(types.filter((type) => type === 'response.output_audio.delta')).toHaveLength(2)
    expect(types.at(-1)).toBe('response.output_audio.delta')
    expect(types).not.toContain('response.done')
  })

  it('mid-response (Gemini): audio parts, then 1006 and no turnComplete', async () => {
    server = await createMockRealtimeServer({ faults: [{ type: 'dropMidResponse' }] })
    const client = await geminiSession(server.url, {})
    client.send({ realtimeInput: { text: 'Hello.' } })
    expect((await client.closed).code).toBe(1006)
    expect(client.messages.items.some(turnComplete)).toBe(false)
    const last = client.messages.items.at(-1) as {
      serverContent?: { modelTurn?: { parts: Array<{ inlineData?: unknown }> } }
    }
    expect(last.serverContent?.modelTurn?.parts[0]?.inlineData).toBeDefined()
  })

  it('mid-response counts the chunks of each response: injected after a turn, it drops the next one at that chunk', async () => {
    server = await createMockRealtimeServer({ pingIntervalMs: 0 })
    const openai = await openaiSession(server.openaiUrl)
    await openaiTextTurn(openai, 'Hello there, my friend.', 'response.done')
    const gemini = await geminiSession(server.url, {})
    gemini.send({ realtimeInput: { text: 'Hello there, my friend.' } })
    await gemini.messages.next(turnComplete)
    for (const connection of server.connections()) {
      connection.inject({ type: 'dropMidResponse', afterAudioChunks: 3 })
    }
    const fromOpenAI = openai.messages.length
    openai.send({ type: 'response.create' })
    const fromGemini = gemini.messages.length
    gemini.send({ realtimeInput: { text: 'Hello again.' } })
    expect((await openai.closed).code).toBe(1006)
    expect((await gemini.closed).code).toBe(1006)
    const openaiChunks = typesOf(openai, fromOpenAI).filter(
      (type) => type === 'response.output_audio.delta',
    )
    const geminiChunks = gemini.messages.items
      .slice(fromGemini)
      .filter(
        (message) =>
          (message.serverContent as { modelTurn?: { parts: Array<{ inlineData?: unknown }> } })
            ?.modelTurn?.parts[0]?.inlineData !== undefined,
      )
    expect(openaiChunks).toHaveLength(3)
    expect(geminiChunks).toHaveLength(3)
  })

  it('mid-tool-call (OpenAI): the call has arrived, then 1006 before response.done', async () => {
    server = await createMockRealtimeServer({
      pingIntervalMs: 0,
      faults: [{ type: 'dropMidToolCall' }],
    })
    const client = await openaiSession(server.openaiUrl)
    client.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        tools: [
          {
            type: 'function',
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
      },
    })
    client.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Weather in Paris?' }],
      },
    })
    client.send({ type: 'response.create' })
    expect((await client.closed).code).toBe(1006)
    const types = typesOf(client)
    expect(types.slice(-3)).toEqual([
      'response.function_call_arguments.done',
      'conversation.item.done',
      'response.output_item.done',
    ])
    expect(types).not.toContain('response.done')
  })

  it('mid-tool-call (Gemini): toolCall, then 1006', async () => {
    server = await createMockRealtimeServer({ faults: [{ type: 'dropMidToolCall' }] })
    const client = await geminiSession(server.url, {
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } },
            },
          ],
        },
      ],
    })
    client.send({ realtimeInput: { text: 'Weather in Paris?' } })
    expect((await client.closed).code).toBe(1006)
    expect(client.messages.items.at(-1)).toHaveProperty('toolCall')
  })
})

describe('fault: delayed frames', () => {
  it('holds frames back on the clock and keeps their order', async () => {
    const clock = new ManualClock()
    server = await createMockRealtimeServer({
      clock,
      pingIntervalMs: 0,
      faults: [{ type: 'delayFrames', ms: 1000 }],
    })
    const client = rawClient(server.openaiUrl, { headers: { Authorization: 'Bearer sk-test' } })
    await client.opened
    const id = server.log.connections[0]!.id
    expect(server.log.framesOf(id, 'out')).toEqual([])
    client.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Hi' } })
    client.send({ type: 'input_audio_buffer.clear' })
    await server.log.waitFor(
      (frame) => frame.direction === 'in' && frame.kind === 'input_audio_buffer.clear',
    )
    expect(server.log.framesOf(id, 'out')).toEqual([])
    clock.advance(1000)
    await client.messages.next((message) => message.type === 'input_audio_buffer.cleared')
    expect(typesOf(client)).toEqual([
      'session.created',
      'session.updated',
      'input_audio_buffer.cleared',
    ])
    client.ws.close()
  })
})

describe('fault: malformed and over-size frames', () => {
  it('malformed (OpenAI): a text frame that is not JSON; the official client reports a parse error and goes on', async () => {
    const tls = makeSelfSignedCert()
    server = await createMockRealtimeServer({
      tls,
      pingIntervalMs: 0,
      faults: [{ type: 'malformedFrame' }],
    })
    const rt = new OpenAIRealtimeWS(
      { model: 'gpt-realtime', options: { ca: tls.cert } },
      new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1` }),
    )
    const errors = new Inbox<Error>()
    const events = new Inbox<{ type: string }>()
    rt.on('error', errors.push)
    rt.on('event', (event) => events.push(event))
    const error = await errors.next(() => true)
    expect(error.message).toBe('could not parse websocket event')
    rt.send({ type: 'input_audio_buffer.clear' })
    await events.next((event) => event.type === 'input_audio_buffer.cleared')
    expect(events.items.map((event) => event.type)).toEqual([
      'session.created',
      'input_audio_buffer.cleared',
    ])
    rt.close()
  })

  it('malformed (Gemini): a binary frame that is not JSON, right after setupComplete', async () => {
    server = await createMockRealtimeServer({ faults: [{ type: 'malformedFrame' }] })
    const client = await geminiSession(server.url, {})
    const malformed = await client.messages.next((message) => '__malformed' in message)
    expect(malformed).toEqual({ __malformed: '{"serverContent":{"modelTurn":', __binary: true })
    client.ws.close()
  })

  it('over-size: a client with a payload limit fails the frame and closes with 1009; one without receives it', async () => {
    server = await createMockRealtimeServer({
      pingIntervalMs: 0,
      faults: [{ type: 'oversizeFrame', bytes: 2 * 1024 * 1024 }],
    })
    const limited = rawClient(server.openaiUrl, {
      headers: { Authorization: 'Bearer sk-test' },
      maxPayload: 1024 * 1024,
    })
    const error = await limited.errors.next(() => true)
    expect(error).toMatchObject({
      code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
      message: 'Max payload size exceeded',
    })
    await limited.closed
    // The close frame the client sent: 1009, "message too big".
    const record = await server.log.closed(server.log.connections[0]!.id)
    expect(record.close).toMatchObject({ code: 1009, initiatedBy: 'client' })
    expect(typesOf(limited)).toEqual(['session.created'])
    const unlimited = await openaiSession(server.openaiUrl)
    const big = await unlimited.messages.next(
      (message) => message.type === 'response.output_audio.delta',
    )
    expect(String(big.delta).length).toBe(2 * 1024 * 1024)
    unlimited.ws.close()
  })
})

describe('fault: server error', () => {
  it('OpenAI: an error event of type server_error; the session stays usable', async () => {
    server = await createMockRealtimeServer({
      pingIntervalMs: 0,
      faults: [{ type: 'serverError' }],
    })
    const client = await openaiSession(server.openaiUrl)
    const error = await client.messages.next((message) => message.type === 'error')
    expect(error.error).toMatchObject({
      type: 'server_error',
      code: null,
      param: null,
      event_id: null,
    })
    client.send({ type: 'response.create' })
    await client.messages.next((message) => message.type === 'response.done')
    client.ws.close()
  })

  it('Gemini: close 1011 "Internal error encountered."', async () => {
    server = await createMockRealtimeServer({ faults: [{ type: 'serverError' }] })
    const client = rawClient(
      `${server.url.replace(/^http/, 'ws')}//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=K`,
    )
    await client.opened
    client.send({ setup: { model: 'models/gemini-live-2.5-flash-preview' } })
    expect(await client.closed).toEqual({ code: 1011, reason: 'Internal error encountered.' })
    expect(client.messages.items.map((message) => Object.keys(message)[0])).toEqual([
      'setupComplete',
    ])
  })
})

describe('fault: refused resumes', () => {
  it('refuses the scripted resume with 1011 (service unavailable); the next one succeeds with the history', async () => {
    server = await createMockRealtimeServer({
      faults: ({ index }) => (index === 1 ? [{ type: 'refuseResume' }] : []),
    })
    const handle = await handleAfterTurn(server.url, 'My name is Ada.')

    const refused = rawClient(
      `${server.url.replace(/^http/, 'ws')}//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=K`,
    )
    await refused.opened
    refused.send({
      setup: {
        model: 'models/gemini-2.5-flash-native-audio-preview-09-2025',
        sessionResumption: { handle },
      },
    })
    expect(await refused.closed).toEqual({
      code: 1011,
      reason: 'The service is currently unavailable.',
    })

    const resumed = await geminiSession(server.url, {
      sessionResumption: { handle },
      outputAudioTranscription: {},
    })
    const from = resumed.messages.length
    resumed.send({ realtimeInput: { text: 'What did I say?' } })
    await resumed.messages.next(turnComplete, from)
    const text = resumed.messages.items
      .slice(from)
      .map(
        (message) =>
          (message.serverContent as { outputTranscription?: { text: string } } | undefined)
            ?.outputTranscription?.text ?? '',
      )
      .join('')
    expect(text).toBe('You said: My name is Ada.')
    resumed.ws.close()
  })
})

describe('fault: refuse the next K resumes', () => {
  it('refuses exactly K resume attempts on any connections, then resumes', async () => {
    server = await createMockRealtimeServer()
    const handle = await handleAfterTurn(server.url, 'Hello.')

    server.refuseResumes(2)
    const attempt = async (): Promise<{ code: number; reason: string } | 'resumed'> => {
      const client = rawClient(
        `${server!.url.replace(/^http/, 'ws')}//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=K`,
      )
      await client.opened
      client.send({
        setup: {
          model: 'models/gemini-2.5-flash-native-audio-preview-09-2025',
          sessionResumption: { handle },
        },
      })
      const outcome = await Promise.race([
        client.closed,
        client.messages
          .next((message) => 'setupComplete' in message)
          .then(() => 'resumed' as const),
      ])
      client.ws.close()
      await client.closed
      return outcome
    }
    const unavailable = { code: 1011, reason: 'The service is currently unavailable.' }
    expect(await attempt()).toEqual(unavailable)
    expect(await attempt()).toEqual(unavailable)
    expect(await attempt()).toBe('resumed')
  })
})

describe('fault: go-away now', () => {
  it('sends goAway { timeLeft } at once, then closes 1011 when the time is up', async () => {
    const clock = new ManualClock()
    server = await createMockRealtimeServer({ clock })
    const client = await geminiSession(server.url, {})
    server.connections()[0]!.inject({ type: 'goAway', timeLeftMs: 500 })
    expect(await client.messages.next((message) => 'goAway' in message)).toMatchObject({
      goAway: { timeLeft: '0.5s' },
    })
    clock.advance(500)
    expect(await client.closed).toEqual({
      code: 1011,
      reason: 'Deadline expired before operation could complete.',
    })
  })
})

describe('fault: slow pings', () => {
  /** An OpenAI client of a mock that holds every pong back 20 s (simulated). */
  async function slowPingClient() {
    const clock = new ManualClock()
    server = await createMockRealtimeServer({
      clock,
      pingIntervalMs: 0,
      faults: [{ type: 'slowPings', delayMs: 20_000 }],
    })
    return { clock, client: await openaiSession(server.openaiUrl) }
  }

  it('answers pings only after the delay: later frames overtake the pong', async () => {
    const { clock, client } = await slowPingClient()
    const pongs: string[] = []
    client.ws.on('pong', (data: Buffer) => pongs.push(data.toString()))
    client.ws.ping(Buffer.from('are you there'))
    client.send({ type: 'input_audio_buffer.clear' })
    await client.messages.next((message) => message.type === 'input_audio_buffer.cleared')
    expect(pongs).toEqual([])
    const pong = new Promise<void>((resolve) => client.ws.once('pong', () => resolve()))
    clock.advance(20_000)
    await pong
    expect(pongs).toEqual(['are you there'])
    client.ws.close()
  })

  it('a pong still held back when the connection closes leaves no timer behind', async () => {
    const { clock, client } = await slowPingClient()
    client.ws.ping()
    client.send({ type: 'input_audio_buffer.clear' })
    await client.messages.next((message) => message.type === 'input_audio_buffer.cleared')
    expect(clock.pending).toBe(1)
    client.ws.close()
    await server.log.closed(server.log.connections[0]!.id)
    expect(clock.pending).toBe(0)
  })

  it('without the fault the pong comes first', async () => {
    server = await createMockRealtimeServer({ pingIntervalMs: 0 })
    const client = await openaiSession(server.openaiUrl)
    const order: string[] = []
    client.ws.on('pong', () => order.push('pong'))
    client.ws.ping()
    client.send({ type: 'input_audio_buffer.clear' })
    await client.messages.next((message) => message.type === 'input_audio_buffer.cleared')
    order.push('cleared')
    expect(order).toEqual(['pong', 'cleared'])
    client.ws.close()
  })
})

describe('faults leave voice activity alone', () => {
  it('a delayed connection still reports VAD timings in audio time', async () => {
    const clock = new ManualClock()
    server = await createMockRealtimeServer({
      clock,
      pingIntervalMs: 0,
      brain: createMockBrain(),
      faults: [{ type: 'delayFrames', ms: 250, kinds: ['input_audio_buffer.speech_started'] }],
    })
    const client = rawClient(server.openaiUrl, { headers: { Authorization: 'Bearer sk-test' } })
    await client.messages.next((message) => message.type === 'session.created')
    client.send({
      type: 'input_audio_buffer.append',
      audio: Buffer.concat([Buffer.alloc(24_000), tone(500, 24_000)]).toString('base64'),
    })
    await server.log.waitFor(
      (frame) => frame.direction === 'in' && frame.kind === 'input_audio_buffer.append',
    )
    clock.advance(250)
    const started = await client.messages.next(
      (message) => message.type === 'input_audio_buffer.speech_started',
    )
    expect(started.audio_start_ms).toBe(200)
    client.ws.close()
  })
})
