/**
 * Dotted-path operations on a config object (`audio.output.voice`), for the session policy.
 *
 * Every operation takes a `normalize` for key names: Gemini parses its JSON with the proto3
 * mapping, which accepts `system_instruction` as well as `systemInstruction` at every level, so a
 * lock on one spelling must catch the other. OpenAI field names have one spelling (identity).
 */
export type KeyNormalizer = (key: string) => string

export const sameKey: KeyNormalizer = (key) => key

/** `system_instruction` → `systemInstruction`; camelCase keys are unchanged. */
export const protoJsonKey: KeyNormalizer = (key) =>
  key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase())

export interface PathEntry {
  /** Normalized dotted path. */
  path: string
  /**
   * The value is not an object: setting `audio: null` overwrites a locked `audio.output.voice`
   * as surely as setting it directly.
   */
  leaf: boolean
}

export function normalizePath(path: string, normalize: KeyNormalizer): string {
  return path.split('.').map(normalize).join('.')
}

/** `path` is `ancestor` or lies under it. */
export function isUnder(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`)
}

/** Every path a config object sets. */
export function collectPaths(
  value: Record<string, unknown>,
  normalize: KeyNormalizer,
  prefix = '',
): PathEntry[] {
  const paths: PathEntry[] = []
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? normalize(key) : `${prefix}.${normalize(key)}`
    paths.push({ path, leaf: !isRecord(child) })
    if (isRecord(child)) paths.push(...collectPaths(child, normalize, path))
  }
  return paths
}

/** The paths `config` sets that touch `locked` (the paths themselves, not the locks). */
export function violationsOf(
  config: Record<string, unknown>,
  locked: readonly string[],
  normalize: KeyNormalizer,
): string[] {
  return collectPaths(config, normalize)
    .filter(({ path, leaf }) => locked.some((l) => isUnder(path, l) || (leaf && isUnder(l, path))))
    .map(({ path }) => path)
}

/** A copy of `value` without the locked paths (and without leaves that would overwrite them). */
export function removePaths(
  value: Record<string, unknown>,
  locked: readonly string[],
  normalize: KeyNormalizer,
  prefix = '',
): Record<string, unknown> {
  const result: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? normalize(key) : `${prefix}.${normalize(key)}`
    if (locked.some((l) => isUnder(path, l))) continue
    if (!isRecord(child) && locked.some((l) => isUnder(l, path))) continue
    result[key] = isRecord(child) ? removePaths(child, locked, normalize, path) : child
  }
  return result
}

/**
 * `over` merged into `base`. A key of `over` replaces every spelling of it in `base`, so the
 * upstream never receives both `systemInstruction` and `system_instruction`.
 */
export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
  normalize: KeyNormalizer,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const aliases = Object.keys(result).filter((k) => normalize(k) === normalize(key))
    const current = aliases.length === 1 ? result[aliases[0]!] : undefined
    for (const alias of aliases) delete result[alias]
    result[key] =
      isRecord(current) && isRecord(value) ? deepMerge(current, value, normalize) : value
  }
  return result
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
