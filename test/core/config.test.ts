import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { globalConfig } from 'zod/v4/core'
import {
  isRealtimeError,
  parseRealtimeConfig,
  parseSessionUpdate,
  parseToolDefinition,
  type RealtimeConfigInput,
} from '../../src/core'

/** A config that sets every field, each to a valid value. */
const everyField: RealtimeConfigInput = {
  model: 'gpt-realtime',
  instruction: 'You are terse.',
  voice: 'marin',
  modalities: ['audio'],
  inputAudioFormat: 'g711_ulaw',
  outputAudioFormat: 'g711_alaw',
  turnDetection: {
    mode: 'server_vad',
    silenceDurationMs: 500,
    threshold: 0.5,
    prefixPaddingMs: 300,
    interruptResponse: true,
    createResponse: true,
    eagerness: 'auto',
    idleTimeoutMs: 6000,
    startSensitivity: 'low',
    endSensitivity: 'high',
  },
  tools: [
    {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
      behavior: 'non_blocking',
    },
  ],
  toolChoice: { type: 'function', name: 'get_weather' },
  inputAudioTranscription: { model: 'gpt-4o-mini-transcribe', language: 'en', prompt: 'Names' },
  outputAudioTranscription: true,
  temperature: 0.8,
  maxOutputTokens: 'inf',
  cachedContent: 'cachedContents/abc',
  interruptionDetection: 'automatic',
  noiseReduction: 'near_field',
  speed: 1.1,
  affectiveDialog: true,
  proactivity: { proactiveAudio: true },
  contextWindowCompression: { triggerTokens: 25600, slidingWindow: { targetTokens: 12800 } },
  sessionResumption: { handle: 'h-1', transparent: true },
  extra: { tracing: 'auto' },
}

function expectInvalid(input: unknown, path: string): void {
  try {
    parseRealtimeConfig(input)
  } catch (error) {
    expect(isRealtimeError(error, 'invalid_config')).toBe(true)
    if (!isRealtimeError(error)) return
    expect(error.path).toBe(path)
    expect(error.message).toContain(path)
    expect(error.retriable).toBe(false)
    return
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected at ${path}`)
}

describe('parseRealtimeConfig', () => {
  it('should accept a config that sets every field', () => {
    const config = parseRealtimeConfig(everyField)
    expect(config).toEqual(everyField)
  })

  it('should accept an empty config', () => {
    expect(parseRealtimeConfig({})).toEqual({})
  })

  it.each([
    ['semantic_vad', { mode: 'semantic_vad', eagerness: 'high' }],
    ['none', { mode: 'none' }],
  ])('should accept %s turn detection', (_mode, turnDetection) => {
    expect(parseRealtimeConfig({ turnDetection }).turnDetection).toEqual(turnDetection)
  })

  it.each(['auto', 'none', 'required'] as const)('should accept tool choice %s', (toolChoice) => {
    expect(parseRealtimeConfig({ toolChoice }).toolChoice).toBe(toolChoice)
  })

  it.each([
    [{ model: '' }, 'model'],
    [{ instruction: 42 }, 'instruction'],
    [{ voice: '' }, 'voice'],
    [{ modalities: ['video'] }, 'modalities[0]'],
    [{ modalities: [] }, 'modalities'],
    [{ inputAudioFormat: 'mp3' }, 'inputAudioFormat'],
    [{ outputAudioFormat: 'opus' }, 'outputAudioFormat'],
    [{ turnDetection: { silenceDurationMs: 500 } }, 'turnDetection.mode'],
    [{ turnDetection: { mode: 'server_vad', threshold: 1.5 } }, 'turnDetection.threshold'],
    [
      { turnDetection: { mode: 'server_vad', silenceDurationMs: -1 } },
      'turnDetection.silenceDurationMs',
    ],
    [
      { turnDetection: { mode: 'server_vad', prefixPaddingMs: 1.5 } },
      'turnDetection.prefixPaddingMs',
    ],
    [
      { turnDetection: { mode: 'server_vad', interruptResponse: 'yes' } },
      'turnDetection.interruptResponse',
    ],
    [{ turnDetection: { mode: 'server_vad', createResponse: 1 } }, 'turnDetection.createResponse'],
    [{ turnDetection: { mode: 'semantic_vad', eagerness: 'eager' } }, 'turnDetection.eagerness'],
    [{ turnDetection: { mode: 'server_vad', idleTimeoutMs: -5 } }, 'turnDetection.idleTimeoutMs'],
    [
      { turnDetection: { mode: 'server_vad', startSensitivity: 'mid' } },
      'turnDetection.startSensitivity',
    ],
    [
      { turnDetection: { mode: 'server_vad', endSensitivity: 'mid' } },
      'turnDetection.endSensitivity',
    ],
    [
      { turnDetection: { mode: 'server_vad', silence_duration_ms: 5 } },
      'turnDetection.silence_duration_ms',
    ],
    [{ tools: [{ name: 'has space' }] }, 'tools[0].name'],
    [{ tools: [{ name: 'ok', description: 3 }] }, 'tools[0].description'],
    [{ tools: [{ name: 'ok', parameters: { type: 'string' } }] }, 'tools[0].parameters'],
    [{ tools: [{ name: 'ok', behavior: 'async' }] }, 'tools[0].behavior'],
    [{ toolChoice: 'sometimes' }, 'toolChoice'],
    [{ inputAudioTranscription: { model: '' } }, 'inputAudioTranscription.model'],
    [{ inputAudioTranscription: { language: 'e' } }, 'inputAudioTranscription.language'],
    [{ inputAudioTranscription: { prompt: 1 } }, 'inputAudioTranscription.prompt'],
    [{ outputAudioTranscription: 'on' }, 'outputAudioTranscription'],
    [{ temperature: 3 }, 'temperature'],
    [{ maxOutputTokens: 0 }, 'maxOutputTokens'],
    [{ cachedContent: '' }, 'cachedContent'],
    [{ interruptionDetection: 'sometimes' }, 'interruptionDetection'],
    [{ noiseReduction: 'loud' }, 'noiseReduction'],
    [{ speed: 4 }, 'speed'],
    [{ affectiveDialog: 'yes' }, 'affectiveDialog'],
    [{ proactivity: { proactiveAudio: 'yes' } }, 'proactivity.proactiveAudio'],
    [{ contextWindowCompression: { triggerTokens: -1 } }, 'contextWindowCompression.triggerTokens'],
    [
      { contextWindowCompression: { slidingWindow: { targetTokens: 0 } } },
      'contextWindowCompression.slidingWindow.targetTokens',
    ],
    [{ sessionResumption: { handle: '' } }, 'sessionResumption.handle'],
    [{ sessionResumption: { transparent: 'no' } }, 'sessionResumption.transparent'],
    [{ extra: 'x' }, 'extra'],
    [{ instructions: 'typo of instruction' }, 'instructions'],
  ])('should reject %j at its path', (input, path) => {
    expectInvalid(input, path)
  })

  it('should reject a non-object config', () => {
    expect(() => parseRealtimeConfig('hello')).toThrowError(/Invalid realtime config/)
  })

  it('should keep the zod error, with its issues, as the cause', () => {
    let thrown: unknown
    try {
      parseRealtimeConfig({ temperature: 9 })
    } catch (error) {
      thrown = error
    }
    expect(isRealtimeError(thrown)).toBe(true)
    const cause = (thrown as Error).cause
    expect(cause).toBeInstanceOf(z.core.$ZodError)
    expect((cause as z.core.$ZodError).issues).toMatchObject([
      { code: 'too_big', path: ['temperature'] },
    ])
  })
})

describe('tool parameters', () => {
  it('should convert a zod object schema to the JSON Schema providers expect', () => {
    const tool = parseToolDefinition({
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: z.object({
        city: z.string().describe('City name'),
        units: z.enum(['c', 'f']).optional(),
        days: z.number().int().min(1).max(7).default(1),
      }),
    })
    expect(tool.parameters).toEqual({
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        units: { type: 'string', enum: ['c', 'f'] },
        days: { type: 'integer', minimum: 1, maximum: 7, default: 1 },
      },
      required: ['city', 'days'],
      additionalProperties: false,
    })
    expect(tool.parameters).not.toHaveProperty('$schema')
  })

  it('should pass a JSON Schema through unchanged', () => {
    const parameters = {
      type: 'object' as const,
      properties: { q: { type: 'string' } },
      required: ['q'],
    }
    expect(parseToolDefinition({ name: 'search', parameters }).parameters).toEqual(parameters)
  })

  it('should reject a zod schema that is not an object', () => {
    expectInvalid({ tools: [{ name: 'bad', parameters: z.string() }] }, 'tools[0].parameters')
  })

  it('should convert zod schemas inside a full config', () => {
    const config = parseRealtimeConfig({
      tools: [{ name: 'set_theme', parameters: z.object({ theme: z.enum(['light', 'dark']) }) }],
    })
    expect(config.tools?.[0]?.parameters).toMatchObject({
      type: 'object',
      properties: { theme: { enum: ['light', 'dark'] } },
    })
  })
})

describe('parseSessionUpdate', () => {
  it('should accept a sparse delta', () => {
    expect(parseSessionUpdate({ voice: 'cedar' })).toEqual({ voice: 'cedar' })
  })

  it('should name the update in its errors', () => {
    expect(() => parseSessionUpdate({ speed: 0 })).toThrowError(/Invalid session update: speed/)
  })
})

describe('config messages without a zod locale', () => {
  // An app that never loads classic zod (JSON-Schema tools, zod/mini) has no locale set: the
  // config's own English messages apply. An app's locale, when there is one, wins.
  function messageOf(input: unknown): string {
    const saved = { ...globalConfig }
    delete globalConfig.localeError
    delete globalConfig.customError
    try {
      parseRealtimeConfig(input)
    } catch (error) {
      return (error as Error).message
    } finally {
      Object.assign(globalConfig, saved)
    }
    throw new Error('expected the config to be refused')
  }

  it.each([
    [{ temperature: 9 }, 'Invalid realtime config: temperature: must be at most 2'],
    [{ instruction: 3 }, 'Invalid realtime config: instruction: expected string, received number'],
    [
      { turnDetection: { mode: 'server_vad', silenceDurationMs: -1 } },
      'Invalid realtime config: turnDetection',
    ],
    [{ voice: '' }, 'Invalid realtime config: voice: must be at least 1 characters'],
    [
      { modalities: ['video'] },
      'Invalid realtime config: modalities[0]: expected "text" | "audio"',
    ],
    [
      { maxOutputTokens: 1.5 },
      'Invalid realtime config: maxOutputTokens: matches none of the allowed shapes',
    ],
    [
      { tools: [{ name: '9 bad' }] },
      'Invalid realtime config: tools[0].name: must be 1-64 letters',
    ],
  ])('%j → %s', (input, message) => {
    expect(messageOf(input)).toContain(message)
  })

  it('should leave an app locale in charge', () => {
    expect(() => parseRealtimeConfig({ temperature: 9 })).toThrow(
      'Too big: expected number to be <=2',
    )
  })
})
