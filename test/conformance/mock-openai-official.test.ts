import OpenAI from 'openai'
import { OpenAIRealtimeWS } from 'openai/realtime/ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockRealtimeServer, type MockRealtimeServer } from '../../src/testing'
import { concatBase64, Inbox, makeSelfSignedCert, pcmLevelDb } from './mock-helpers'

/**
 * The `openai` package's own Realtime client (GA, Node `ws`) against the mock. It only dials
 * `wss:` (wire-protocols §4.2), so the mock runs with TLS and a self-signed certificate made here,
 * trusted through the client's `options.ca`.
 */
type ServerEvent = Record<string, unknown> & { type: string }

let server: MockRealtimeServer
let cert: Buffer

beforeAll(async () => {
  const tls = makeSelfSignedCert()
  cert = tls.cert
  server = await createMockRealtimeServer({ tls, keys: { openai: ['sk-test'] } })
})

afterAll(async () => {
  await server.close()
})

function connect(): { rt: OpenAIRealtimeWS; events: Inbox<ServerEvent>; errors: Inbox<unknown> } {
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1` })
  const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime', options: { ca: cert } }, client)
  const events = new Inbox<ServerEvent>()
  const errors = new Inbox<unknown>()
  rt.on('event', (event) => events.push(event as unknown as ServerEvent))
  rt.on('error', (error) => errors.push(error))
  return { rt, events, errors }
}

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
}

describe('openai OpenAIRealtimeWS against the mock (wss)', () => {
  it('connects over TLS and receives session.created, then session.updated', async () => {
    const { rt, events, errors } = connect()
    expect(rt.url.protocol).toBe('wss:')
    const created = await events.next((event) => event.type === 'session.created')
    expect(created.session).toMatchObject({
      type: 'realtime',
      object: 'realtime.session',
      model: 'gpt-realtime',
    })
    rt.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        instructions: 'Be terse.',
        output_modalities: ['audio'],
        audio: {
          input: {
            format: { type: 'audio/pcm', rate: 24000 },
            turn_detection: { type: 'server_vad' },
          },
          output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' },
        },
        tools: [weatherTool],
        tool_choice: 'auto',
      },
    })
    const updated = await events.next((event) => event.type === 'session.updated')
    expect(updated.session).toMatchObject({ instructions: 'Be terse.', tools: [weatherTool] })
    expect(errors.items).toEqual([])
    rt.close()
  })

  it('completes a text turn with PCM16 24 kHz audio out', async () => {
    const { rt, events, errors } = connect()
    await events.next((event) => event.type === 'session.created')
    rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Say hello.' }],
      },
    })
    rt.send({ type: 'response.create' })
    const done = await events.next((event) => event.type === 'response.done')
    await events.next((event) => event.type === 'rate_limits.updated')
    const audio = events.items
      .filter((event) => event.type === 'response.output_audio.delta')
      .map((event) => String(event.delta))
    const pcm = concatBase64(audio)
    // Non-silent speech-like audio, about a second or more at 24 kHz.
    expect(pcm.length).toBeGreaterThan(24_000 * 2 * 0.5)
    expect(pcmLevelDb(pcm)).toBeGreaterThan(-30)
    const transcript = events.items.find(
      (event) => event.type === 'response.output_audio_transcript.done',
    )
    expect(transcript?.transcript).toContain('Say hello')
    expect(done.response).toMatchObject({
      status: 'completed',
      usage: { total_tokens: expect.any(Number) },
    })
    expect(errors.items).toEqual([])
    rt.close()
  })

  it('completes a tool-call round: function call, output, spoken answer', async () => {
    const { rt, events, errors } = connect()
    await events.next((event) => event.type === 'session.created')
    rt.send({ type: 'session.update', session: { type: 'realtime', tools: [weatherTool] } })
    await events.next((event) => event.type === 'session.updated')
    rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'What is the weather in Paris?' }],
      },
    })
    rt.send({ type: 'response.create' })
    const call = await events.next(
      (event) => event.type === 'response.function_call_arguments.done',
    )
    expect(call).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}' })
    const first = await events.next((event) => event.type === 'response.done')
    expect(first.response).toMatchObject({
      status: 'completed',
      output: [{ type: 'function_call', call_id: call.call_id }],
    })
    const from = events.length
    rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'function_call_output',
        call_id: String(call.call_id),
        output: '{"tempC":21,"condition":"sunny"}',
      },
    })
    rt.send({ type: 'response.create' })
    const second = await events.next((event) => event.type === 'response.done', from)
    const answer = (
      second.response as { output: Array<{ content: Array<{ transcript: string }> }> }
    ).output[0]
    expect(answer?.content[0]?.transcript).toMatch(/21.*sunny/)
    expect(
      events.items.slice(from).some((event) => event.type === 'response.output_audio.delta'),
    ).toBe(true)
    expect(errors.items).toEqual([])
    rt.close()
  })
})
