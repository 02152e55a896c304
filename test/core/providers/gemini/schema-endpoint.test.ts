import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { toolParametersToJsonSchema } from '../../../../src/core/config'
import { geminiEndpoint, geminiModelPath } from '../../../../src/core/providers/gemini/endpoint'
import { geminiParameters, toGeminiSchema } from '../../../../src/core/providers/gemini/schema'

describe('toGeminiSchema', () => {
  it('should upper-case types and map nullable forms', () => {
    expect(
      toGeminiSchema({
        type: 'object',
        description: 'args',
        properties: {
          a: { type: ['string', 'null'], enum: ['x', 'y'] },
          b: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
          c: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3 },
          d: { type: 'boolean', default: false },
          e: { const: 'fixed' },
          f: { type: 'string', format: 'date-time', minLength: 2, pattern: '^a' },
        },
        required: ['a'],
        additionalProperties: false,
        $schema: 'http://json-schema.org/draft-07/schema#',
      }),
    ).toEqual({
      type: 'OBJECT',
      description: 'args',
      properties: {
        a: { type: 'STRING', nullable: true, enum: ['x', 'y'] },
        b: { type: 'INTEGER', minimum: 1, nullable: true },
        c: { type: 'ARRAY', items: { type: 'NUMBER' }, minItems: '1', maxItems: '3' },
        d: { type: 'BOOLEAN', default: false },
        e: { enum: ['fixed'] },
        f: { type: 'STRING', format: 'date-time', minLength: '2', pattern: '^a' },
      },
      required: ['a'],
    })
  })

  it('should keep a real union as anyOf', () => {
    expect(toGeminiSchema({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({
      anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }],
    })
  })

  it.each([
    [
      {
        type: 'object',
        properties: { a: { $ref: '#/$defs/A' } },
        $defs: { A: { type: 'string' } },
      },
    ],
    [{ type: 'object', properties: { a: { oneOf: [{ type: 'string' }, { type: 'number' }] } } }],
    [{ type: 'object', properties: { a: { allOf: [{ type: 'string' }] } } }],
    [{ type: 'object', properties: { a: { type: ['string', 'number'] } } }],
    [{ type: 'object', properties: { a: { enum: [1, 2] } } }],
    [{ type: 'object', properties: { a: { type: 'tuple' } } }],
  ])('should refuse what the subset cannot express: %j', (schema) => {
    expect(toGeminiSchema(schema)).toBeUndefined()
    expect(geminiParameters(schema as never)).toEqual({ parametersJsonSchema: schema })
  })

  it('should convert a zod schema with optional and nullable fields', () => {
    const schema = toolParametersToJsonSchema(
      z.object({
        city: z.string().describe('City name'),
        unit: z.enum(['c', 'f']).optional(),
        note: z.string().nullable(),
      }),
    )
    expect(geminiParameters(schema)).toEqual({
      parameters: {
        type: 'OBJECT',
        properties: {
          city: { type: 'STRING', description: 'City name' },
          unit: { type: 'STRING', enum: ['c', 'f'] },
          note: { type: 'STRING', nullable: true },
        },
        required: ['city', 'note'],
      },
    })
  })
})

describe('geminiEndpoint', () => {
  it('should put an AI Studio key in the query of the v1beta BidiGenerateContent URL', () => {
    expect(geminiEndpoint({ apiKey: 'KEY' })).toEqual({
      url: 'wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=KEY',
      headers: {},
    })
  })

  it('should send an ephemeral token as access_token to the constrained v1alpha method', () => {
    const { url, headers } = geminiEndpoint({ apiKey: 'auth_tokens/abc' })
    const parsed = new URL(url)
    expect(parsed.pathname).toBe(
      '/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained',
    )
    expect(parsed.searchParams.get('access_token')).toBe('auth_tokens/abc')
    expect(parsed.searchParams.get('key')).toBeNull()
    expect(headers).toEqual({})
  })

  it('should use a regional Vertex host with a bearer header', () => {
    expect(
      geminiEndpoint({ vertex: { project: 'p', location: 'us-central1' }, accessToken: 'ya29.t' }),
    ).toEqual({
      url: 'wss://us-central1-aiplatform.googleapis.com/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent',
      headers: { Authorization: 'Bearer ya29.t' },
    })
  })

  it('should use the global Vertex host for location "global"', () => {
    const { url } = geminiEndpoint({
      vertex: { project: 'p', location: 'global' },
      accessToken: 't',
    })
    expect(new URL(url).host).toBe('aiplatform.googleapis.com')
  })

  it.each(['us', 'eu'])(
    'should use the regional-endpoint host for the multi-region %s',
    (location) => {
      const { url } = geminiEndpoint({ vertex: { project: 'p', location }, accessToken: 't' })
      expect(url).toBe(
        `wss://aiplatform.${location}.rep.googleapis.com/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent`,
      )
    },
  )

  it('should honour apiVersion and a base URL override (http → ws)', () => {
    const { url } = geminiEndpoint({
      apiKey: 'K',
      apiVersion: 'v1alpha',
      baseUrl: 'http://127.0.0.1:9000',
    })
    expect(url).toBe(
      'ws://127.0.0.1:9000/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent?key=K',
    )
  })

  it('should keep a base URL path as a prefix and send no credential through a relay', () => {
    expect(geminiEndpoint({ auth: 'none', baseUrl: 'ws://127.0.0.1:9000/gemini/' })).toEqual({
      url: 'ws://127.0.0.1:9000/gemini/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent',
      headers: {},
    })
    expect(geminiEndpoint({ apiKey: 'k', baseUrl: 'http://proxy.local/live' }).url).toBe(
      'ws://proxy.local/live/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=k',
    )
  })

  it('should refuse missing credentials with typed errors', () => {
    expect(() => geminiEndpoint({})).toThrow(
      expect.objectContaining({ code: 'invalid_config', path: 'apiKey' }),
    )
    expect(() => geminiEndpoint({ vertex: { project: 'p', location: 'l' } })).toThrow(
      expect.objectContaining({ code: 'auth_failed' }),
    )
  })
})

describe('geminiModelPath', () => {
  it.each([
    ['gemini-live-2.5-flash-preview', undefined, 'models/gemini-live-2.5-flash-preview'],
    ['models/x', undefined, 'models/x'],
    ['tunedModels/t', undefined, 'tunedModels/t'],
    [
      'gemini-live-2.5-flash',
      { project: 'p', location: 'us-central1' },
      'projects/p/locations/us-central1/publishers/google/models/gemini-live-2.5-flash',
    ],
    [
      'models/gemini-live-2.5-flash',
      { project: 'p', location: 'global' },
      'projects/p/locations/global/publishers/google/models/gemini-live-2.5-flash',
    ],
    [
      'publishers/google/models/m',
      { project: 'p', location: 'eu' },
      'projects/p/locations/eu/publishers/google/models/m',
    ],
    [
      'projects/q/locations/l/publishers/google/models/m',
      { project: 'p', location: 'eu' },
      'projects/q/locations/l/publishers/google/models/m',
    ],
  ])('%s on %j → %s', (model, vertex, expected) => {
    expect(geminiModelPath(model, vertex)).toBe(expected)
  })
})
