import { describe, expect, it } from 'vitest'
import { toGeminiClientMessages } from '../../../../src/core/providers/gemini/protocol-client'
import type { GeminiClientContext } from '../../../../src/core/providers/gemini/protocol-client'

const auto: GeminiClientContext = {
  inputSampleRate: 16000,
  manualActivity: false,
  activityOpen: false,
  textInput: 'clientContent',
  vertex: false,
}
const manual: GeminiClientContext = { ...auto, manualActivity: true }

describe('toGeminiClientMessages', () => {
  it('should send audio as realtimeInput.audio with its rate', () => {
    expect(
      toGeminiClientMessages({ type: 'audio.append', pcm: new Uint8Array([1, 0]) }, auto),
    ).toEqual({
      messages: [{ realtimeInput: { audio: { data: 'AQA=', mimeType: 'audio/pcm;rate=16000' } } }],
      activityOpen: false,
    })
  })

  it('should open an activity before the first audio and close it on commit in manual mode', () => {
    const first = toGeminiClientMessages({ type: 'audio.append', pcm: new Uint8Array(2) }, manual)
    expect(first.messages[0]).toEqual({ realtimeInput: { activityStart: {} } })
    expect(first.activityOpen).toBe(true)
    const second = toGeminiClientMessages(
      { type: 'audio.append', pcm: new Uint8Array(2) },
      { ...manual, activityOpen: true },
    )
    expect(second.messages).toHaveLength(1)
    expect(
      toGeminiClientMessages({ type: 'audio.commit' }, { ...manual, activityOpen: true }),
    ).toEqual({
      messages: [{ realtimeInput: { activityEnd: {} } }],
      activityOpen: false,
    })
    expect(toGeminiClientMessages({ type: 'audio.commit' }, manual).messages).toEqual([])
  })

  it('should end the audio stream on commit in automatic mode on AI Studio only', () => {
    expect(toGeminiClientMessages({ type: 'audio.commit' }, auto).messages).toEqual([
      { realtimeInput: { audioStreamEnd: true } },
    ])
    expect(
      toGeminiClientMessages({ type: 'audio.commit' }, { ...auto, vertex: true }).messages,
    ).toEqual([])
  })

  it('should send user text as a complete clientContent turn, or as realtimeInput.text', () => {
    expect(toGeminiClientMessages({ type: 'text', text: 'Hi' }, auto).messages).toEqual([
      { clientContent: { turns: [{ parts: [{ text: 'Hi' }], role: 'user' }], turnComplete: true } },
    ])
    expect(
      toGeminiClientMessages({ type: 'text', text: 'Hi' }, { ...auto, textInput: 'realtimeInput' })
        .messages,
    ).toEqual([{ realtimeInput: { text: 'Hi' } }])
  })

  it('should send assistant and system text as context turns that do not ask for an answer', () => {
    expect(
      toGeminiClientMessages({ type: 'text', text: 'Earlier', role: 'assistant' }, auto).messages,
    ).toEqual([
      {
        clientContent: {
          turns: [{ parts: [{ text: 'Earlier' }], role: 'model' }],
          turnComplete: false,
        },
      },
    ])
    expect(
      toGeminiClientMessages({ type: 'text', text: 'Rule', role: 'system' }, auto).messages,
    ).toEqual([
      {
        clientContent: {
          turns: [{ parts: [{ text: 'Rule' }], role: 'user' }],
          turnComplete: false,
        },
      },
    ])
  })

  it.each(['system', 'assistant'] as const)(
    'should refuse %s text in realtimeInput mode (Gemini 3 closes with 1007 on mid-session clientContent)',
    (role) => {
      expect(() =>
        toGeminiClientMessages(
          { type: 'text', text: 'Rule', role },
          { ...auto, textInput: 'realtimeInput' },
        ),
      ).toThrow(
        expect.objectContaining({
          name: 'RealtimeError',
          code: 'unsupported',
          message: expect.stringMatching(new RegExp(`${role} text.*1007`)),
        }),
      )
    },
  )

  it.each([
    [{ mood: 'happy' }, false, { mood: 'happy' }],
    ['Recorded 5.', false, { output: 'Recorded 5.' }],
    [[1, 2], false, { output: [1, 2] }],
    [null, false, { output: null }],
    ['bad args', true, { error: 'bad args' }],
  ])(
    'should send tool output %j (error %s) as the object %j with id and name',
    (output, isError, response) => {
      expect(
        toGeminiClientMessages(
          { type: 'tool.result', result: { callId: 'fc_1', name: 'f', output, isError } },
          auto,
        ).messages,
      ).toEqual([{ toolResponse: { functionResponses: [{ id: 'fc_1', name: 'f', response }] } }])
    },
  )

  it('should omit a synthetic call id from the tool response', () => {
    const { messages } = toGeminiClientMessages(
      { type: 'tool.result', result: { callId: 'gen-1', name: 'f', output: {} } },
      { ...auto, isSyntheticCallId: (id) => id === 'gen-1' },
    )
    expect(messages).toEqual([
      { toolResponse: { functionResponses: [{ name: 'f', response: {} }] } },
    ])
  })

  it('should interrupt by opening an activity in manual mode only', () => {
    expect(toGeminiClientMessages({ type: 'response.cancel' }, manual).messages).toEqual([
      { realtimeInput: { activityStart: {} } },
    ])
    expect(toGeminiClientMessages({ type: 'response.cancel' }, auto).messages).toEqual([])
  })

  it.each([
    [{ type: 'audio.clear' as const }],
    [{ type: 'response.create' as const }],
    [{ type: 'item.truncate' as const, itemId: 'i', audioEndMs: 5 }],
  ])('should send nothing for %j', (event) => {
    expect(toGeminiClientMessages(event, auto).messages).toEqual([])
  })

  it('should refuse half a PCM16 sample', () => {
    expect(() =>
      toGeminiClientMessages({ type: 'audio.append', pcm: new Uint8Array(1) }, auto),
    ).toThrow(expect.objectContaining({ code: 'invalid_audio' }))
  })
})
