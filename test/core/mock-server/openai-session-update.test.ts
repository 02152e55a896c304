import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockRealtimeServer, type MockRealtimeServer } from '../../../src/testing'
import { openaiSession, type RawClient } from '../../conformance/mock-helpers'

/**
 * `session.update` is validated like the GA service (wire-protocols §0.7, §2.7): `session.type`
 * is required, legacy and unknown fields, bad values and out-of-range numbers are refused with the
 * service's error codes and `param` paths, and a refused update changes nothing at all.
 */
let server: MockRealtimeServer

beforeAll(async () => {
  server = await createMockRealtimeServer({ pingIntervalMs: 0 })
})

afterAll(async () => {
  await server.close()
})

async function update(client: RawClient, session: unknown): Promise<Record<string, unknown>> {
  const from = client.messages.length
  client.send({ type: 'session.update', event_id: 'evt_update', session })
  return client.messages.next(
    (message) => message.type === 'error' || message.type === 'session.updated',
    from,
  )
}

describe('OpenAI session.update', () => {
  it('applies a GA update and answers session.updated with the whole merged session', async () => {
    const client = await openaiSession(server.openaiUrl)
    const answer = await update(client, {
      type: 'realtime',
      instructions: 'Be terse.',
      audio: {
        input: {
          turn_detection: { type: 'server_vad', silence_duration_ms: 500 },
          transcription: { model: 'gpt-4o-mini-transcribe' },
        },
        output: { voice: 'marin' },
      },
    })
    expect(answer.type).toBe('session.updated')
    expect(answer.session).toMatchObject({
      type: 'realtime',
      instructions: 'Be terse.',
      output_modalities: ['audio'],
      max_output_tokens: 'inf',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: { model: 'gpt-4o-mini-transcribe', language: null, prompt: null },
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1 },
      },
    })
    client.ws.close()
  })

  it.each([
    [{ instructions: 'x' }, 'missing_required_parameter', 'session.type'],
    [{ type: 'conversation' }, 'invalid_value', 'session.type'],
    [
      { type: 'realtime', modalities: ['text', 'audio'] },
      'unknown_parameter',
      'session.modalities',
    ],
    [{ type: 'realtime', voice: 'alloy' }, 'unknown_parameter', 'session.voice'],
    [{ type: 'realtime', temperature: 0.8 }, 'unknown_parameter', 'session.temperature'],
    [
      { type: 'realtime', audio: { input: { format: { type: 'audio/pcm', rate: 16000 } } } },
      'integer_below_min_value',
      'session.audio.input.format.rate',
    ],
    [
      {
        type: 'realtime',
        audio: { input: { turn_detection: { type: 'server_vad', threshold: 2 } } },
      },
      'decimal_above_max_value',
      'session.audio.input.turn_detection.threshold',
    ],
    [
      { type: 'realtime', audio: { input: { turn_detection: { type: 'smart_vad' } } } },
      'invalid_value',
      'session.audio.input.turn_detection.type',
    ],
    [{ type: 'realtime', instructions: 42 }, 'invalid_type', 'session.instructions'],
    [
      { type: 'realtime', output_modalities: ['text', 'audio'] },
      'invalid_value',
      'session.output_modalities',
    ],
    [
      { type: 'realtime', tools: [{ type: 'function', description: 'no name' }] },
      'missing_required_parameter',
      'session.tools[0].name',
    ],
    [
      { type: 'realtime', max_output_tokens: 0 },
      'integer_below_min_value',
      'session.max_output_tokens',
    ],
  ])('refuses %j with %s on %s', async (session, code, param) => {
    const client = await openaiSession(server.openaiUrl)
    const answer = await update(client, session)
    expect(answer).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', code, param, event_id: 'evt_update' },
    })
    client.ws.close()
  })

  it('uses the service messages for the common refusals', async () => {
    const client = await openaiSession(server.openaiUrl)
    expect((await update(client, { instructions: 'x' })).error).toMatchObject({
      message: "Missing required parameter: 'session.type'.",
    })
    expect((await update(client, { type: 'realtime', modalities: ['audio'] })).error).toMatchObject(
      {
        message: "Unknown parameter: 'session.modalities'.",
      },
    )
    expect((await update(client, { type: 'nope' })).error).toMatchObject({
      message: "Invalid value: 'nope'. Supported values are: 'realtime' and 'transcription'.",
    })
    client.ws.close()
  })

  it('discards a refused update whole: its valid fields are not applied either', async () => {
    const client = await openaiSession(server.openaiUrl)
    await update(client, { type: 'realtime', instructions: 'First.' })
    const refused = await update(client, {
      type: 'realtime',
      instructions: 'Second.',
      modalities: ['audio'],
    })
    expect(refused.type).toBe('error')
    const after = await update(client, { type: 'realtime' })
    expect(after.session).toMatchObject({ instructions: 'First.' })
    client.ws.close()
  })

  it('refuses a voice change once the assistant has spoken (cannot_update_voice)', async () => {
    const client = await openaiSession(server.openaiUrl)
    client.send({ type: 'response.create' })
    await client.messages.next((message) => message.type === 'response.done')
    const answer = await update(client, { type: 'realtime', audio: { output: { voice: 'cedar' } } })
    expect(answer.error).toMatchObject({ code: 'cannot_update_voice' })
    const same = await update(client, { type: 'realtime', audio: { output: { voice: 'alloy' } } })
    expect(same.type).toBe('session.updated')
    client.ws.close()
  })
})
