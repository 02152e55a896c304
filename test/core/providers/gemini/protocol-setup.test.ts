import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseRealtimeConfig, realtimeConfigSchema } from '../../../../src/core/config'
import type { RealtimeConfigInput } from '../../../../src/core/config'
import { toGeminiSetup } from '../../../../src/core/providers/gemini/protocol-setup'
import type { GeminiSetupOptions } from '../../../../src/core/providers/gemini/protocol-setup'

const MODEL = 'models/gemini-live-2.5-flash-preview'
const STUDIO: GeminiSetupOptions = { model: MODEL, vertex: false, requestResumption: false }
const BASE = { model: MODEL }

const map = (input: RealtimeConfigInput, options: Partial<GeminiSetupOptions> = {}) =>
  toGeminiSetup(parseRealtimeConfig(input), { ...STUDIO, ...options })

/** One row per RealtimeConfig field; a field that does not apply leaves the setup as `{}` does. */
const fieldCases: Record<keyof RealtimeConfigInput, Array<[RealtimeConfigInput, object]>> = {
  model: [[{ model: 'gemini-live-2.5-flash' }, BASE]], // resolved by the model into options.model
  instruction: [
    [
      { instruction: 'Be terse.' },
      { ...BASE, systemInstruction: { parts: [{ text: 'Be terse.' }], role: 'user' } },
    ],
  ],
  voice: [
    [
      { voice: 'Puck' },
      {
        ...BASE,
        generationConfig: {
          speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } } },
        },
      },
    ],
  ],
  modalities: [
    [{ modalities: ['audio'] }, { ...BASE, generationConfig: { responseModalities: ['AUDIO'] } }],
    [{ modalities: ['text'] }, { ...BASE, generationConfig: { responseModalities: ['TEXT'] } }],
    [
      { modalities: ['text', 'audio'] },
      { ...BASE, generationConfig: { responseModalities: ['AUDIO'] } },
    ],
  ],
  inputAudioFormat: [[{ inputAudioFormat: 'pcm16' }, BASE]],
  outputAudioFormat: [[{ outputAudioFormat: 'pcm16' }, BASE]],
  turnDetection: [
    [
      { turnDetection: { mode: 'none' } },
      { ...BASE, realtimeInputConfig: { automaticActivityDetection: { disabled: true } } },
    ],
    [
      {
        turnDetection: {
          mode: 'server_vad',
          startSensitivity: 'low',
          endSensitivity: 'high',
          prefixPaddingMs: 20,
          silenceDurationMs: 100,
          interruptResponse: false,
          threshold: 0.5, // OpenAI only: dropped
          createResponse: true, // OpenAI only: dropped
          idleTimeoutMs: 1000, // OpenAI only: dropped
        },
      },
      {
        ...BASE,
        realtimeInputConfig: {
          automaticActivityDetection: {
            startOfSpeechSensitivity: 'START_SENSITIVITY_LOW',
            endOfSpeechSensitivity: 'END_SENSITIVITY_HIGH',
            prefixPaddingMs: 20,
            silenceDurationMs: 100,
          },
          activityHandling: 'NO_INTERRUPTION',
        },
      },
    ],
    [
      {
        turnDetection: {
          mode: 'semantic_vad',
          eagerness: 'high',
          interruptResponse: true,
          startSensitivity: 'high',
        },
      },
      {
        ...BASE,
        realtimeInputConfig: {
          automaticActivityDetection: { startOfSpeechSensitivity: 'START_SENSITIVITY_HIGH' },
          activityHandling: 'START_OF_ACTIVITY_INTERRUPTS',
        },
      },
    ],
  ],
  tools: [
    [
      {
        tools: [
          {
            name: 'get_weather',
            description: 'Weather',
            parameters: z.object({ city: z.string(), days: z.number().int().nullable() }),
          },
          { name: 'notify', behavior: 'non_blocking' },
          { name: 'wait', behavior: 'blocking' },
        ],
      },
      {
        ...BASE,
        tools: [
          {
            functionDeclarations: [
              {
                name: 'get_weather',
                description: 'Weather',
                parameters: {
                  type: 'OBJECT',
                  properties: {
                    city: { type: 'STRING' },
                    days: {
                      type: 'INTEGER',
                      nullable: true,
                      minimum: expect.any(Number),
                      maximum: expect.any(Number),
                    },
                  },
                  required: ['city', 'days'],
                },
              },
              { name: 'notify', behavior: 'NON_BLOCKING' },
              { name: 'wait', behavior: 'BLOCKING' },
            ],
          },
        ],
      },
    ],
    [{ tools: [] }, BASE],
  ],
  toolChoice: [
    [{ tools: [{ name: 'f' }], toolChoice: 'none' }, BASE],
    [
      { tools: [{ name: 'f' }], toolChoice: 'auto' },
      { ...BASE, tools: [{ functionDeclarations: [{ name: 'f' }] }] },
    ],
    [
      { tools: [{ name: 'f' }], toolChoice: 'required' },
      { ...BASE, tools: [{ functionDeclarations: [{ name: 'f' }] }] },
    ],
  ],
  inputAudioTranscription: [
    [
      { inputAudioTranscription: { model: 'x', language: 'en' } },
      { ...BASE, inputAudioTranscription: { languageCodes: ['en'] } },
    ],
    [{ inputAudioTranscription: { model: 'x' } }, { ...BASE, inputAudioTranscription: {} }],
  ],
  outputAudioTranscription: [
    [{ outputAudioTranscription: true }, { ...BASE, outputAudioTranscription: {} }],
    [{ outputAudioTranscription: false }, BASE],
  ],
  temperature: [[{ temperature: 0.7 }, { ...BASE, generationConfig: { temperature: 0.7 } }]],
  maxOutputTokens: [
    [{ maxOutputTokens: 512 }, { ...BASE, generationConfig: { maxOutputTokens: 512 } }],
    [{ maxOutputTokens: 'inf' }, BASE],
  ],
  cachedContent: [[{ cachedContent: 'cachedContents/abc' }, BASE]], // no Live setup field
  interruptionDetection: [[{ interruptionDetection: 'automatic' }, BASE]], // runner behaviour
  noiseReduction: [[{ noiseReduction: 'far_field' }, BASE]], // OpenAI only
  speed: [[{ speed: 1.2 }, BASE]], // OpenAI only
  affectiveDialog: [
    [{ affectiveDialog: true }, { ...BASE, generationConfig: { enableAffectiveDialog: true } }],
  ],
  proactivity: [
    [{ proactivity: { proactiveAudio: true } }, { ...BASE, proactivity: { proactiveAudio: true } }],
  ],
  contextWindowCompression: [
    [
      {
        contextWindowCompression: { triggerTokens: 25600, slidingWindow: { targetTokens: 12800 } },
      },
      {
        ...BASE,
        contextWindowCompression: {
          triggerTokens: '25600',
          slidingWindow: { targetTokens: '12800' },
        },
      },
    ],
    [
      { contextWindowCompression: {} },
      { ...BASE, contextWindowCompression: { slidingWindow: {} } },
    ],
  ],
  sessionResumption: [
    [
      { sessionResumption: { handle: 'prev-handle' } },
      { ...BASE, sessionResumption: { handle: 'prev-handle' } },
    ],
    [{ sessionResumption: {} }, { ...BASE, sessionResumption: {} }],
    // `transparent` is Vertex only: dropped on AI Studio.
    [
      { sessionResumption: { handle: 'h', transparent: true } },
      { ...BASE, sessionResumption: { handle: 'h' } },
    ],
  ],
  extra: [
    [
      { extra: { historyConfig: { initialHistoryInClientContent: true } } },
      { ...BASE, historyConfig: { initialHistoryInClientContent: true } },
    ],
  ],
}

describe('toGeminiSetup', () => {
  it('should have a case for every RealtimeConfig field', () => {
    expect(Object.keys(fieldCases).sort()).toEqual(Object.keys(realtimeConfigSchema.shape).sort())
  })

  it('should send only the model for an empty config (as the recorded JS SDK sessions do)', () => {
    expect(map({})).toEqual(BASE)
  })

  for (const [field, cases] of Object.entries(fieldCases)) {
    it.each(cases)(`should map ${field}: %j`, (input, expected) => {
      expect(map(input)).toEqual(expected)
    })
  }

  it('should refuse G.711 formats with invalid_config naming the field', () => {
    expect(() => map({ inputAudioFormat: 'g711_ulaw' })).toThrow(
      expect.objectContaining({ code: 'invalid_config', path: 'inputAudioFormat' }),
    )
    expect(() => map({ outputAudioFormat: 'g711_alaw' })).toThrow(
      expect.objectContaining({ code: 'invalid_config', path: 'outputAudioFormat' }),
    )
  })

  it('should request resumption handles with {} when asked and no handle exists, never {handle: null}', () => {
    expect(map({}, { requestResumption: true })).toEqual({ ...BASE, sessionResumption: {} })
    expect(map({ sessionResumption: { handle: 'h' } }, { requestResumption: true })).toEqual({
      ...BASE,
      sessionResumption: { handle: 'h' },
    })
  })

  it('should send transparent resumption on Vertex', () => {
    expect(
      map({ sessionResumption: { handle: 'h', transparent: true } }, { vertex: true }),
    ).toMatchObject({ sessionResumption: { handle: 'h', transparent: true } })
  })

  it('should default responseModalities to AUDIO on Vertex only, as the official SDKs do', () => {
    const AUDIO = { generationConfig: { responseModalities: ['AUDIO'] } }
    expect(map({}, { vertex: true })).toEqual({ ...BASE, ...AUDIO })
    expect(map({ voice: 'Puck' }, { vertex: true }).generationConfig).toEqual({
      responseModalities: ['AUDIO'],
      speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } } },
    })
    // The app's own choice wins, and AI Studio keeps the server's default.
    expect(map({ modalities: ['text'] }, { vertex: true })).toEqual({
      ...BASE,
      generationConfig: { responseModalities: ['TEXT'] },
    })
    expect(map({})).toEqual(BASE)
  })

  it('should reproduce the rich setup frame the official JS SDK sends (wire-protocols §1.3)', () => {
    const setup = map(
      {
        modalities: ['audio'],
        voice: 'Puck',
        affectiveDialog: true,
        instruction: 'You are terse.',
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
        sessionResumption: { handle: 'prev-handle' },
        inputAudioTranscription: {},
        outputAudioTranscription: true,
        turnDetection: {
          mode: 'server_vad',
          startSensitivity: 'low',
          endSensitivity: 'low',
          prefixPaddingMs: 20,
          silenceDurationMs: 100,
          interruptResponse: true,
        },
        contextWindowCompression: { triggerTokens: 25600, slidingWindow: { targetTokens: 12800 } },
        proactivity: { proactiveAudio: true },
      },
      { model: 'models/gemini-live-2.5-flash-preview', requestResumption: true },
    )
    expect(setup).toEqual({
      model: 'models/gemini-live-2.5-flash-preview',
      generationConfig: {
        responseModalities: ['AUDIO'],
        speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } } },
        enableAffectiveDialog: true,
      },
      systemInstruction: { parts: [{ text: 'You are terse.' }], role: 'user' },
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather',
              parameters: {
                type: 'OBJECT',
                properties: { city: { type: 'STRING' } },
                required: ['city'],
              },
            },
          ],
        },
      ],
      sessionResumption: { handle: 'prev-handle' },
      inputAudioTranscription: {},
      outputAudioTranscription: {},
      realtimeInputConfig: {
        // The SDK also sends `disabled: false`, the default; we leave defaults out.
        automaticActivityDetection: {
          startOfSpeechSensitivity: 'START_SENSITIVITY_LOW',
          endOfSpeechSensitivity: 'END_SENSITIVITY_LOW',
          prefixPaddingMs: 20,
          silenceDurationMs: 100,
        },
        activityHandling: 'START_OF_ACTIVITY_INTERRUPTS',
      },
      contextWindowCompression: {
        triggerTokens: '25600',
        slidingWindow: { targetTokens: '12800' },
      },
      proactivity: { proactiveAudio: true },
    })
  })
})
