import type { JsonSchema } from '../../config'
import type { GeminiFunctionDeclaration, GeminiSchema } from './wire-types'

/**
 * JSON Schema (what tools declare, and what zod produces) → Gemini's OpenAPI-subset `Schema`.
 *
 * Gemini has two fields for function parameters: `parameters` (the OpenAPI subset with upper-case
 * types, accepted by every Live model) and `parametersJsonSchema` (raw JSON Schema, newer models
 * only). Posting JSON Schema keywords under `parameters` makes the server close the socket with
 * 1007, so we convert when the conversion is faithful and fall back to `parametersJsonSchema`
 * when it is not (`$ref`, `oneOf`, `allOf`, `not`, tuple `items`, …).
 *
 * Dropped on purpose because the subset has no equivalent and they only restrict the model:
 * `additionalProperties`, `$schema`, `$id`, `examples`.
 */

const TYPES: Readonly<Record<string, GeminiSchema['type']>> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
  null: 'NULL',
}

const IGNORED = new Set(['additionalProperties', '$schema', '$id', 'examples'])
const COPIED = new Set([
  'description',
  'title',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'default',
  'example',
])
const COUNTS = new Set([
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minProperties',
  'maxProperties',
])

class Unconvertible extends Error {}

/**
 * Converts a JSON Schema to the Gemini subset, or returns `undefined` if it cannot be expressed.
 *
 * @example
 * toGeminiSchema({ type: 'object', properties: { n: { type: ['integer', 'null'] } } })
 * // { type: 'OBJECT', properties: { n: { type: 'INTEGER', nullable: true } } }
 */
export function toGeminiSchema(schema: unknown): GeminiSchema | undefined {
  try {
    return convert(schema)
  } catch (error) {
    if (error instanceof Unconvertible) return undefined
    throw error
  }
}

/** The parameters part of a function declaration: converted, or raw JSON Schema as a fallback. */
export function geminiParameters(
  schema: JsonSchema,
): Pick<GeminiFunctionDeclaration, 'parameters' | 'parametersJsonSchema'> {
  const converted = toGeminiSchema(schema)
  return converted === undefined ? { parametersJsonSchema: schema } : { parameters: converted }
}

function convert(schema: unknown): GeminiSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    throw new Unconvertible()
  const source = schema as Record<string, unknown>
  const out: GeminiSchema = {}
  for (const [key, value] of Object.entries(source)) {
    if (IGNORED.has(key)) continue
    if (key === 'type') applyType(out, value)
    else if (key === 'nullable') out.nullable = value === true
    else if (key === 'enum') out.enum = toEnum(value)
    else if (key === 'const') out.enum = toEnum([value])
    else if (key === 'required') out.required = toStrings(value)
    else if (key === 'items') out.items = convert(value)
    else if (key === 'properties') out.properties = convertProperties(value)
    else if (key === 'anyOf') applyAnyOf(out, value)
    else if (COUNTS.has(key) && typeof value === 'number') {
      // int64 fields of the subset travel as strings in proto3 JSON.
      ;(out as Record<string, unknown>)[key] = String(value)
    } else if (COPIED.has(key)) (out as Record<string, unknown>)[key] = value
    else throw new Unconvertible()
  }
  if (out.properties !== undefined && out.type === undefined) out.type = 'OBJECT'
  return out
}

function applyType(out: GeminiSchema, value: unknown): void {
  const types = Array.isArray(value) ? value : [value]
  const nonNull = types.filter((type) => type !== 'null')
  if (nonNull.length > 1) throw new Unconvertible()
  const type = nonNull[0] ?? 'null'
  const mapped = typeof type === 'string' ? TYPES[type] : undefined
  if (mapped === undefined) throw new Unconvertible()
  out.type = mapped
  if (nonNull.length < types.length && mapped !== 'NULL') out.nullable = true
}

/** `anyOf: [X, {type: 'null'}]` (zod's `.nullable()`) is `X` with `nullable: true`. */
function applyAnyOf(out: GeminiSchema, value: unknown): void {
  if (!Array.isArray(value)) throw new Unconvertible()
  const isNull = (item: unknown): boolean =>
    typeof item === 'object' && item !== null && (item as { type?: unknown }).type === 'null'
  const rest = value.filter((item) => !isNull(item))
  if (rest.length === 1 && rest.length < value.length) {
    Object.assign(out, convert(rest[0]), { nullable: true })
    return
  }
  out.anyOf = value.map(convert)
}

function convertProperties(value: unknown): Record<string, GeminiSchema> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Unconvertible()
  const properties: Record<string, GeminiSchema> = {}
  for (const [name, property] of Object.entries(value)) properties[name] = convert(property)
  return properties
}

function toEnum(value: unknown): string[] {
  // The subset's enums are strings; numeric or mixed enums cannot be expressed faithfully.
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Unconvertible()
  }
  return value as string[]
}

function toStrings(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Unconvertible()
  }
  return value as string[]
}
