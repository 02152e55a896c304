import { isRecord } from '../log'
import { openaiErrors, type OpenAIRequestError } from './errors'

/**
 * A small schema language for the payloads the OpenAI service validates, so the mock rejects what
 * the real service rejects with the same error codes: `unknown_parameter`, `invalid_type`,
 * `invalid_value`, `missing_required_parameter`, `integer_below_min_value`, … and the same `param`
 * paths (`session.audio.input.format.rate`, `session.tools[0].name`).
 */
export type Spec =
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'any' }
  | { kind: 'number'; integer?: boolean; min?: number; max?: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'array'; items: Spec }
  | { kind: 'nullable'; spec: Spec }
  /** `open`: other keys are allowed (MCP tool definitions carry many). */
  | { kind: 'object'; fields: Record<string, Spec>; required?: readonly string[]; open?: boolean }
  /** An object discriminated by its `type` field. */
  | { kind: 'tagged'; variants: Record<string, Spec> }
  /** The first alternative whose JSON type fits is used. */
  | { kind: 'either'; options: readonly Spec[] }

export const s = {
  string: { kind: 'string' } as Spec,
  boolean: { kind: 'boolean' } as Spec,
  any: { kind: 'any' } as Spec,
  number: (options: { integer?: boolean; min?: number; max?: number } = {}): Spec => ({
    kind: 'number',
    ...options,
  }),
  enum: (...values: string[]): Spec => ({ kind: 'enum', values }),
  array: (items: Spec): Spec => ({ kind: 'array', items }),
  nullable: (spec: Spec): Spec => ({ kind: 'nullable', spec }),
  object: (fields: Record<string, Spec>, required: readonly string[] = [], open = false): Spec => ({
    kind: 'object',
    fields,
    required,
    open,
  }),
  tagged: (variants: Record<string, Spec>): Spec => ({ kind: 'tagged', variants }),
  either: (...options: Spec[]): Spec => ({ kind: 'either', options }),
}

/** Returns the first problem in `value`, or `undefined` when it conforms. */
export function validate(value: unknown, spec: Spec, path: string): OpenAIRequestError | undefined {
  switch (spec.kind) {
    case 'any':
      return undefined
    case 'string':
      return typeof value === 'string'
        ? undefined
        : openaiErrors.invalidType(path, 'a string', value)
    case 'boolean':
      return typeof value === 'boolean'
        ? undefined
        : openaiErrors.invalidType(path, 'a boolean', value)
    case 'number':
      return validateNumber(value, spec, path)
    case 'enum':
      if (typeof value !== 'string') return openaiErrors.invalidType(path, 'a string', value)
      return spec.values.includes(value)
        ? undefined
        : openaiErrors.invalidValue(path, value, spec.values)
    case 'array': {
      if (!Array.isArray(value)) return openaiErrors.invalidType(path, 'an array', value)
      for (let i = 0; i < value.length; i++) {
        const problem = validate(value[i], spec.items, `${path}[${i}]`)
        if (problem) return problem
      }
      return undefined
    }
    case 'nullable':
      return value === null ? undefined : validate(value, spec.spec, path)
    case 'object':
      return validateObject(value, spec, path)
    case 'tagged': {
      if (!isRecord(value)) return openaiErrors.invalidType(path, 'an object', value)
      if (value.type === undefined) return openaiErrors.missing(`${path}.type`)
      const variant = typeof value.type === 'string' ? spec.variants[value.type] : undefined
      if (!variant) {
        return openaiErrors.invalidValue(`${path}.type`, value.type, Object.keys(spec.variants))
      }
      return validate(value, variant, path)
    }
    case 'either': {
      const fitting = spec.options.find((option) => fits(value, option))
      return validate(value, fitting ?? spec.options[0]!, path)
    }
  }
}

function validateNumber(
  value: unknown,
  spec: Extract<Spec, { kind: 'number' }>,
  path: string,
): OpenAIRequestError | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return openaiErrors.invalidType(path, spec.integer ? 'an integer' : 'a number', value)
  }
  if (spec.integer && !Number.isInteger(value)) {
    return openaiErrors.invalidType(path, 'an integer', value)
  }
  if (spec.min !== undefined && value < spec.min) {
    return openaiErrors.outOfRange(path, value, spec.min, 'below_min', spec.integer === true)
  }
  if (spec.max !== undefined && value > spec.max) {
    return openaiErrors.outOfRange(path, value, spec.max, 'above_max', spec.integer === true)
  }
  return undefined
}

function validateObject(
  value: unknown,
  spec: Extract<Spec, { kind: 'object' }>,
  path: string,
): OpenAIRequestError | undefined {
  if (!isRecord(value)) return openaiErrors.invalidType(path, 'an object', value)
  for (const [key, entry] of Object.entries(value)) {
    const field = spec.fields[key]
    if (!field) {
      if (spec.open) continue
      return openaiErrors.unknownParameter(`${path}.${key}`)
    }
    const problem = validate(entry, field, `${path}.${key}`)
    if (problem) return problem
  }
  for (const key of spec.required ?? []) {
    if (value[key] === undefined) return openaiErrors.missing(`${path}.${key}`)
  }
  return undefined
}

/** Whether `value` has the JSON type `spec` expects (used to pick an `either` branch). */
function fits(value: unknown, spec: Spec): boolean {
  switch (spec.kind) {
    case 'any':
      return true
    case 'string':
    case 'enum':
      return typeof value === 'string'
    case 'boolean':
      return typeof value === 'boolean'
    case 'number':
      return typeof value === 'number'
    case 'array':
      return Array.isArray(value)
    case 'nullable':
      return value === null || fits(value, spec.spec)
    case 'object':
    case 'tagged':
      return isRecord(value)
    case 'either':
      return spec.options.some((option) => fits(value, option))
  }
}
