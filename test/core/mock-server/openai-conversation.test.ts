import { afterEach, describe, expect, it } from 'vitest'
import {
  createMockBrain,
  createMockRealtimeServer,
  type MockRealtimeServer,
} from '../../../src/testing'
import { openaiSession, typesOf, type RawClient } from '../../conformance/mock-helpers'

/**
 * Conversation items (`create`, `delete`, `retrieve`, `truncate`) and the response lifecycle:
 * one response at a time, cancel, out-of-band responses and output limits.
 */
let server: MockRealtimeServer

afterEach(async () => {
  await server.close()
})

function say(client: RawClient, text: string, extra: Record<string, unknown> = {}): void {
  client.send({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }], ...extra },
  })
}

function lastError(client: RawClient, from: number): Promise<Record<string, unknown>> {
  return client.messages
    .next((message) => message.type === 'error', from)
    .then((message) => message.error as Record<string, unknown>)
}

describe('OpenAI conversation items', () => {
  it('creates, retrieves and deletes items, placing them by previous_item_id', async () => {
    server = await createMockRealtimeServer({ pingIntervalMs: 0 })
    const client = await openaiSession(server.openaiUrl)
    say(client, 'first', { id: 'item_first' })
    const first = await client.messages.next((message) => message.type === 'conversation.item.done')
    expect(first).toMatchObject({
      previous_item_id: null,
      item: { id: 'item_first', status: 'completed', role: 'user' },
    })
    client.send({
      type: 'conversation.item.create',
      previous_item_id: 'root',
      item: {
        id: 'item_zero',
        type: 'message',
        role: 'system',
        content: [{ type: 'input_text', text: 'zero' }],
      },
    })
    const zero = await client.messages.next(
      (message) =>
        message.type === 'conversation.item.added' && message !== client.messages.items[1],
    )
    expect(zero).toMatchObject({
      previous_item_id: null,
      item: { id: 'item_zero', role: 'system' },
    })
    client.send({ type: 'conversation.item.retrieve', item_id: 'item_first' })
    const retrieved = await client.messages.next(
      (message) => message.type === 'conversation.item.retrieved',
    )
    expect(retrieved.item).toMatchObject({
      id: 'item_first',
      content: [{ type: 'input_text', text: 'first' }],
    })
    client.send({ type: 'conversation.item.delete', item_id: 'item_first' })
    expect(
      await client.messages.next((message) => message.type === 'conversation.item.deleted'),
    ).toMatchObject({
      item_id: 'item_first',
    })
    const from = client.messages.length
    client.send({ type: 'conversation.item.retrieve', item_id: 'item_first', event_id: 'evt_r' })
    expect(await lastError(client, from)).toMatchObject({
      code: 'item_not_found',
      param: 'item_id',
      event_id: 'evt_r',
    })
    client.ws.close()
  })

  it('refuses malformed items without changing the conversation', async () => {
    server = await createMockRealtimeServer({ pingIntervalMs: 0 })
    const client = await openaiSession(server.openaiUrl)
    let from = client.messages.length
    client.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'text', text: 'beta' }] },
    })
    expect(await lastError(client, from)).toMatchObject({
      code: 'invalid_value',
      param: 'item.content[0].type',
    })
    from = client.messages.length
    client.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_1', output: { tempC: 21 } },
    })
    expect(await lastError(client, from)).toMatchObject({
      code: 'invalid_type',
      param: 'item.output',
    })
    from = client.messages.length
    client.send({
      type: 'conversation.item.create',
      previous_item_id: 'item_missing',
      item: { type: 'message', role: 'user', content: [] },
    })
    expect(await lastError(client, from)).toMatchObject({
      code: 'item_not_found',
      param: 'previous_item_id',
    })
    client.ws.close()
  })

  it('truncates an assistant item: trims audio and transcript, answers conversation.item.truncated', async () => {
    server = await createMockRealtimeServer({ pingIntervalMs: 0 })
    const client = await openaiSession(server.openaiUrl)
    say(client, 'Tell me something rather long so that there is plenty of audio to cut.')
    client.send({ type: 'response.create' })
    const done = await client.messages.next((message) => message.type === 'response.done')
    const item = (
      done.response as { output: Array<{ id: string; content: Array<{ transcript: string }> }> }
    ).output[0]!
    const fullTranscript = item.content[0]!.transcript
    client.send({
      type: 'conversation.item.truncate',
      item_id: item.id,
      content_index: 0,
      audio_end_ms: 1000,
    })
    expect(
      await client.messages.next((message) => message.type === 'conversation.item.truncated'),
    ).toMatchObject({
      item_id: item.id,
      content_index: 0,
      audio_end_ms: 1000,
    })
    client.send({ type: 'conversation.item.retrieve', item_id: item.id })
    const retrieved = await client.messages.next(
      (message) => message.type === 'conversation.item.retrieved',
    )
    const transcript = (retrieved.item as { content: Array<{ transcript: string }> }).content[0]!
      .transcript
    expect(transcript.length).toBeGreaterThan(0)
    expect(fullTranscript.startsWith(transcript)).toBe(true)
    expect(transcript.length).toBeLessThan(fullTranscript.length)
    const from = client.messages.length
    client.send({
      type: 'conversation.item.truncate',
      item_id: item.id,
      content_index: 0,
      audio_end_ms: 5000,
    })
    const error = await lastError(client, from)
    expect(error).toMatchObject({ code: 'invalid_value' })
    expect(String(error.message)).toMatch(/^Audio content of 1000ms is already shorter than 5000ms/)
    client.ws.close()
  })
})

describe('OpenAI responses', () => {
  it('refuses a second response.create while one is active, then cancels the first', async () => {
    server = await createMockRealtimeServer({
      pingIntervalMs: 0,
      brain: createMockBrain({ firstAudioDelayMs: 60_000 }),
    })
    const client = await openaiSession(server.openaiUrl)
    client.send({ type: 'response.create' })
    const created = await client.messages.next((message) => message.type === 'response.created')
    const responseId = (created.response as { id: string }).id
    const from = client.messages.length
    client.send({ type: 'response.create', event_id: 'evt_second' })
    const error = await lastError(client, from)
    expect(error).toMatchObject({
      type: 'invalid_request_error',
      code: 'conversation_already_has_active_response',
      event_id: 'evt_second',
    })
    expect(String(error.message)).toContain(responseId)
    client.send({ type: 'response.cancel' })
    const done = await client.messages.next((message) => message.type === 'response.done')
    expect(done.response).toMatchObject({
      id: responseId,
      status: 'cancelled',
      status_details: { reason: 'client_cancelled' },
    })
    await client.messages.next((message) => message.type === 'rate_limits.updated')
    const cancelFrom = client.messages.length
    client.send({ type: 'response.cancel' })
    expect(await lastError(client, cancelFrom)).toMatchObject({
      code: 'response_cancel_not_active',
    })
    client.ws.close()
  })

  it('runs an out-of-band response (conversation: none) without touching the conversation', async () => {
    server = await createMockRealtimeServer({ pingIntervalMs: 0 })
    const client = await openaiSession(server.openaiUrl)
    client.send({
      type: 'response.create',
      response: {
        conversation: 'none',
        output_modalities: ['text'],
        input: [
          {
            type: 'message',
            role: 'user',
            content: [{ type: 'input_text', text: 'Classify this.' }],
          },
        ],
        metadata: { purpose: 'classification' },
      },
    })
    const done = await client.messages.next((message) => message.type === 'response.done')
    expect(done.response).toMatchObject({
      conversation_id: null,
      metadata: { purpose: 'classification' },
      output_modalities: ['text'],
    })
    expect(typesOf(client)).not.toContain('conversation.item.added')
    expect(typesOf(client)).toContain('response.output_text.delta')
    client.ws.close()
  })

  it('stops at max_output_tokens with status incomplete', async () => {
    server = await createMockRealtimeServer({ pingIntervalMs: 0 })
    const client = await openaiSession(server.openaiUrl)
    say(client, 'Please repeat this whole long sentence back to me word for word.')
    client.send({
      type: 'response.create',
      response: { max_output_tokens: 3, output_modalities: ['text'] },
    })
    const done = await client.messages.next((message) => message.type === 'response.done')
    expect(done.response).toMatchObject({
      status: 'incomplete',
      status_details: { type: 'incomplete', reason: 'max_output_tokens' },
      output: [
        { status: 'incomplete', content: [{ type: 'output_text', text: 'Sure. You said:' }] },
      ],
    })
    client.ws.close()
  })

  it('calls several tools in one response when the user names several places', async () => {
    server = await createMockRealtimeServer({ pingIntervalMs: 0 })
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
    await client.messages.next((message) => message.type === 'session.updated')
    say(client, 'What is the weather in Paris and in London?')
    client.send({ type: 'response.create' })
    const done = await client.messages.next((message) => message.type === 'response.done')
    const output = (done.response as { output: Array<{ type: string; arguments: string }> }).output
    expect(output.map((item) => [item.type, item.arguments])).toEqual([
      ['function_call', '{"city":"Paris"}'],
      ['function_call', '{"city":"London"}'],
    ])
    client.ws.close()
  })
})
