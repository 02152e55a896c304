/**
 * The JSON kind of a value for error messages: `null`, `array`, `NaN` (any non-finite number,
 * which JSON cannot carry), or its `typeof`.
 */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number' && !Number.isFinite(value)) return 'NaN'
  return typeof value
}
