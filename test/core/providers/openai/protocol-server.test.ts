import { describe, expect, it } from 'vitest'
import { encodeMuLaw } from '../../../../src/core/audio/g711'
import type { AudioEncoding } from '../../../../src/core/config'
import { PcmAligner } from '../../../../src/core/providers/pcm-aligner'
import { parseOpenAIServerFrame } from '../../../../src/core/providers/openai/protocol-server'

function parse(
  frame: unknown,
  outputFormat: AudioEncoding = 'pcm16',
  sent: Record<string, string> = {},
) {
  return parseOpenAIServerFrame(typeof frame === 'string' ? frame : JSON.stringify(frame), {
    outputFormat,
    aligner: new PcmAligner(),
    clientEventType: (id) => sent[id],
  })
}

const loc = { event_id: 'e1', response_id: 'r1', item_id: 'i1', output_index: 0, content_index: 0 }
const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64')

describe('parseOpenAIServerFrame: GA events', () => {
  it.each([
    [
      { type: 'session.updated', event_id: 'e1', session: { id: 'sess_1' } },
      { type: 'session.updated', eventId: 'e1', session: { id: 'sess_1' } },
    ],
    [
      {
        type: 'input_audio_buffer.speech_started',
        event_id: 'e1',
        audio_start_ms: 10,
        item_id: 'i1',
      },
      { type: 'speech.started', eventId: 'e1', audioStartMs: 10, itemId: 'i1' },
    ],
    [
      {
        type: 'input_audio_buffer.speech_stopped',
        event_id: 'e1',
        audio_end_ms: 20,
        item_id: 'i1',
      },
      { type: 'speech.stopped', eventId: 'e1', audioEndMs: 20, itemId: 'i1' },
    ],
    [
      {
        type: 'input_audio_buffer.committed',
        event_id: 'e1',
        previous_item_id: null,
        item_id: 'i1',
      },
      { type: 'input.committed', eventId: 'e1', itemId: 'i1' },
    ],
    [
      { type: 'input_audio_buffer.cleared', event_id: 'e1' },
      { type: 'input.cleared', eventId: 'e1' },
    ],
    [
      {
        type: 'conversation.item.added',
        event_id: 'e1',
        previous_item_id: 'i0',
        item: {
          id: 'i1',
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: 'hi' }],
        },
      },
      {
        type: 'item.added',
        eventId: 'e1',
        itemId: 'i1',
        previousItemId: 'i0',
        kind: 'message',
        role: 'user',
        text: 'hi',
      },
    ],
    [
      {
        type: 'conversation.item.added',
        event_id: 'e1',
        item: { id: 'i2', type: 'function_call', name: 'f', call_id: 'c', arguments: '' },
      },
      {
        type: 'item.added',
        eventId: 'e1',
        itemId: 'i2',
        kind: 'function_call',
        callId: 'c',
        name: 'f',
      },
    ],
    [
      { type: 'conversation.item.added', event_id: 'e1', item: { id: 'i3', type: 'mcp_call' } },
      { type: 'item.added', eventId: 'e1', itemId: 'i3', kind: 'other' },
    ],
    [
      {
        type: 'conversation.item.truncated',
        event_id: 'e1',
        item_id: 'i1',
        content_index: 0,
        audio_end_ms: 1500,
      },
      { type: 'item.truncated', eventId: 'e1', itemId: 'i1', contentIndex: 0, audioEndMs: 1500 },
    ],
    [
      { type: 'conversation.item.deleted', event_id: 'e1', item_id: 'i1' },
      { type: 'item.deleted', eventId: 'e1', itemId: 'i1' },
    ],
    [
      {
        type: 'conversation.item.input_audio_transcription.delta',
        event_id: 'e1',
        item_id: 'i1',
        content_index: 0,
        delta: ' Hello',
        obfuscation: 'x',
      },
      { type: 'inputTranscript.delta', eventId: 'e1', itemId: 'i1', delta: ' Hello' },
    ],
    [
      {
        type: 'conversation.item.input_audio_transcription.completed',
        event_id: 'e1',
        item_id: 'i1',
        content_index: 0,
        transcript: 'Hello.',
        usage: { type: 'duration', seconds: 3 },
      },
      { type: 'inputTranscript.done', eventId: 'e1', itemId: 'i1', transcript: 'Hello.' },
    ],
    [
      { type: 'response.created', event_id: 'e1', response: { id: 'r1', status: 'in_progress' } },
      { type: 'response.started', eventId: 'e1', responseId: 'r1' },
    ],
    [
      { type: 'response.output_audio_transcript.delta', ...loc, delta: 'Hi', obfuscation: 'abc' },
      { type: 'transcript.delta', eventId: 'e1', responseId: 'r1', itemId: 'i1', delta: 'Hi' },
    ],
    [
      { type: 'response.output_audio_transcript.done', ...loc, transcript: 'Hi there!' },
      {
        type: 'transcript.done',
        eventId: 'e1',
        responseId: 'r1',
        itemId: 'i1',
        transcript: 'Hi there!',
      },
    ],
    [
      { type: 'response.output_text.delta', ...loc, delta: 'It' },
      { type: 'text.delta', eventId: 'e1', responseId: 'r1', itemId: 'i1', delta: 'It' },
    ],
    [
      { type: 'response.output_text.done', ...loc, text: 'It is.' },
      { type: 'text.done', eventId: 'e1', responseId: 'r1', itemId: 'i1', text: 'It is.' },
    ],
    [
      { type: 'response.output_audio.done', ...loc },
      { type: 'audio.done', eventId: 'e1', responseId: 'r1', itemId: 'i1' },
    ],
    [
      {
        type: 'response.function_call_arguments.delta',
        event_id: 'e1',
        response_id: 'r1',
        item_id: 'i1',
        output_index: 0,
        call_id: 'c1',
        delta: '{',
      },
      {
        type: 'tool.argumentsDelta',
        eventId: 'e1',
        callId: 'c1',
        delta: '{',
        responseId: 'r1',
        itemId: 'i1',
      },
    ],
    [
      {
        type: 'response.function_call_arguments.done',
        event_id: 'e1',
        response_id: 'r1',
        item_id: 'i1',
        output_index: 0,
        call_id: 'c1',
        name: 'f',
        arguments: '{"a":1}',
      },
      {
        type: 'tool.call',
        eventId: 'e1',
        callId: 'c1',
        name: 'f',
        arguments: '{"a":1}',
        responseId: 'r1',
        itemId: 'i1',
      },
    ],
    [
      {
        type: 'rate_limits.updated',
        event_id: 'e1',
        rate_limits: [{ name: 'tokens', limit: 40000, remaining: 38490, reset_seconds: 2.265 }],
      },
      {
        type: 'rateLimits',
        eventId: 'e1',
        limits: [{ name: 'tokens', limit: 40000, remaining: 38490, resetSeconds: 2.265 }],
      },
    ],
    [
      { type: 'output_audio_buffer.started', event_id: 'e1', response_id: 'r1' },
      { type: 'outputAudio.started', eventId: 'e1', responseId: 'r1' },
    ],
    [
      { type: 'output_audio_buffer.stopped', event_id: 'e1', response_id: 'r1' },
      { type: 'outputAudio.stopped', eventId: 'e1', responseId: 'r1' },
    ],
    [
      { type: 'output_audio_buffer.cleared', event_id: 'e1', response_id: 'r1' },
      { type: 'outputAudio.cleared', eventId: 'e1', responseId: 'r1' },
    ],
  ])('should map %j', (frame, expected) => {
    expect(parse(frame)).toEqual([expected])
  })

  it('should map response.done with status, details and usage', () => {
    const [event] = parse({
      type: 'response.done',
      event_id: 'e1',
      response: {
        id: 'r1',
        status: 'cancelled',
        status_details: { type: 'cancelled', reason: 'turn_detected' },
        usage: {
          total_tokens: 205,
          input_tokens: 41,
          output_tokens: 164,
          input_token_details: {
            text_tokens: 14,
            audio_tokens: 27,
            image_tokens: 0,
            cached_tokens: 5,
          },
          output_token_details: { text_tokens: 28, audio_tokens: 136 },
        },
      },
    })
    expect(event).toEqual({
      type: 'response.done',
      eventId: 'e1',
      responseId: 'r1',
      status: 'cancelled',
      statusDetails: { type: 'cancelled', reason: 'turn_detected' },
      usage: {
        totalTokens: 205,
        inputTokens: 41,
        outputTokens: 164,
        cachedTokens: 5,
        inputTextTokens: 14,
        inputAudioTokens: 27,
        inputImageTokens: 0,
        outputTextTokens: 28,
        outputAudioTokens: 136,
      },
    })
  })

  it('should fail a transcription with a typed error', () => {
    const [event] = parse({
      type: 'conversation.item.input_audio_transcription.failed',
      event_id: 'e1',
      item_id: 'i1',
      content_index: 0,
      error: { code: 'audio_unintelligible', message: 'Could not transcribe' },
    })
    expect(event).toMatchObject({ type: 'inputTranscript.failed', itemId: 'i1' })
    expect((event as { error: { code: string; providerCode: string } }).error).toMatchObject({
      code: 'server_error',
      providerCode: 'audio_unintelligible',
    })
  })

  it('should decode PCM16 audio once, keeping it sample-aligned across deltas', () => {
    const aligner = new PcmAligner()
    const context = { outputFormat: 'pcm16' as const, aligner }
    const first = parseOpenAIServerFrame(
      JSON.stringify({ type: 'response.output_audio.delta', ...loc, delta: b64([1, 2, 3]) }),
      context,
    )
    const second = parseOpenAIServerFrame(
      JSON.stringify({ type: 'response.output_audio.delta', ...loc, delta: b64([4]) }),
      context,
    )
    expect(first).toEqual([
      {
        type: 'audio.delta',
        eventId: 'e1',
        responseId: 'r1',
        itemId: 'i1',
        contentIndex: 0,
        pcm: new Uint8Array([1, 2]),
        sampleRate: 24000,
      },
    ])
    expect(second[0]).toMatchObject({ pcm: new Uint8Array([3, 4]) })
  })

  it('should decode G.711 μ-law output to 8 kHz PCM16', () => {
    const samples = new Int16Array([0, 1000, -1000, 8000])
    const [event] = parse(
      {
        type: 'response.output_audio.delta',
        ...loc,
        delta: Buffer.from(encodeMuLaw(samples)).toString('base64'),
      },
      'g711_ulaw',
    )
    expect(event).toMatchObject({ type: 'audio.delta', sampleRate: 8000 })
    const pcm = (event as { pcm: Uint8Array }).pcm
    const decoded = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2)
    expect(decoded).toHaveLength(4)
    expect(Math.abs(decoded[1]! - 1000)).toBeLessThan(64)
  })

  it('should decode G.711 A-law output to 8 kHz PCM16', () => {
    const [event] = parse(
      { type: 'response.output_audio.delta', ...loc, delta: b64([0xd5, 0x55]) },
      'g711_alaw',
    )
    expect(event).toMatchObject({ type: 'audio.delta', sampleRate: 8000 })
    expect((event as { pcm: Uint8Array }).pcm.byteLength).toBe(4)
  })
})

describe('parseOpenAIServerFrame: beta names accepted as aliases', () => {
  it.each([
    ['response.audio.delta', 'audio.delta'],
    ['response.audio.done', 'audio.done'],
    ['response.audio_transcript.delta', 'transcript.delta'],
    ['response.audio_transcript.done', 'transcript.done'],
    ['response.text.delta', 'text.delta'],
    ['response.text.done', 'text.done'],
  ])('%s → %s', (type, unified) => {
    const [event] = parse({ type, ...loc, delta: b64([1, 2]), transcript: 't', text: 't' })
    expect(event?.type).toBe(unified)
  })

  it('conversation.item.created → item.added', () => {
    const [event] = parse({
      type: 'conversation.item.created',
      event_id: 'e1',
      item: { id: 'i1', type: 'message', role: 'assistant', content: [] },
    })
    expect(event).toMatchObject({ type: 'item.added', itemId: 'i1', role: 'assistant' })
  })
})

describe('parseOpenAIServerFrame: errors', () => {
  it('should correlate an error with the client event that caused it', () => {
    const [event] = parse(
      {
        type: 'error',
        event_id: 'e9',
        error: {
          type: 'invalid_request_error',
          code: 'conversation_already_has_active_response',
          message: 'busy',
          param: null,
          event_id: 'adk_1',
        },
      },
      'pcm16',
      { adk_1: 'response.create' },
    )
    expect(event).toMatchObject({
      type: 'error',
      eventId: 'e9',
      clientEventId: 'adk_1',
      frameType: 'response.create',
    })
    expect((event as { error: { code: string; providerCode: string } }).error).toMatchObject({
      code: 'server_error',
      providerCode: 'conversation_already_has_active_response',
    })
  })

  it.each([
    ['invalid_api_key', 'auth_failed'],
    ['rate_limit_exceeded', 'rate_limited'],
    ['insufficient_quota', 'rate_limited'],
    ['beta_api_shape_disabled', 'invalid_config'],
    ['invalid_model', 'invalid_config'],
    ['something_new', 'server_error'],
  ])('should type error code %s as %s', (code, expected) => {
    const [event] = parse({
      type: 'error',
      event_id: 'e1',
      error: { type: 'invalid_request_error', code, message: 'm' },
    })
    expect(event).toMatchObject({ type: 'error', frameType: 'error' })
    expect((event as { error: { code: string } }).error.code).toBe(expected)
  })

  it('should report a refused session.update as update_rejected with the field path', () => {
    const [event] = parse(
      {
        type: 'error',
        event_id: 'e1',
        error: {
          type: 'invalid_request_error',
          code: 'cannot_update_voice',
          message: 'no',
          param: 'session.audio.output.voice',
          event_id: 'adk_2',
        },
      },
      'pcm16',
      { adk_2: 'session.update' },
    )
    expect((event as { error: { code: string; path: string } }).error).toMatchObject({
      code: 'update_rejected',
      path: 'session.audio.output.voice',
    })
  })
})

describe('parseOpenAIServerFrame: malformed and unknown input never throws', () => {
  it('should turn invalid JSON into a protocol_error event', () => {
    const [event] = parse('{"type": "response.done",')
    expect(event).toMatchObject({ type: 'error', frameType: 'invalid_json' })
    expect((event as { error: { code: string } }).error.code).toBe('protocol_error')
  })

  it.each([['[1,2]'], ['42'], ['{"no":"type"}'], ['{"type":7}']])(
    'should reject a frame without a string type: %s',
    (text) => {
      const [event] = parse(text)
      expect(event).toMatchObject({ type: 'error', frameType: 'invalid_shape' })
    },
  )

  it('should name the frame type and field when a field has the wrong type', () => {
    const [event] = parse({ type: 'response.output_text.delta', ...loc, delta: 42 })
    expect(event).toMatchObject({
      type: 'error',
      frameType: 'response.output_text.delta',
      eventId: 'e1',
    })
    expect((event as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'protocol_error',
    })
    expect((event as { error: { message: string } }).error.message).toContain(
      '"delta" must be a string',
    )
  })

  it('should report undecodable audio as invalid_audio', () => {
    const [event] = parse({ type: 'response.output_audio.delta', ...loc, delta: 'not base64!' })
    expect(event).toMatchObject({ type: 'error', frameType: 'response.output_audio.delta' })
    expect((event as { error: { code: string } }).error.code).toBe('invalid_audio')
  })

  it('should pass a type outside the GA protocol on as raw, and report it', () => {
    const frame = { type: 'brand.new_event', event_id: 'e1', x: 1 }
    const events = parse(frame)
    expect(events[0]).toEqual({
      type: 'raw',
      eventId: 'e1',
      provider: 'openai',
      frameType: 'brand.new_event',
      data: frame,
    })
    expect(events[1]).toMatchObject({ type: 'error', frameType: 'brand.new_event', eventId: 'e1' })
    expect((events[1] as { error: { code: string } }).error.code).toBe('protocol_error')
  })

  it('should pass GA events it does not translate through as raw only', () => {
    const frame = { type: 'mcp_list_tools.completed', event_id: 'e1', item_id: 'i1' }
    expect(parse(frame)).toEqual([
      {
        type: 'raw',
        eventId: 'e1',
        provider: 'openai',
        frameType: 'mcp_list_tools.completed',
        data: frame,
      },
    ])
    expect(parse({ type: 'session.created', event_id: 'e0', session: {} })[0]).toMatchObject({
      type: 'raw',
      frameType: 'session.created',
    })
  })

  it('should read a binary frame as UTF-8 JSON', () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ type: 'input_audio_buffer.cleared', event_id: 'e1' }),
    )
    expect(
      parseOpenAIServerFrame(bytes, { outputFormat: 'pcm16', aligner: new PcmAligner() }),
    ).toEqual([{ type: 'input.cleared', eventId: 'e1' }])
  })
})
