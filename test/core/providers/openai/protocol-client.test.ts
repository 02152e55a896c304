import { describe, expect, it } from 'vitest'
import { toOpenAIClientEvent } from '../../../../src/core/providers/openai/protocol-client'
import type { OpenAIMappableClientEvent } from '../../../../src/core/providers/openai/protocol-client'
import { describeOpenAIClose } from '../../../../src/core/providers/openai/protocol-errors'
import { RealtimeError } from '../../../../src/core/errors'

const map = (event: OpenAIMappableClientEvent) =>
  toOpenAIClientEvent(event, { inputFormat: 'pcm16' })

describe('toOpenAIClientEvent', () => {
  it.each<[OpenAIMappableClientEvent, object]>([
    [
      { type: 'audio.append', pcm: new Uint8Array([1, 0]) },
      { type: 'input_audio_buffer.append', audio: 'AQA=' },
    ],
    [{ type: 'audio.commit' }, { type: 'input_audio_buffer.commit' }],
    [{ type: 'audio.clear' }, { type: 'input_audio_buffer.clear' }],
    [
      { type: 'text', text: 'Hi' },
      {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
      },
    ],
    [
      { type: 'text', text: 'Be brief.', role: 'system' },
      {
        type: 'conversation.item.create',
        item: {
          type: 'message',
          role: 'system',
          content: [{ type: 'input_text', text: 'Be brief.' }],
        },
      },
    ],
    [
      { type: 'text', text: 'Earlier answer', role: 'assistant' },
      {
        type: 'conversation.item.create',
        item: {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Earlier answer' }],
        },
      },
    ],
    [
      { type: 'tool.result', result: { callId: 'c', name: 'f', output: 'plain text' } },
      {
        type: 'conversation.item.create',
        item: { type: 'function_call_output', call_id: 'c', output: 'plain text' },
      },
    ],
    [
      { type: 'tool.result', result: { callId: 'c', name: 'f', output: [1, 2] } },
      {
        type: 'conversation.item.create',
        item: { type: 'function_call_output', call_id: 'c', output: '[1,2]' },
      },
    ],
    [
      {
        type: 'tool.result',
        result: { callId: 'c', name: 'f', output: 'bad args', isError: true },
      },
      {
        type: 'conversation.item.create',
        item: { type: 'function_call_output', call_id: 'c', output: '{"error":"bad args"}' },
      },
    ],
    [{ type: 'response.create' }, { type: 'response.create' }],
    [{ type: 'response.create', options: {} }, { type: 'response.create' }],
    [
      {
        type: 'response.create',
        options: { modalities: ['text', 'audio'], extra: { conversation: 'none' } },
      },
      { type: 'response.create', response: { output_modalities: ['audio'], conversation: 'none' } },
    ],
    [{ type: 'response.cancel' }, { type: 'response.cancel' }],
    [
      { type: 'item.truncate', itemId: 'i1', audioEndMs: 285.6 },
      { type: 'conversation.item.truncate', item_id: 'i1', content_index: 0, audio_end_ms: 286 },
    ],
    [
      { type: 'item.truncate', itemId: 'i1', audioEndMs: -5, contentIndex: 1 },
      { type: 'conversation.item.truncate', item_id: 'i1', content_index: 1, audio_end_ms: 0 },
    ],
  ])('%j', (event, expected) => {
    expect(map(event)).toEqual(expected)
  })

  it('should refuse half a PCM16 sample', () => {
    expect(() => map({ type: 'audio.append', pcm: new Uint8Array(3) })).toThrow(
      expect.objectContaining({ code: 'invalid_audio' }),
    )
  })

  it('should encode G.711 input from PCM16 (one byte per sample)', () => {
    for (const inputFormat of ['g711_ulaw', 'g711_alaw'] as const) {
      const event = toOpenAIClientEvent(
        { type: 'audio.append', pcm: new Uint8Array(8) },
        { inputFormat },
      )
      expect(Buffer.from((event as { audio: string }).audio, 'base64')).toHaveLength(4)
    }
  })
})

describe('describeOpenAIClose: every OpenAI close code is a typed error', () => {
  it.each([
    [3000, 'server', 'auth_failed', false],
    [4000, 'server', 'invalid_config', false],
    [1011, 'server', 'server_error', true],
    [1006, 'network', 'connection_failed', true],
    [1001, 'server', 'connection_failed', true],
  ] as const)('close %i → %s (retriable %s)', (code, initiatedBy, expected, retriable) => {
    const reason = describeOpenAIClose({ code, reason: 'r', initiatedBy })
    expect(reason.error).toMatchObject({ code: expected, retriable, providerCode: code })
  })

  it('should not report a normal close as an error', () => {
    expect(
      describeOpenAIClose({ code: 1000, reason: '', initiatedBy: 'client' }).error,
    ).toBeUndefined()
    expect(
      describeOpenAIClose({ code: 1000, reason: '', initiatedBy: 'server' }).error,
    ).toBeUndefined()
  })

  it('should use the preceding error event for the message', () => {
    const last = new RealtimeError('auth_failed', 'OpenAI: Incorrect API key provided')
    const reason = describeOpenAIClose(
      { code: 3000, reason: 'invalid_request_error.invalid_api_key', initiatedBy: 'server' },
      last,
    )
    expect(reason.error?.message).toContain('Incorrect API key provided')
    expect(reason.error?.cause).toBe(last)
  })
})
