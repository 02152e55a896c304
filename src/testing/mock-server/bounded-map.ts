/**
 * Keeps a long-running mock's bookkeeping (minted keys, resumption handles) bounded: once `map`
 * holds more than `max` entries, the expired ones go first, then the oldest.
 */
export function trimMap<TKey, TValue>(
  map: Map<TKey, TValue>,
  max: number,
  expired: (value: TValue) => boolean,
): void {
  if (map.size <= max) return
  for (const [key, value] of map) if (expired(value)) map.delete(key)
  for (const key of map.keys()) {
    if (map.size <= max) return
    map.delete(key)
  }
}
