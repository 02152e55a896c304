/**
 * Which session fields a browser may set through the relay. The relay sees wire frames, so the
 * policy speaks wire paths: for OpenAI the fields of `session.update.session`
 * (`instructions`, `tools`, `audio.output.voice`, …); for Gemini the fields of the `setup`
 * message (`model`, `systemInstruction`, `tools`, `generationConfig.speechConfig`, …).
 *
 * A locked path also locks everything under it (`audio` locks `audio.output.voice`).
 */
export interface SessionPolicy {
  /** Paths the client may not set. */
  locked?: string[]
  /**
   * `filter` (default): drop the locked fields and forward the rest.
   * `refuse`: drop the whole message and tell the client (OpenAI `error` event; Gemini close
   * 1008), mirroring how the real OpenAI service discards an invalid update whole.
   */
  onViolation?: 'filter' | 'refuse'
  /**
   * Values the server imposes, merged over what the client sent (OpenAI: into every
   * `session.update`; Gemini: into `setup`). Typical: instructions and tools kept server-side.
   */
  enforce?: Record<string, unknown>
}

export type PolicyProtocol = 'openai' | 'gemini'

export type PolicyDecision =
  | { kind: 'forward'; message: unknown; removed: string[] }
  | { kind: 'refuse'; violations: string[] }

/** Applies the policy to one client message. Messages that carry no config pass unchanged. */
export function applySessionPolicy(
  protocol: PolicyProtocol,
  message: unknown,
  policy: SessionPolicy | undefined,
): PolicyDecision {
  if (policy === undefined || !isRecord(message)) return { kind: 'forward', message, removed: [] }
  const configKey = findConfigKey(protocol, message)
  if (configKey === undefined) return { kind: 'forward', message, removed: [] }
  const config = message[configKey]
  if (!isRecord(config)) return { kind: 'forward', message, removed: [] }

  const locked = policy.locked ?? []
  const violations = collectPaths(config)
    .filter(({ path, leaf }) => locked.some((l) => isUnder(path, l) || (leaf && isUnder(l, path))))
    .map(({ path }) => path)
  if (violations.length > 0 && policy.onViolation === 'refuse') {
    return { kind: 'refuse', violations: unique(violations.map((v) => lockFor(locked, v))) }
  }
  let filtered = removePaths(config, locked)
  if (policy.enforce !== undefined) filtered = deepMerge(filtered, policy.enforce)
  return {
    kind: 'forward',
    message: { ...message, [configKey]: filtered },
    removed: unique(violations.map((v) => lockFor(locked, v))),
  }
}

/** OpenAI carries config in `session.update`; Gemini in the first `setup` message. */
function findConfigKey(protocol: PolicyProtocol, message: Record<string, unknown>) {
  if (protocol === 'openai') return message.type === 'session.update' ? 'session' : undefined
  return 'setup' in message ? 'setup' : undefined
}

/** `path` is `ancestor` or lies under it. */
function isUnder(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`)
}

function lockFor(locked: string[], path: string): string {
  return locked.find((l) => isUnder(path, l) || isUnder(l, path)) ?? path
}

/**
 * Every path a config object sets. `leaf` marks values that are not objects: setting
 * `audio: null` overwrites a locked `audio.output.voice` as surely as setting it directly.
 */
function collectPaths(value: Record<string, unknown>, prefix = ''): PathEntry[] {
  const paths: PathEntry[] = []
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    paths.push({ path, leaf: !isRecord(child) })
    if (isRecord(child)) paths.push(...collectPaths(child, path))
  }
  return paths
}

interface PathEntry {
  path: string
  leaf: boolean
}

function removePaths(value: Record<string, unknown>, locked: string[], prefix = '') {
  const result: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    if (locked.some((l) => isUnder(path, l))) continue
    if (!isRecord(child) && locked.some((l) => isUnder(l, path))) continue
    result[key] = isRecord(child) ? removePaths(child, locked, path) : child
  }
  return result
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>) {
  const result: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const current = result[key]
    result[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value
  }
  return result
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}
