import { RealtimeError } from '../errors'

/**
 * Typed reads of untrusted provider JSON. A field with the wrong type throws `WireShapeError`,
 * which the providers turn into one `error` event for that frame (code `protocol_error`, with the
 * frame's type) before going on with the next frame: schema drift in one message must never end
 * a session (the Rust crate ended `run()` on it, defect 8.14).
 *
 * Hand-written rather than zod: it runs on every audio frame, and it only checks what we read.
 */

export type JsonObject = Record<string, unknown>

/** A provider frame did not have the shape we read. `path` names the field, e.g. `item.id`. */
export class WireShapeError extends Error {
  override readonly name = 'WireShapeError'
  readonly path: string
  constructor(path: string, expected: string, actual: unknown) {
    super(`field "${path}" must be ${expected} (got ${describe(actual)})`)
    this.path = path
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`
}

/**
 * A cursor over one JSON object that remembers where it is, so errors name the full path.
 *
 * @example
 * const reader = new WireReader(frame)
 * const itemId = reader.string('item_id')
 * const delta = reader.optionalString('delta') ?? ''
 */
export class WireReader {
  readonly value: JsonObject
  readonly path: string

  constructor(value: unknown, path = '') {
    if (!isJsonObject(value))
      throw new WireShapeError(path === '' ? '(frame)' : path, 'an object', value)
    this.value = value
    this.path = path
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null
  }

  string(key: string): string {
    const value = this.value[key]
    if (typeof value !== 'string') throw new WireShapeError(join(this.path, key), 'a string', value)
    return value
  }

  /** Absent or `null` reads as `undefined`; any other non-string is an error. */
  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined
  }

  number(key: string): number {
    const value = this.value[key]
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new WireShapeError(join(this.path, key), 'a number', value)
    }
    return value
  }

  optionalNumber(key: string): number | undefined {
    return this.has(key) ? this.number(key) : undefined
  }

  boolean(key: string): boolean {
    const value = this.value[key]
    if (typeof value !== 'boolean')
      throw new WireShapeError(join(this.path, key), 'a boolean', value)
    return value
  }

  optionalBoolean(key: string): boolean | undefined {
    return this.has(key) ? this.boolean(key) : undefined
  }

  object(key: string): WireReader {
    return new WireReader(this.value[key], join(this.path, key))
  }

  optionalObject(key: string): WireReader | undefined {
    return this.has(key) ? this.object(key) : undefined
  }

  /** Each element of an array field, as a reader (elements must be objects). */
  objects(key: string): WireReader[] {
    return this.array(key).map(
      (item, index) => new WireReader(item, `${join(this.path, key)}[${index}]`),
    )
  }

  optionalObjects(key: string): WireReader[] | undefined {
    return this.has(key) ? this.objects(key) : undefined
  }

  array(key: string): unknown[] {
    const value = this.value[key]
    if (!Array.isArray(value)) throw new WireShapeError(join(this.path, key), 'an array', value)
    return value
  }

  strings(key: string): string[] {
    return this.array(key).map((item, index) => {
      if (typeof item !== 'string') {
        throw new WireShapeError(`${join(this.path, key)}[${index}]`, 'a string', item)
      }
      return item
    })
  }
}

/** Parses a frame's text as JSON, or returns the `SyntaxError`. */
export function parseJson(
  text: string,
): { ok: true; value: unknown } | { ok: false; error: Error } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) }
  }
}

/** The `protocol_error` a malformed frame becomes. */
export function protocolError(frameType: string, cause: unknown): RealtimeError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new RealtimeError('protocol_error', `Malformed "${frameType}" frame: ${detail}`, { cause })
}
