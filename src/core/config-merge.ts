import type { RealtimeConfig, SessionUpdate } from './config'

/**
 * Merges a sparse session update into the canonical config.
 *
 * - A field present in the delta replaces the stored value (tools replace the whole list, so
 *   removing a tool is expressible; `turnDetection` is replaced whole because its options only
 *   make sense with its `mode`).
 * - `extra` is merged key by key, so one provider-specific setting can change alone.
 * - `sessionResumption` never loses a stored handle unless the delta names a new one: the Rust
 *   crate dropped it on every update and the next reconnect started from scratch.
 *
 * Pure: neither argument is modified.
 */
export function mergeSessionUpdate(base: RealtimeConfig, delta: SessionUpdate): RealtimeConfig {
  const merged: RealtimeConfig = { ...base }
  for (const key of Object.keys(delta) as Array<keyof SessionUpdate>) {
    const value = delta[key]
    if (value === undefined) continue
    ;(merged as Record<string, unknown>)[key] = value
  }
  if (delta.extra !== undefined) {
    merged.extra = { ...base.extra, ...delta.extra }
  }
  if (delta.sessionResumption !== undefined || base.sessionResumption !== undefined) {
    const handle = delta.sessionResumption?.handle ?? base.sessionResumption?.handle
    merged.sessionResumption = {
      ...base.sessionResumption,
      ...delta.sessionResumption,
      ...(handle === undefined ? {} : { handle }),
    }
  }
  return merged
}

/** Returns the config with a new resumption handle, leaving everything else as it was. */
export function withResumptionHandle(config: RealtimeConfig, handle: string): RealtimeConfig {
  return { ...config, sessionResumption: { ...config.sessionResumption, handle } }
}
