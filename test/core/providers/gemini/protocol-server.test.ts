import { describe, expect, it } from 'vitest'
import type { ServerEvent } from '../../../../src/core/events'
import {
  describeGeminiClose,
  parseDurationMs,
} from '../../../../src/core/providers/gemini/protocol-errors'
import {
  decodeGeminiFrame,
  readGeminiMessage,
} from '../../../../src/core/providers/gemini/protocol-server'
import { GeminiTurnTracker } from '../../../../src/core/providers/gemini/turn-tracker'

/** Runs frames through validation and the tracker, like the session does. */
function run(...frames: object[]): ServerEvent[] {
  const tracker = new GeminiTurnTracker('t')
  return frames.flatMap((frame) =>
    tracker.apply(readGeminiMessage(frame as Record<string, unknown>)),
  )
}

const audio = (bytes: number[], mimeType = 'audio/pcm;rate=24000') => ({
  serverContent: {
    modelTurn: {
      parts: [{ inlineData: { mimeType, data: Buffer.from(bytes).toString('base64') } }],
    },
  },
})

describe('Gemini server messages → unified events', () => {
  it('should open a response on the first model part and close it on turnComplete (crate defect 8.9)', () => {
    const events = run(
      { serverContent: { modelTurn: { parts: [{ text: 'Yes' }] } } },
      { serverContent: { modelTurn: { parts: [{ text: ', hi.' }] } } },
      { serverContent: { generationComplete: true } },
      {
        serverContent: { turnComplete: true },
        usageMetadata: {
          promptTokenCount: 515,
          responseTokenCount: 38,
          totalTokenCount: 553,
          responseTokensDetails: [{ modality: 'TEXT', tokenCount: 38 }],
        },
      },
    )
    expect(events).toEqual([
      { type: 'response.started', responseId: 't-turn-1' },
      { type: 'item.added', itemId: 't-out-1', kind: 'message', role: 'assistant' },
      { type: 'text.delta', responseId: 't-turn-1', itemId: 't-out-1', delta: 'Yes' },
      { type: 'text.delta', responseId: 't-turn-1', itemId: 't-out-1', delta: ', hi.' },
      { type: 'text.done', responseId: 't-turn-1', itemId: 't-out-1', text: 'Yes, hi.' },
      {
        type: 'response.done',
        responseId: 't-turn-1',
        status: 'completed',
        usage: { inputTokens: 515, outputTokens: 38, totalTokens: 553, outputTextTokens: 38 },
      },
    ])
  })

  it('should decode audio once to PCM16 with the rate from its mime type, sample-aligned', () => {
    const events = run(audio([1, 2, 3]), audio([4, 0]), audio([5, 6], 'audio/pcm'), {
      serverContent: { turnComplete: true },
    })
    const deltas = events.filter((event) => event.type === 'audio.delta')
    expect(deltas.map((event) => [...(event as { pcm: Uint8Array }).pcm])).toEqual([
      [1, 2],
      [3, 4],
      [0, 5],
    ])
    expect(deltas.map((event) => (event as { sampleRate: number }).sampleRate)).toEqual([
      24000, 24000, 24000,
    ])
    expect(events.filter((event) => event.type === 'audio.done')).toHaveLength(1)
  })

  it('should stream output transcription and finish it at turnComplete', () => {
    const events = run(
      { serverContent: { outputTranscription: { text: 'We' } } },
      { serverContent: { outputTranscription: {} } }, // Vertex: empty, ignored
      { serverContent: { generationComplete: true } },
      { serverContent: { outputTranscription: { text: ' could.' } } }, // trails the audio
      { serverContent: { turnComplete: true } },
    )
    expect(
      events
        .filter((event) => event.type === 'transcript.delta')
        .map((event) => (event as { delta: string }).delta),
    ).toEqual(['We', ' could.'])
    expect(events.find((event) => event.type === 'transcript.done')).toMatchObject({
      transcript: 'We could.',
    })
  })

  it('should stream input transcription into one user item per turn', () => {
    const events = run(
      { serverContent: { inputTranscription: { text: ' Hello' } } },
      { serverContent: { inputTranscription: { text: ', me.' } } },
      { serverContent: { turnComplete: true } },
    )
    expect(events).toEqual([
      { type: 'item.added', itemId: 't-in-1', kind: 'message', role: 'user' },
      { type: 'inputTranscript.delta', itemId: 't-in-1', delta: ' Hello' },
      { type: 'inputTranscript.delta', itemId: 't-in-1', delta: ', me.' },
      { type: 'response.started', responseId: 't-turn-1' },
      { type: 'response.done', responseId: 't-turn-1', status: 'completed' },
      { type: 'inputTranscript.done', itemId: 't-in-1', transcript: ' Hello, me.' },
    ])
  })

  it('should surface every function call of one toolCall (crate defect 8.5)', () => {
    const events = run({
      toolCall: {
        functionCalls: [
          { id: 'fc_1', name: 'a', args: { x: 1 } },
          { id: 'fc_2', name: 'b' },
          { name: 'c', args: {} },
        ],
      },
    })
    expect(events).toEqual([
      { type: 'response.started', responseId: 't-turn-1' },
      {
        type: 'tool.call',
        callId: 'fc_1',
        name: 'a',
        arguments: '{"x":1}',
        responseId: 't-turn-1',
      },
      { type: 'tool.call', callId: 'fc_2', name: 'b', arguments: '{}', responseId: 't-turn-1' },
      { type: 'tool.call', callId: 't-call-1', name: 'c', arguments: '{}', responseId: 't-turn-1' },
    ])
  })

  it('should report tool call cancellation, barge-in and a cancelled turn', () => {
    const events = run(
      { toolCall: { functionCalls: [{ id: 'fc_1', name: 'slow', args: {} }] } },
      { toolCallCancellation: { ids: ['fc_1'] } },
      { serverContent: { interrupted: true } },
      { serverContent: { turnComplete: true } },
    )
    expect(events.slice(2)).toEqual([
      { type: 'tool.cancelled', callIds: ['fc_1'] },
      { type: 'interrupted', responseId: 't-turn-1' },
      { type: 'response.done', responseId: 't-turn-1', status: 'cancelled' },
    ])
  })

  it('should keep barge-in speech that runs past an interrupted turn in one user item', () => {
    // Server VAD reports the barge-in before its words are transcribed.
    const events = run(
      audio([1, 0]),
      { serverContent: { interrupted: true } },
      { serverContent: { inputTranscription: { text: 'Wait,' } } },
      { serverContent: { turnComplete: true } },
      { serverContent: { inputTranscription: { text: ' stop please' } } },
      { serverContent: { outputTranscription: { text: 'OK.' } } },
      { serverContent: { generationComplete: true } },
      { serverContent: { turnComplete: true } },
    )
    const user = events.filter(
      (event) =>
        (event.type === 'item.added' && event.role === 'user') ||
        event.type.startsWith('inputTranscript.'),
    )
    expect(user).toEqual([
      { type: 'item.added', itemId: 't-in-1', kind: 'message', role: 'user' },
      { type: 'inputTranscript.delta', itemId: 't-in-1', delta: 'Wait,' },
      { type: 'inputTranscript.delta', itemId: 't-in-1', delta: ' stop please' },
      { type: 'inputTranscript.done', itemId: 't-in-1', transcript: 'Wait, stop please' },
    ])
    // The interrupted turn still ends, cancelled, before the user item does.
    const done = events.filter((event) => event.type === 'response.done')
    expect(done).toMatchObject([
      { responseId: 't-turn-1', status: 'cancelled' },
      { responseId: 't-turn-2', status: 'completed' },
    ])
    expect(events.at(-1)).toMatchObject({ type: 'inputTranscript.done' })
  })

  it('should keep a resumption handle only when resumable', () => {
    expect(run({ sessionResumptionUpdate: { newHandle: 'h1', resumable: true } })).toEqual([
      { type: 'resumption.update', resumable: true, handle: 'h1' },
    ])
    expect(run({ sessionResumptionUpdate: { newHandle: 'h2', resumable: false } })).toEqual([
      { type: 'resumption.update', resumable: false },
    ])
    expect(run({ sessionResumptionUpdate: { resumable: false } })).toEqual([
      { type: 'resumption.update', resumable: false },
    ])
    expect(run({ sessionResumptionUpdate: { newHandle: '', resumable: true } })).toEqual([
      { type: 'resumption.update', resumable: true },
    ])
  })

  it('should pass on lastConsumedClientMessageIndex (Vertex transparent resumption) as a string', () => {
    expect(
      run({
        sessionResumptionUpdate: {
          newHandle: 'h1',
          resumable: true,
          lastConsumedClientMessageIndex: '9007199254740993',
        },
      }),
    ).toEqual([
      {
        type: 'resumption.update',
        resumable: true,
        handle: 'h1',
        // Beyond Number.MAX_SAFE_INTEGER: kept exact, never parsed to a number.
        lastConsumedClientMessageIndex: '9007199254740993',
      },
    ])
    // proto3 JSON also allows a plain integer for int64.
    expect(
      run({ sessionResumptionUpdate: { resumable: false, lastConsumedClientMessageIndex: 7 } }),
    ).toEqual([
      { type: 'resumption.update', resumable: false, lastConsumedClientMessageIndex: '7' },
    ])
  })

  it.each([
    ['10s', 10_000],
    ['0.5s', 500],
    ['1.000340s', 1000],
    ['50s', 50_000],
  ])('should parse goAway timeLeft %s', (timeLeft, ms) => {
    expect(run({ goAway: { timeLeft } })).toEqual([{ type: 'goAway', timeLeftMs: ms }])
  })

  it('should parse protobuf durations in object form too', () => {
    expect(parseDurationMs({ seconds: '3', nanos: 500_000_000 })).toBe(3500)
    expect(parseDurationMs('soon')).toBeUndefined()
  })

  it('should report standalone usage, with Vertex field names and omitted zero counts', () => {
    expect(
      run({
        usageMetadata: {
          promptTokenCount: 10,
          candidatesTokenCount: 4,
          candidatesTokensDetails: [{ modality: 'AUDIO' }, { modality: 'TEXT', tokenCount: 4 }],
          promptTokensDetails: [
            { modality: 'AUDIO', tokenCount: 7 },
            { modality: 'TEXT', tokenCount: 3 },
          ],
          cachedContentTokenCount: 2,
          toolUsePromptTokenCount: 1,
          thoughtsTokenCount: 5,
          trafficType: 'ON_DEMAND',
        },
      }),
    ).toEqual([
      {
        type: 'usage',
        usage: {
          inputTokens: 10,
          outputTokens: 4,
          cachedTokens: 2,
          toolUsePromptTokens: 1,
          thoughtsTokens: 5,
          inputTextTokens: 3,
          inputAudioTokens: 7,
          outputTextTokens: 4,
          outputAudioTokens: 0,
        },
      },
    ])
  })

  it('should pass thoughts, executableCode and unmodelled fields through as raw', () => {
    const events = run(
      {
        serverContent: {
          modelTurn: {
            parts: [
              { text: 'plan', thought: true },
              { executableCode: { language: 'PYTHON', code: 'print(1)' } },
            ],
          },
        },
      },
      { serverContent: { turnComplete: true, groundingMetadata: {} }, somethingNew: { a: 1 } },
    )
    expect(
      events
        .filter((event) => event.type === 'raw')
        .map((event) => (event as { frameType: string }).frameType),
    ).toEqual(['thought', 'executableCode', 'serverContent.groundingMetadata', 'somethingNew'])
    // Thought text is not answer text.
    expect(events.filter((event) => event.type === 'text.delta')).toEqual([])
    // `somethingNew` is outside the protocol: reported as well as passed on.
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      frameType: 'somethingNew',
      error: { code: 'protocol_error' },
    })
  })

  it('should pass a documented but untranslated field through as raw only', () => {
    expect(run({ voiceActivityDetectionSignal: { vadSignalType: 'VAD_SIGNAL_TYPE_SOS' } })).toEqual(
      [
        {
          type: 'raw',
          provider: 'gemini',
          frameType: 'voiceActivityDetectionSignal',
          data: { vadSignalType: 'VAD_SIGNAL_TYPE_SOS' },
        },
      ],
    )
  })

  it('should map voiceActivity to speech start and stop', () => {
    expect(
      run(
        { voiceActivity: { voiceActivityType: 'ACTIVITY_START' } },
        { voiceActivity: { voiceActivityType: 'ACTIVITY_END' } },
      ),
    ).toEqual([{ type: 'speech.started' }, { type: 'speech.stopped' }])
  })

  it('should pair an empty turn (Vertex second turnComplete) with started/done', () => {
    expect(run({ serverContent: { turnComplete: true } })).toEqual([
      { type: 'response.started', responseId: 't-turn-1' },
      { type: 'response.done', responseId: 't-turn-1', status: 'completed' },
    ])
  })
})

describe('Gemini frame validation', () => {
  it('should decode binary frames', () => {
    expect(decodeGeminiFrame(new TextEncoder().encode('{"setupComplete":{}}'))).toEqual({
      frame: { setupComplete: {} },
    })
  })

  it('should report invalid JSON and non-objects', () => {
    expect(decodeGeminiFrame('{"serverContent":')).toMatchObject({ frameType: 'invalid_json' })
    expect(decodeGeminiFrame('[1]')).toMatchObject({ frameType: 'invalid_shape' })
  })

  it.each([
    [{ serverContent: { modelTurn: { parts: 'oops' } } }, 'serverContent.modelTurn.parts'],
    [{ serverContent: { turnComplete: 'yes' } }, 'serverContent.turnComplete'],
    [{ toolCall: { functionCalls: [{ id: 'x', args: {} }] } }, 'toolCall.functionCalls[0].name'],
    [
      { toolCall: { functionCalls: [{ name: 'f', args: '{}' }] } },
      'toolCall.functionCalls[0].args',
    ],
    [{ goAway: { timeLeft: 'soon' } }, 'goAway.timeLeft'],
    [{ sessionResumptionUpdate: { newHandle: 5 } }, 'sessionResumptionUpdate.newHandle'],
    [
      { sessionResumptionUpdate: { lastConsumedClientMessageIndex: 'seven' } },
      'sessionResumptionUpdate.lastConsumedClientMessageIndex',
    ],
    [{ usageMetadata: { promptTokenCount: '10' } }, 'usageMetadata.promptTokenCount'],
  ])('should throw a WireShapeError naming the field: %j', (frame, path) => {
    expect(() => readGeminiMessage(frame as Record<string, unknown>)).toThrow(
      expect.objectContaining({ name: 'WireShapeError', path }),
    )
  })

  it('should report undecodable audio as invalid_audio', () => {
    expect(() =>
      readGeminiMessage({
        serverContent: {
          modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm', data: '%%%' } }] },
        },
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_audio' }))
  })
})

describe('describeGeminiClose: close reasons are typed errors', () => {
  it.each([
    [1007, 'API Key not found. Please pass a valid API key.', 'auth_failed', false],
    [1007, 'API key not valid. Please pass a valid API key.', 'auth_failed', false],
    [1007, 'Request contains an invalid argument.', 'invalid_config', false],
    [
      1008,
      'models/gemini-x is not found for API version v1alpha, or is not supported for bidiGenerateContent',
      'invalid_config',
      false,
    ],
    [
      1008,
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      'auth_failed',
      false,
    ],
    [1008, 'The operation was aborted.', 'connection_failed', true],
    [1011, 'Internal error encountered.', 'server_error', true],
    [1006, '', 'connection_failed', true],
  ] as const)('close %i "%s" → %s', (code, reason, expected, retriable) => {
    expect(describeGeminiClose({ code, reason, initiatedBy: 'server' }).error).toMatchObject({
      code: expected,
      retriable,
      providerCode: code,
    })
  })

  it('should not report a normal close', () => {
    expect(
      describeGeminiClose({ code: 1000, reason: '', initiatedBy: 'server' }).error,
    ).toBeUndefined()
    expect(
      describeGeminiClose({ code: 1005, reason: '', initiatedBy: 'client' }).error,
    ).toBeUndefined()
  })
})
