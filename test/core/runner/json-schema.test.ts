import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import * as zm from 'zod/mini'
import { compileJsonSchema } from '../../../src/core/runner/json-schema'
import { compileTool, parseToolArguments } from '../../../src/core/runner/tools'

/** The issues of `value` against `schema`, as `path: message` lines; `[]` when it is valid. */
function problems(schema: unknown, value: unknown): string[] {
  const result = compileJsonSchema(schema)(value)
  return result.ok ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`)
}

function output(schema: unknown, value: unknown): unknown {
  const result = compileJsonSchema(schema)(value)
  if (!result.ok) throw new Error(JSON.stringify(result.issues))
  return result.value
}

const object = (properties: Record<string, unknown>, rest: Record<string, unknown> = {}) => ({
  type: 'object' as const,
  properties,
  ...rest,
})

describe('compileJsonSchema: types', () => {
  it.each([
    ['string', 's', 1, 'Invalid input: expected string, received number'],
    ['number', 1.5, '1', 'Invalid input: expected number, received string'],
    ['integer', 2, 2.5, 'Invalid input: expected integer, received number'],
    ['boolean', false, 'false', 'Invalid input: expected boolean, received string'],
    ['null', null, 0, 'Invalid input: expected null, received number'],
    ['array', [], {}, 'Invalid input: expected array, received object'],
    ['object', {}, [], 'Invalid input: expected object, received array'],
  ])('should check type %s', (type, good, bad, message) => {
    expect(problems({ type }, good)).toEqual([])
    expect(problems({ type }, bad)).toEqual([`: ${message}`])
  })

  it('should accept any of a list of types, and null where OpenAPI says nullable', () => {
    expect(problems({ type: ['string', 'null'] }, null)).toEqual([])
    expect(problems({ type: ['string', 'null'] }, 3)).toEqual([
      ': Invalid input: expected string or null, received number',
    ])
    expect(problems({ type: 'string', nullable: true }, null)).toEqual([])
    expect(problems({ type: 'string', nullable: true, enum: ['a'] }, null)).toEqual([])
  })

  it('should accept anything for an empty or true schema and nothing for false', () => {
    expect(problems({}, { any: 'thing' })).toEqual([])
    expect(problems(true, 1)).toEqual([])
    expect(problems(false, 1)).toEqual([': Invalid input: no value is allowed here'])
  })
})

describe('compileJsonSchema: enum and const', () => {
  it('should compare JSON values deeply', () => {
    const schema = object({ e: { enum: ['a', 1, null, { x: [1] }] }, c: { const: { x: [1] } } })
    expect(problems(schema, { e: { x: [1] }, c: { x: [1] } })).toEqual([])
    expect(problems(schema, { e: 'b', c: { x: [2] } })).toEqual([
      'e: Invalid option: expected one of "a"|1|null|{"x":[1]}',
      'c: Invalid input: expected {"x":[1]}',
    ])
  })
})

describe('compileJsonSchema: objects', () => {
  it('should name a missing required property by its path', () => {
    const schema = object({ id: { type: 'integer' } }, { required: ['id', 'other'] })
    expect(problems(schema, {})).toEqual([
      'id: Required property is missing',
      'other: Required property is missing',
    ])
  })

  it('should let unknown properties through unless additionalProperties says otherwise', () => {
    expect(output(object({ a: { type: 'string' } }), { a: 'x', b: 1 })).toEqual({ a: 'x', b: 1 })
    const strict = object({ a: { type: 'string' } }, { additionalProperties: false })
    expect(problems(strict, { a: 'x', b: 1 })).toEqual([': Unrecognized key: "b"'])
    expect(problems(strict, { b: 1, c: 2 })).toEqual([': Unrecognized keys: "b", "c"'])
    const numbers = { type: 'object', additionalProperties: { type: 'number' } }
    expect(problems(numbers, { a: 1, b: 'x' })).toEqual([
      'b: Invalid input: expected number, received string',
    ])
  })

  it('should apply patternProperties, and count them as known properties', () => {
    const schema = {
      type: 'object',
      patternProperties: { '^x-': { type: 'string' } },
      additionalProperties: false,
    }
    expect(problems(schema, { 'x-a': 'ok' })).toEqual([])
    expect(problems(schema, { 'x-a': 1, y: 1 })).toEqual([
      'x-a: Invalid input: expected string, received number',
      ': Unrecognized key: "y"',
    ])
  })

  it('should bound the number of properties', () => {
    const schema = { type: 'object', minProperties: 1, maxProperties: 2 }
    expect(problems(schema, {})).toEqual([': Too small: expected object to have >=1 properties'])
    expect(problems(schema, { a: 1, b: 2, c: 3 })).toEqual([
      ': Too big: expected object to have <=2 properties',
    ])
  })

  it('should fill in the default of an absent property, without touching the input', () => {
    const schema = object(
      { days: { type: 'integer', default: 1 }, tags: { type: 'array', default: [] } },
      { required: ['days'] },
    )
    const input = {}
    const result = output(schema, input) as { tags: unknown[] }
    expect(result).toEqual({ days: 1, tags: [] })
    expect(input).toEqual({})
    result.tags.push('mutated')
    expect(output(schema, {})).toEqual({ days: 1, tags: [] })
    const nested = object({ inner: object({ n: { type: 'number', default: 2 } }) })
    expect(output(nested, { inner: {} })).toEqual({ inner: { n: 2 } })
  })

  it('should return the very input when nothing was filled in', () => {
    const input = { a: { b: [1] } }
    expect(output(object({ a: object({ b: { type: 'array' } }) }), input)).toBe(input)
  })

  it('should keep a "__proto__" key an own property, never a prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>
    const schema = object({ ['__proto__']: object({ d: { default: 1 } }) })
    const result = output(schema, input) as Record<string, unknown>
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toEqual({
      polluted: true,
      d: 1,
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('compileJsonSchema: arrays', () => {
  it('should check items and bound their number', () => {
    const schema = { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 }
    expect(problems(schema, ['a'])).toEqual([])
    expect(problems(schema, [])).toEqual([': Too small: expected array to have >=1 items'])
    expect(problems(schema, ['a', 'b', 3])).toEqual([
      ': Too big: expected array to have <=2 items',
      '[2]: Invalid input: expected string, received number',
    ])
  })

  it('should check tuples written either way', () => {
    const modern = { type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'number' } }
    expect(problems(modern, ['a', 1, 2])).toEqual([])
    expect(problems(modern, [1, 'a'])).toEqual([
      '[0]: Invalid input: expected string, received number',
      '[1]: Invalid input: expected number, received string',
    ])
    const draft7 = { type: 'array', items: [{ type: 'string' }], additionalItems: false }
    expect(problems(draft7, ['a'])).toEqual([])
    expect(problems(draft7, ['a', 'b'])).toEqual(['[1]: Invalid input: no value is allowed here'])
  })

  it('should find duplicates for uniqueItems, objects included', () => {
    const schema = { type: 'array', uniqueItems: true }
    expect(problems(schema, [1, 2, { a: 1 }, { a: 2 }])).toEqual([])
    expect(
      problems(schema, [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ]),
    ).toEqual(['[1]: Array items must be unique: element at index 1 duplicates the one at index 0'])
  })
})

describe('compileJsonSchema: strings', () => {
  it('should count lengths in characters, not UTF-16 units', () => {
    const schema = { type: 'string', minLength: 2, maxLength: 2 }
    expect(problems(schema, '😀😀')).toEqual([])
    expect(problems(schema, '😀')).toEqual([': Too small: expected string to have >=2 characters'])
    expect(problems(schema, 'abc')).toEqual([': Too big: expected string to have <=2 characters'])
  })

  it('should match patterns anywhere in the string, as JSON Schema does', () => {
    expect(problems({ type: 'string', pattern: 'b+' }, 'abba')).toEqual([])
    expect(problems({ type: 'string', pattern: '^b' }, 'abba')).toEqual([
      ': Invalid string: must match pattern /^b/',
    ])
  })

  it('should ignore a pattern that is not a valid regular expression', () => {
    expect(problems({ type: 'string', pattern: '(' }, 'x')).toEqual([])
  })

  it.each([
    ['date-time', '2026-11-25T10:20:30.5+01:00', '2026-11-25 10:20'],
    ['date-time', '2026-11-25t10:20:30z', '2026-02-30T10:20:30Z'],
    ['date', '2024-02-29', '2023-02-29'],
    ['time', '23:59:60Z', '24:00:00Z'],
    ['email', 'ada@example.org', 'ada@example'],
    ['uuid', '123e4567-e89b-12d3-a456-426614174000', '123e4567e89b12d3a456426614174000'],
    ['uri', 'https://example.org/a?b', 'example dot org'],
  ])('should check format %s', (format, good, bad) => {
    expect(problems({ type: 'string', format }, good)).toEqual([])
    expect(problems({ type: 'string', format }, bad)).toEqual([
      `: Invalid string: expected format "${format}"`,
    ])
  })

  it('should ignore formats outside the subset', () => {
    expect(problems({ type: 'string', format: 'hostname' }, '!!')).toEqual([])
    expect(problems({ type: 'string', format: 'constructor' }, 'x')).toEqual([])
  })
})

describe('compileJsonSchema: numbers', () => {
  it('should check inclusive and exclusive bounds', () => {
    const schema = { type: 'number', minimum: 0, exclusiveMaximum: 10 }
    expect(problems(schema, 0)).toEqual([])
    expect(problems(schema, -1)).toEqual([': Too small: expected number to be >=0'])
    expect(problems(schema, 10)).toEqual([': Too big: expected number to be <10'])
    const other = { type: 'number', exclusiveMinimum: 0, maximum: 1 }
    expect(problems(other, 0)).toEqual([': Too small: expected number to be >0'])
    expect(problems(other, 1.5)).toEqual([': Too big: expected number to be <=1'])
  })

  it('should read draft-4 boolean exclusive bounds', () => {
    const schema = { type: 'number', minimum: 0, exclusiveMinimum: true }
    expect(problems(schema, 0)).toEqual([': Too small: expected number to be >0'])
    expect(problems(schema, 0.1)).toEqual([])
  })

  it('should check multipleOf despite binary floating point', () => {
    expect(problems({ multipleOf: 0.1 }, 0.3)).toEqual([])
    expect(problems({ multipleOf: 0.1 }, 0.35)).toEqual([
      ': Invalid number: must be a multiple of 0.1',
    ])
  })
})

describe('compileJsonSchema: composition and references', () => {
  it('should take the first matching anyOf branch, with its defaults', () => {
    const schema = {
      anyOf: [object({ a: { type: 'string' }, d: { default: 1 } }, { required: ['a'] }), {}],
    }
    expect(output(schema, { a: 'x' })).toEqual({ a: 'x', d: 1 })
    expect(problems({ anyOf: [{ type: 'string' }, { type: 'number' }] }, true)).toEqual([
      ': Invalid input: matches none of the allowed schemas',
    ])
  })

  it('should insist on exactly one oneOf branch', () => {
    const schema = { oneOf: [{ type: 'number' }, { type: 'integer' }] }
    expect(problems(schema, 1.5)).toEqual([])
    expect(problems(schema, 1)).toEqual([
      ': Invalid input: matches more than one of the oneOf schemas',
    ])
    expect(problems(schema, 'x')).toEqual([': Invalid input: matches none of the allowed schemas'])
  })

  it('should apply every allOf part, with or without a type', () => {
    const schema = { allOf: [{ type: 'number' }, { minimum: 3 }] }
    expect(problems(schema, 4)).toEqual([])
    expect(problems(schema, 2)).toEqual([': Too small: expected number to be >=3'])
  })

  it('should refuse what matches a not schema', () => {
    expect(problems({ not: { type: 'string' } }, 1)).toEqual([])
    expect(problems({ not: { type: 'string' } }, 'x')).toEqual([
      ': Invalid input: matches the schema it must not match',
    ])
  })

  it('should follow local references, recursive ones included', () => {
    const schema = {
      type: 'object',
      $defs: {
        node: object(
          {
            name: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/$defs/node' } },
          },
          { required: ['name'] },
        ),
      },
      properties: { tree: { $ref: '#/$defs/node' } },
    }
    expect(problems(schema, { tree: { name: 'a', children: [{ name: 'b' }] } })).toEqual([])
    expect(problems(schema, { tree: { name: 'a', children: [{}] } })).toEqual([
      'tree.children[0].name: Required property is missing',
    ])
    const draft7 = { definitions: { n: { type: 'number' } }, items: { $ref: '#/definitions/n' } }
    expect(problems(draft7, [1, 'x'])).toEqual([
      '[1]: Invalid input: expected number, received string',
    ])
  })

  it('should ignore a reference it cannot resolve, and stop a reference loop', () => {
    expect(problems({ $ref: 'https://example.org/schema.json' }, 1)).toEqual([])
    expect(problems({ $ref: '#/$defs/missing' }, 1)).toEqual([])
    expect(problems({ $ref: '#/%E0%A4%A' }, 1)).toEqual([])
    expect(problems({ $ref: '#' }, 1)).toEqual([': Invalid schema: nested too deeply'])
  })

  it('should ignore keywords outside the subset', () => {
    const schema = { if: { type: 'string' }, then: { minLength: 5 }, contains: { const: 1 } }
    expect(problems(schema, 'x')).toEqual([])
  })
})

describe('tool argument validation', () => {
  it('should name the failing path for a JSON Schema tool and never pass invalid arguments', () => {
    const tool = compileTool({
      name: 'lookup',
      parameters: object({ id: { type: 'integer', minimum: 1 } }, { required: ['id'] }),
    })
    expect(parseToolArguments('lookup', '{"id": 0}', tool)).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_tool_arguments',
        message:
          'Arguments for tool "lookup" do not match its schema: id: Too small: expected number to be >=1',
        path: 'id',
      },
      issues: [{ path: 'id', message: 'Too small: expected number to be >=1' }],
    })
    expect(parseToolArguments('lookup', '{"id": 3}', tool)).toEqual({ ok: true, args: { id: 3 } })
  })

  it('should accept any object for a tool without parameters', () => {
    const tool = compileTool({ name: 'free' })
    expect(parseToolArguments('free', '{"anything": [1]}', tool)).toEqual({
      ok: true,
      args: { anything: [1] },
    })
  })

  it('should validate with the schema itself for classic zod schemas', () => {
    const classic = compileTool({
      name: 'classic',
      parameters: z.object({ city: z.string(), days: z.number().default(1) }),
    })
    expect(classic.validate({ city: 'Oslo' })).toEqual({
      ok: true,
      value: { city: 'Oslo', days: 1 },
    })
    expect(classic.validate({ city: 1 })).toEqual({
      ok: false,
      issues: [{ path: 'city', message: 'Invalid input: expected string, received number' }],
    })
  })

  it('should refuse a zod/mini schema with a clear error, and take its JSON Schema instead', () => {
    // A mini schema cannot convert itself, and the core does not carry zod's generator.
    const schema = zm.object({ n: zm.int() })
    let thrown: unknown
    try {
      compileTool({ name: 'mini', parameters: schema })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toMatchObject({ code: 'invalid_config', path: 'parameters' })
    expect((thrown as Error).message).toContain('toJSONSchema(schema) from "zod/mini"')
    // What the message asks for works: the JSON Schema, checked by the built-in validator.
    const mini = compileTool({ name: 'mini', parameters: zm.toJSONSchema(schema) as never })
    expect(mini.definition.parameters).toMatchObject({
      type: 'object',
      properties: { n: { type: 'integer' } },
      required: ['n'],
    })
    expect(mini.validate({ n: 2 })).toEqual({ ok: true, value: { n: 2 } })
    expect(mini.validate({ n: 1.5 })).toMatchObject({ ok: false, issues: [{ path: 'n' }] })
  })
})
