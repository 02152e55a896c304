import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseRealtimeConfig, realtimeConfigSchema } from '../../../../src/core/config'
import type { RealtimeConfigInput } from '../../../../src/core/config'
import { toOpenAISessionConfig } from '../../../../src/core/providers/openai/protocol-config'
import { toOpenAISessionDelta } from '../../../../src/core/providers/openai/protocol-delta'

const PCM = { type: 'audio/pcm', rate: 24000 }
const BASE = { type: 'realtime', audio: { input: { format: PCM }, output: { format: PCM } } }

const map = (input: RealtimeConfigInput) => toOpenAISessionConfig(parseRealtimeConfig(input))

/**
 * One row per RealtimeConfig field: the config, and the session it must produce. A field that
 * does not apply to OpenAI must leave the session exactly as the empty config does.
 */
const fieldCases: Record<keyof RealtimeConfigInput, Array<[RealtimeConfigInput, object]>> = {
  model: [[{ model: 'gpt-realtime-mini' }, BASE]], // chosen by the URL, not sent
  instruction: [[{ instruction: 'Be terse.' }, { ...BASE, instructions: 'Be terse.' }]],
  voice: [
    [
      { voice: 'marin' },
      { ...BASE, audio: { input: { format: PCM }, output: { format: PCM, voice: 'marin' } } },
    ],
  ],
  modalities: [
    [{ modalities: ['text'] }, { ...BASE, output_modalities: ['text'] }],
    [{ modalities: ['audio'] }, { ...BASE, output_modalities: ['audio'] }],
    [{ modalities: ['text', 'audio'] }, { ...BASE, output_modalities: ['audio'] }],
  ],
  inputAudioFormat: [
    [
      { inputAudioFormat: 'g711_ulaw' },
      { ...BASE, audio: { input: { format: { type: 'audio/pcmu' } }, output: { format: PCM } } },
    ],
    [
      { inputAudioFormat: 'g711_alaw' },
      { ...BASE, audio: { input: { format: { type: 'audio/pcma' } }, output: { format: PCM } } },
    ],
    [{ inputAudioFormat: 'pcm16' }, BASE],
  ],
  outputAudioFormat: [
    [
      { outputAudioFormat: 'g711_ulaw' },
      { ...BASE, audio: { input: { format: PCM }, output: { format: { type: 'audio/pcmu' } } } },
    ],
    [
      { outputAudioFormat: 'g711_alaw' },
      { ...BASE, audio: { input: { format: PCM }, output: { format: { type: 'audio/pcma' } } } },
    ],
  ],
  turnDetection: [
    [
      {
        turnDetection: {
          mode: 'server_vad',
          threshold: 0.6,
          prefixPaddingMs: 200,
          silenceDurationMs: 400,
          idleTimeoutMs: 5000,
          createResponse: false,
          interruptResponse: true,
          eagerness: 'high', // semantic only: dropped
          startSensitivity: 'low', // Gemini only: dropped
          endSensitivity: 'high', // Gemini only: dropped
        },
      },
      {
        ...BASE,
        audio: {
          input: {
            format: PCM,
            turn_detection: {
              type: 'server_vad',
              threshold: 0.6,
              prefix_padding_ms: 200,
              silence_duration_ms: 400,
              idle_timeout_ms: 5000,
              create_response: false,
              interrupt_response: true,
            },
          },
          output: { format: PCM },
        },
      },
    ],
    [
      {
        turnDetection: {
          mode: 'semantic_vad',
          eagerness: 'low',
          createResponse: true,
          interruptResponse: false,
          threshold: 0.9, // server_vad only: dropped
        },
      },
      {
        ...BASE,
        audio: {
          input: {
            format: PCM,
            turn_detection: {
              type: 'semantic_vad',
              eagerness: 'low',
              create_response: true,
              interrupt_response: false,
            },
          },
          output: { format: PCM },
        },
      },
    ],
    [
      { turnDetection: { mode: 'none' } },
      { ...BASE, audio: { input: { format: PCM, turn_detection: null }, output: { format: PCM } } },
    ],
  ],
  tools: [
    [
      {
        tools: [
          {
            name: 'get_weather',
            description: 'Weather',
            parameters: z.object({ city: z.string() }),
            behavior: 'non_blocking', // Gemini only: dropped
          },
          { name: 'ping' },
        ],
      },
      {
        ...BASE,
        tools: [
          {
            type: 'function',
            name: 'get_weather',
            description: 'Weather',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
              additionalProperties: false,
            },
          },
          { type: 'function', name: 'ping' },
        ],
      },
    ],
  ],
  toolChoice: [
    [{ toolChoice: 'auto' }, { ...BASE, tool_choice: 'auto' }],
    [{ toolChoice: 'none' }, { ...BASE, tool_choice: 'none' }],
    [{ toolChoice: 'required' }, { ...BASE, tool_choice: 'required' }],
    [
      { toolChoice: { type: 'function', name: 'get_weather' } },
      { ...BASE, tool_choice: { type: 'function', name: 'get_weather' } },
    ],
  ],
  inputAudioTranscription: [
    [
      {
        inputAudioTranscription: {
          model: 'gpt-4o-mini-transcribe',
          language: 'en',
          prompt: 'tech',
        },
      },
      {
        ...BASE,
        audio: {
          input: {
            format: PCM,
            transcription: { model: 'gpt-4o-mini-transcribe', language: 'en', prompt: 'tech' },
          },
          output: { format: PCM },
        },
      },
    ],
    [
      { inputAudioTranscription: {} },
      { ...BASE, audio: { input: { format: PCM, transcription: {} }, output: { format: PCM } } },
    ],
  ],
  outputAudioTranscription: [[{ outputAudioTranscription: true }, BASE]], // always on with audio
  temperature: [[{ temperature: 0.7 }, BASE]], // GA has no session temperature
  maxOutputTokens: [
    [{ maxOutputTokens: 1024 }, { ...BASE, max_output_tokens: 1024 }],
    [{ maxOutputTokens: 'inf' }, { ...BASE, max_output_tokens: 'inf' }],
  ],
  cachedContent: [[{ cachedContent: 'cachedContents/x' }, BASE]], // Gemini only
  interruptionDetection: [[{ interruptionDetection: 'automatic' }, BASE]], // runner behaviour
  noiseReduction: [
    [
      { noiseReduction: 'near_field' },
      {
        ...BASE,
        audio: {
          input: { format: PCM, noise_reduction: { type: 'near_field' } },
          output: { format: PCM },
        },
      },
    ],
    [
      { noiseReduction: 'none' },
      {
        ...BASE,
        audio: { input: { format: PCM, noise_reduction: null }, output: { format: PCM } },
      },
    ],
  ],
  speed: [
    [
      { speed: 1.2 },
      { ...BASE, audio: { input: { format: PCM }, output: { format: PCM, speed: 1.2 } } },
    ],
  ],
  affectiveDialog: [[{ affectiveDialog: true }, BASE]], // Gemini only
  proactivity: [[{ proactivity: { proactiveAudio: true } }, BASE]], // Gemini only
  contextWindowCompression: [[{ contextWindowCompression: { triggerTokens: 1000 } }, BASE]], // Gemini only
  sessionResumption: [[{ sessionResumption: { handle: 'h' } }, BASE]], // Gemini only
  extra: [
    [
      { extra: { tracing: 'auto', truncation: 'disabled', type: 'transcription' } },
      { ...BASE, tracing: 'auto', truncation: 'disabled' }, // `type` stays "realtime"
    ],
  ],
}

describe('toOpenAISessionConfig', () => {
  it('should have a case for every RealtimeConfig field', () => {
    expect(Object.keys(fieldCases).sort()).toEqual(Object.keys(realtimeConfigSchema.shape).sort())
  })

  it('should always send type "realtime" and explicit formats for an empty config', () => {
    expect(map({})).toEqual(BASE)
  })

  for (const [field, cases] of Object.entries(fieldCases)) {
    it.each(cases)(`should map ${field}: %j`, (input, expected) => {
      expect(map(input)).toEqual(expected)
    })
  }

  it('should produce the GA frame the official openai client sends for the same settings', () => {
    // wire-protocols §2.8: what `OpenAIRealtimeWS` sent for this payload.
    expect(
      map({
        instruction: 'Be terse.',
        modalities: ['audio'],
        turnDetection: {
          mode: 'server_vad',
          threshold: 0.5,
          prefixPaddingMs: 300,
          silenceDurationMs: 500,
          createResponse: true,
          interruptResponse: true,
        },
        inputAudioTranscription: { model: 'gpt-4o-mini-transcribe' },
        voice: 'marin',
        tools: [
          {
            name: 'get_weather',
            description: 'Weather',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
            },
          },
        ],
        toolChoice: 'auto',
      }),
    ).toEqual({
      type: 'realtime',
      instructions: 'Be terse.',
      output_modalities: ['audio'],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
            create_response: true,
            interrupt_response: true,
          },
          transcription: { model: 'gpt-4o-mini-transcribe' },
        },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' },
      },
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          description: 'Weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
      ],
      tool_choice: 'auto',
    })
  })
})

describe('toOpenAISessionDelta (only changed fields, crate defect 8.13)', () => {
  const before = parseRealtimeConfig({
    instruction: 'A',
    voice: 'marin',
    turnDetection: { mode: 'server_vad' },
    tools: [{ name: 'one' }],
  })

  it('should send only the changed instruction, with session.type', () => {
    expect(toOpenAISessionDelta(before, { ...before, instruction: 'B' })).toEqual({
      type: 'realtime',
      instructions: 'B',
    })
  })

  it('should never repeat the voice when something else changes', () => {
    const delta = toOpenAISessionDelta(before, { ...before, tools: [{ name: 'two' }] })
    expect(delta).toEqual({ type: 'realtime', tools: [{ type: 'function', name: 'two' }] })
  })

  it('should send a nested audio change alone', () => {
    expect(toOpenAISessionDelta(before, { ...before, voice: 'cedar', speed: 1.1 })).toEqual({
      type: 'realtime',
      audio: { output: { voice: 'cedar', speed: 1.1 } },
    })
    expect(
      toOpenAISessionDelta(before, { ...before, turnDetection: { mode: 'semantic_vad' } }),
    ).toEqual({ type: 'realtime', audio: { input: { turn_detection: { type: 'semantic_vad' } } } })
  })

  it('should return undefined when nothing on the wire changes', () => {
    expect(toOpenAISessionDelta(before, { ...before })).toBeUndefined()
    // Fields that do not reach the OpenAI wire change nothing.
    expect(
      toOpenAISessionDelta(before, { ...before, temperature: 0.3, affectiveDialog: true }),
    ).toBeUndefined()
  })

  it('should say "removed" with a neutral value', () => {
    const withAll = parseRealtimeConfig({
      instruction: 'A',
      tools: [{ name: 'one' }],
      toolChoice: 'required',
      maxOutputTokens: 100,
      inputAudioTranscription: {},
      noiseReduction: 'far_field',
      speed: 1.2,
      voice: 'marin',
    })
    expect(toOpenAISessionDelta(withAll, { voice: 'marin' })).toEqual({
      type: 'realtime',
      instructions: '',
      tools: [],
      tool_choice: 'auto',
      max_output_tokens: 'inf',
      audio: { input: { transcription: null, noise_reduction: null }, output: { speed: 1 } },
    })
  })

  it('should be insensitive to key order in tool schemas', () => {
    const a = parseRealtimeConfig({
      tools: [{ name: 't', parameters: { type: 'object', properties: { x: { type: 'string' } } } }],
    })
    const b = parseRealtimeConfig({
      tools: [{ name: 't', parameters: { properties: { x: { type: 'string' } }, type: 'object' } }],
    })
    expect(toOpenAISessionDelta(a, b)).toBeUndefined()
  })
})
