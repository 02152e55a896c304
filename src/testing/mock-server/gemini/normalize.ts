import { isRecord, snakeToCamel } from '../log'

/**
 * The service reads client JSON with proto3's mapping, which accepts both `client_content` and
 * `clientContent`; the Python SDK sends snake_case top-level keys with camelCase inside. The mock
 * converts every structural key to camelCase — but never the keys of payloads the application
 * owns: tool arguments and responses, and JSON schemas (whose property names may well contain
 * underscores).
 */
const OPAQUE = new Set([
  'args',
  'response',
  'parameters',
  'parametersJsonSchema',
  'responseSchema',
  'responseJsonSchema',
  'metadata',
])

export function normalizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeKeys)
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, entry] of Object.entries(value)) {
    const name = snakeToCamel(key)
    out[name] = OPAQUE.has(name) ? entry : normalizeKeys(entry)
  }
  return out
}
