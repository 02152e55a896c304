import { formatIssuePath } from '../config'
import { jsonKind } from '../json-kind'

/**
 * Validates tool arguments against the JSON Schema a tool declares: small and synchronous, so a
 * browser bundle does not carry a JSON Schema → zod converter and zod's classic schemas for it.
 *
 * The subset (what OpenAI and Gemini function schemas use, and what zod's `toJSONSchema` emits):
 * - `type` (a name or a list; `integer` is a number with no fraction) and OpenAPI `nullable`;
 * - `enum`, `const`;
 * - objects: `properties`, `required`, `additionalProperties` (`false` or a schema),
 *   `patternProperties`, `minProperties`, `maxProperties`; an absent property with a `default`
 *   gets that default, as zod does;
 * - arrays: `items`, `prefixItems` (and draft-7 tuple `items` + `additionalItems`), `minItems`,
 *   `maxItems`, `uniqueItems`;
 * - strings: `minLength`, `maxLength` (in code points), `pattern` (unanchored, as JSON Schema
 *   says), `format` for `date-time`, `date`, `time`, `email`, `uuid` and `uri`;
 * - numbers: `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (numbers, or the
 *   draft-4 booleans), `multipleOf`;
 * - `anyOf`, `oneOf` (exactly one), `allOf`, `not`, boolean schemas, and `$ref` to a pointer in
 *   the same document (`#`, `#/$defs/…`, `#/definitions/…`).
 *
 * Keywords outside the subset (`if`/`then`/`else`, `contains`, `propertyNames`, `dependent*`,
 * other formats, an unresolvable `$ref`, an invalid `pattern`, …) are ignored: they never reject
 * arguments. Unknown properties pass through unless `additionalProperties` says otherwise.
 */

export interface JsonSchemaIssue {
  /** Where, written as in JavaScript: `items[0].id`; `''` for the arguments object itself. */
  path: string
  message: string
}

export type JsonSchemaResult =
  { ok: true; value: unknown } | { ok: false; issues: JsonSchemaIssue[] }

type Schema = Record<string, unknown>
type Path = ReadonlyArray<string | number>

interface Context {
  root: unknown
  issues: JsonSchemaIssue[]
  /** Nesting of subschemas being applied: bounds `$ref` cycles that consume no data. */
  depth: number
}

/** Far deeper than any tool's arguments; only a `$ref` loop that consumes no data gets there. */
const MAX_DEPTH = 256

/**
 * Returns a validator for `schema`. The validator's `value` is the input, or a copy of it with
 * the defaults of absent properties filled in.
 *
 * @example
 * const validate = compileJsonSchema({ type: 'object', properties: { id: { type: 'integer' } } })
 * validate({ id: 1.5 }) // { ok: false, issues: [{ path: 'id', message: 'Invalid input: expected integer, received number' }] }
 */
export function compileJsonSchema(schema: unknown): (value: unknown) => JsonSchemaResult {
  return (value) => {
    const context: Context = { root: schema, issues: [], depth: 0 }
    const output = apply(schema, value, [], context)
    return context.issues.length === 0
      ? { ok: true, value: output }
      : { ok: false, issues: context.issues }
  }
}

function report(context: Context, path: Path, message: string): void {
  context.issues.push({ path: formatIssuePath(path), message })
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function hasType(value: unknown, type: unknown): boolean {
  const kind = jsonKind(value)
  return type === 'integer' ? Number.isInteger(value) : kind === type
}

/** Equality of JSON values, as `enum`, `const` and `uniqueItems` define it. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (!isObjectLike(a) || !isObjectLike(b) || Array.isArray(a) !== Array.isArray(b)) return false
  const keys = Object.keys(a)
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && equal(a[key], b[key]))
  )
}

function isObjectLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value)

/** A JSON Pointer into the schema document (`#/$defs/user`), or undefined. */
function resolve(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined
  let node = root
  for (const part of ref.slice(1).split('/').slice(1)) {
    let key: string
    try {
      key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')
    } catch {
      return undefined
    }
    if (!isObjectLike(node) || !Object.hasOwn(node, key)) return undefined
    node = node[key]
  }
  return node
}

const patterns = new Map<string, RegExp | null>()

function regexp(source: string): RegExp | null {
  let compiled = patterns.get(source)
  if (compiled === undefined) {
    try {
      compiled = new RegExp(source)
    } catch {
      compiled = null
    }
    patterns.set(source, compiled)
  }
  return compiled
}

const DATE = '\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])'
const TIME =
  '(?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.\\d+)?(?:z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)'
/** RFC 3339 `date-time`, `date` and `time` (with its offset), as JSON Schema defines them. */
const FORMATS: Readonly<Record<string, RegExp>> = {
  'date-time': new RegExp(`^${DATE}t${TIME}$`, 'i'),
  date: new RegExp(`^${DATE}$`),
  time: new RegExp(`^${TIME}$`, 'i'),
  email: /^(?!\.)(?!.*\.\.)[\w'+\-.]*[\w+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/,
  uuid: /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i,
  uri: /^[A-Za-z][\w+.-]*:\S*$/,
}

/** The regexps allow day 31 of every month: `2024-02-30` is not a date. */
function realDate(format: string, value: string): boolean {
  if (format !== 'date' && format !== 'date-time') return true
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined
}

/** Copies `value` on first write, so unchanged arguments are returned as they came. */
function withEntry<T extends object>(
  original: T,
  copy: T | undefined,
  key: PropertyKey,
  entry: unknown,
): T {
  const target = copy ?? (Array.isArray(original) ? ([...original] as T) : { ...original })
  Object.defineProperty(target, key, {
    value: entry,
    enumerable: true,
    writable: true,
    configurable: true,
  })
  return target
}

/** Applies `schema` to `value` at `path`, reporting into `context`; returns the value with defaults. */
function apply(schema: unknown, value: unknown, path: Path, context: Context): unknown {
  if (schema === false) {
    report(context, path, 'Invalid input: no value is allowed here')
    return value
  }
  if (!isSchema(schema)) return value
  if (context.depth >= MAX_DEPTH) {
    report(context, path, 'Invalid schema: nested too deeply')
    return value
  }
  context.depth += 1
  try {
    return applyKeywords(schema, value, path, context)
  } finally {
    context.depth -= 1
  }
}

function applyKeywords(schema: Schema, value: unknown, path: Path, context: Context): unknown {
  if (typeof schema.$ref === 'string') {
    const target = resolve(context.root, schema.$ref)
    if (target !== undefined) value = apply(target, value, path, context)
  }
  const { type } = schema
  if (type !== undefined) {
    const types: unknown[] = Array.isArray(type) ? [...type] : [type]
    if (schema.nullable === true) types.push('null')
    if (!types.some((name) => hasType(value, name))) {
      report(
        context,
        path,
        `Invalid input: expected ${types.join(' or ')}, received ${jsonKind(value)}`,
      )
      return value
    }
  }
  // OpenAPI's `nullable` admits null whatever the `enum` or `const`.
  if (value === null && schema.nullable === true) return value
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => equal(option, value))) {
    report(context, path, `Invalid option: expected one of ${schema.enum.map(show).join('|')}`)
    return value
  }
  if (schema.const !== undefined && !equal(schema.const, value)) {
    report(context, path, `Invalid input: expected ${show(schema.const)}`)
    return value
  }
  if (typeof value === 'string') checkString(schema, value, path, context)
  else if (typeof value === 'number') checkNumber(schema, value, path, context)
  else if (Array.isArray(value)) value = checkArray(schema, value, path, context)
  else if (isObjectLike(value)) value = checkObject(schema, value, path, context)
  return applyCombinators(schema, value, path, context)
}

function checkString(schema: Schema, value: string, path: Path, context: Context): void {
  const length = [...value].length
  const min = count(schema.minLength)
  const max = count(schema.maxLength)
  if (min !== undefined && length < min) {
    report(context, path, `Too small: expected string to have >=${min} characters`)
  }
  if (max !== undefined && length > max) {
    report(context, path, `Too big: expected string to have <=${max} characters`)
  }
  if (typeof schema.pattern === 'string') {
    const pattern = regexp(schema.pattern)
    if (pattern !== null && !pattern.test(value)) {
      report(context, path, `Invalid string: must match pattern ${String(pattern)}`)
    }
  }
  const { format } = schema
  if (
    typeof format === 'string' &&
    Object.hasOwn(FORMATS, format) &&
    (!FORMATS[format]?.test(value) || !realDate(format, value))
  ) {
    report(context, path, `Invalid string: expected format "${format}"`)
  }
}

function checkNumber(schema: Schema, value: number, path: Path, context: Context): void {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = schema
  // Draft 4 spells an exclusive bound as `minimum` plus `exclusiveMinimum: true`.
  const low = count(exclusiveMinimum) ?? (exclusiveMinimum === true ? count(minimum) : undefined)
  const high = count(exclusiveMaximum) ?? (exclusiveMaximum === true ? count(maximum) : undefined)
  if (typeof minimum === 'number' && exclusiveMinimum !== true && value < minimum) {
    report(context, path, `Too small: expected number to be >=${minimum}`)
  }
  if (low !== undefined && value <= low) {
    report(context, path, `Too small: expected number to be >${low}`)
  }
  if (typeof maximum === 'number' && exclusiveMaximum !== true && value > maximum) {
    report(context, path, `Too big: expected number to be <=${maximum}`)
  }
  if (high !== undefined && value >= high) {
    report(context, path, `Too big: expected number to be <${high}`)
  }
  if (typeof multipleOf === 'number' && multipleOf > 0) {
    // Rounded, so that 0.3 is a multiple of 0.1 despite binary floating point.
    const quotient = Number((value / multipleOf).toFixed(9))
    if (!Number.isInteger(quotient)) {
      report(context, path, `Invalid number: must be a multiple of ${multipleOf}`)
    }
  }
}

function checkArray(schema: Schema, value: unknown[], path: Path, context: Context): unknown[] {
  const min = count(schema.minItems)
  const max = count(schema.maxItems)
  if (min !== undefined && value.length < min) {
    report(context, path, `Too small: expected array to have >=${min} items`)
  }
  if (max !== undefined && value.length > max) {
    report(context, path, `Too big: expected array to have <=${max} items`)
  }
  if (schema.uniqueItems === true) {
    for (let index = 1; index < value.length; index += 1) {
      const first = value.findIndex((item) => equal(item, value[index]))
      if (first < index) {
        report(
          context,
          [...path, index],
          `Array items must be unique: element at index ${index} duplicates the one at index ${first}`,
        )
      }
    }
  }
  // 2020-12 tuples are `prefixItems` + `items`; draft 7 tuples are `items: [...]` + `additionalItems`.
  const tuple = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
      ? schema.items
      : []
  const rest = Array.isArray(schema.items) ? schema.additionalItems : schema.items
  let copy: unknown[] | undefined
  value.forEach((item, index) => {
    const itemSchema = index < tuple.length ? tuple[index] : rest
    const checked = apply(itemSchema, item, [...path, index], context)
    if (checked !== item) copy = withEntry(value, copy, index, checked)
  })
  return copy ?? value
}

function checkObject(
  schema: Schema,
  value: Record<string, unknown>,
  path: Path,
  context: Context,
): Record<string, unknown> {
  const properties = isSchema(schema.properties) ? schema.properties : {}
  const patternProperties = isSchema(schema.patternProperties) ? schema.patternProperties : {}
  const keys = Object.keys(value)
  const min = count(schema.minProperties)
  const max = count(schema.maxProperties)
  if (min !== undefined && keys.length < min) {
    report(context, path, `Too small: expected object to have >=${min} properties`)
  }
  if (max !== undefined && keys.length > max) {
    report(context, path, `Too big: expected object to have <=${max} properties`)
  }
  let copy: Record<string, unknown> | undefined
  const required = Array.isArray(schema.required) ? schema.required : []
  for (const [key, propertySchema] of Object.entries(properties)) {
    if (Object.hasOwn(value, key)) continue
    if (isSchema(propertySchema) && propertySchema.default !== undefined) {
      copy = withEntry(value, copy, key, structuredClone(propertySchema.default))
    } else if (required.includes(key)) {
      report(context, [...path, key], 'Required property is missing')
    }
  }
  for (const key of required) {
    if (typeof key === 'string' && !Object.hasOwn(properties, key) && !Object.hasOwn(value, key)) {
      report(context, [...path, key], 'Required property is missing')
    }
  }
  const unknown: string[] = []
  for (const key of keys) {
    const entry = value[key]
    let checked = entry
    let matched = Object.hasOwn(properties, key)
    if (matched) checked = apply(properties[key], checked, [...path, key], context)
    for (const [pattern, patternSchema] of Object.entries(patternProperties)) {
      if (regexp(pattern)?.test(key) !== true) continue
      matched = true
      checked = apply(patternSchema, checked, [...path, key], context)
    }
    if (!matched) {
      if (schema.additionalProperties === false) unknown.push(key)
      else checked = apply(schema.additionalProperties, checked, [...path, key], context)
    }
    if (checked !== entry) copy = withEntry(value, copy, key, checked)
  }
  if (unknown.length > 0) {
    const list = unknown.map((key) => JSON.stringify(key)).join(', ')
    report(context, path, `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${list}`)
  }
  return copy ?? value
}

/** Whether `schema` accepts `value`, without reporting; `output` is the value with defaults. */
function trial(
  schema: unknown,
  value: unknown,
  path: Path,
  context: Context,
): { ok: boolean; output: unknown } {
  const scratch: Context = { root: context.root, issues: [], depth: context.depth }
  const output = apply(schema, value, path, scratch)
  return { ok: scratch.issues.length === 0, output }
}

function applyCombinators(schema: Schema, value: unknown, path: Path, context: Context): unknown {
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) value = apply(part, value, path, context)
  }
  if (Array.isArray(schema.anyOf)) {
    const match = schema.anyOf
      .map((option) => trial(option, value, path, context))
      .find((r) => r.ok)
    if (match === undefined)
      report(context, path, 'Invalid input: matches none of the allowed schemas')
    else value = match.output
  }
  if (Array.isArray(schema.oneOf)) {
    const matches = schema.oneOf
      .map((option) => trial(option, value, path, context))
      .filter((result) => result.ok)
    if (matches.length === 0) {
      report(context, path, 'Invalid input: matches none of the allowed schemas')
    } else if (matches.length > 1) {
      report(context, path, 'Invalid input: matches more than one of the oneOf schemas')
    } else value = matches[0]?.output
  }
  if (schema.not !== undefined && trial(schema.not, value, path, context).ok) {
    report(context, path, 'Invalid input: matches the schema it must not match')
  }
  return value
}
