/**
 * `{ [key]: value }` when `value` is defined, `{}` otherwise: builds objects with optional fields
 * under `exactOptionalPropertyTypes`, where assigning `undefined` to an optional field is an error.
 *
 * @example
 * const event = { type: 'x', ...optional('itemId', maybeId) }
 */
export function optional<TKey extends string, TValue>(
  key: TKey,
  value: TValue | undefined,
): { [K in TKey]?: TValue } {
  return (value === undefined ? {} : { [key]: value }) as { [K in TKey]?: TValue }
}
