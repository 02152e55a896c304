import {
  collectPaths,
  deepMerge,
  isRecord,
  isUnder,
  normalizePath,
  protoJsonKey,
  removePaths,
  sameKey,
  violationsOf,
  type KeyNormalizer,
} from './relay-policy-paths'

/**
 * Which session fields a browser may set through the relay. The relay sees wire frames, so the
 * policy speaks wire paths: for OpenAI the fields of `session.update.session`
 * (`instructions`, `tools`, `audio.output.voice`, …); for Gemini the fields of the `setup`
 * message (`model`, `systemInstruction`, `tools`, `generationConfig.speechConfig`, …).
 *
 * A locked path also locks everything under it (`audio` locks `audio.output.voice`). On OpenAI
 * a lock also holds for the per-response overrides of `response.create` (`response.instructions`,
 * `response.tools`, …), which use the same names; on Gemini it holds for either spelling the
 * service accepts (`systemInstruction` or `system_instruction`). On OpenAI, locking
 * `instructions` also locks what replaces them by another name: `system` message items and a
 * stored `prompt` reference.
 */
export interface SessionPolicy {
  /** Paths the client may not set. */
  locked?: string[]
  /**
   * `filter` (default): drop the locked fields and forward the rest.
   * `refuse`: drop the whole message (update or `response.create`) and tell the client (OpenAI
   * `error` event; Gemini close 1008), mirroring how the real OpenAI service discards an invalid
   * event whole.
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
  /** `configKey`: the part of the message that broke the policy (`session`, `response`, `setup`). */
  | { kind: 'refuse'; violations: string[]; configKey: ConfigKey }

/**
 * Where a client message carries session-level config:
 * - OpenAI `session.update` → `session`;
 * - OpenAI `response.create` → `response`: a per-response override of the same fields
 *   (`instructions`, `tools`, `tool_choice`, `output_modalities`, `max_output_tokens`,
 *   `audio.output.voice|format`, `prompt`), with the same names as in the session;
 * - Gemini `setup`. No other Gemini message changes config (`realtimeInput`, `clientContent`,
 *   `toolResponse` carry input only), and the service refuses a second `setup`;
 * - OpenAI `conversation.item.create` → `item`, when it is a `system` message: see
 *   {@link applySessionPolicy}.
 */
export type ConfigKey = 'session' | 'response' | 'setup' | 'item'

/**
 * Applies the policy to one client message. Messages that carry no config pass unchanged.
 *
 * A per-response override is held to the same locks as `session.update`. Enforced values are
 * merged into the session only (a response has other required fields than a session); a
 * response may not override them either, so they are dropped from it silently, just as an
 * update that sets them is silently overwritten.
 */
export function applySessionPolicy(
  protocol: PolicyProtocol,
  input: unknown,
  policy: SessionPolicy | undefined,
): PolicyDecision {
  // Most messages (audio, every 20 ms) carry no config: they leave before any path work.
  const configKey = policy === undefined ? undefined : findConfigKey(protocol, input)
  if (policy === undefined || configKey === undefined || !isRecord(input)) {
    return { kind: 'forward', message: input, removed: [] }
  }
  const normalize = protocol === 'gemini' ? protoJsonKey : sameKey
  const locked = (policy.locked ?? []).map((path) => normalizePath(path, normalize))
  // On OpenAI a `system` message is instructions by another name: the model follows it as it
  // follows the session's. With `instructions` locked, a client may not add one, on its own
  // (refused whatever `onViolation` says: nothing would be left to forward) or as the input of
  // one response (removed, or the response refused). A stored `prompt` reference is another:
  // it brings its own instructions, so it is locked with them.
  const instructionsLocked =
    protocol === 'openai' && locked.some((lock) => isUnder('instructions', lock))
  if (instructionsLocked && !locked.some((lock) => isUnder('prompt', lock))) locked.push('prompt')
  if (configKey === 'item') {
    return instructionsLocked && isSystemItem(input.item)
      ? { kind: 'refuse', violations: ['instructions'], configKey }
      : { kind: 'forward', message: input, removed: [] }
  }
  let message = input
  const removedItems: string[] = []
  const response = configKey === 'response' ? message.response : undefined
  if (instructionsLocked && isRecord(response) && Array.isArray(response.input)) {
    const kept = response.input.filter((item) => !isSystemItem(item))
    if (kept.length < response.input.length) {
      if (policy.onViolation === 'refuse') {
        return { kind: 'refuse', violations: ['instructions'], configKey }
      }
      message = { ...message, response: { ...response, input: kept } }
      removedItems.push('instructions')
    }
  }
  const config = message[configKey]
  if (!isRecord(config)) return { kind: 'forward', message, removed: removedItems }

  const violations = violationsOf(config, locked, normalize)
  const reported = unique(violations.map((v) => lockFor(locked, v)))
  if (violations.length > 0 && policy.onViolation === 'refuse') {
    return { kind: 'refuse', violations: reported, configKey }
  }
  let filtered = removePaths(config, locked, normalize)
  if (policy.enforce !== undefined) {
    filtered =
      configKey === 'response'
        ? removePaths(filtered, enforcedPaths(policy.enforce, normalize), normalize)
        : deepMerge(filtered, policy.enforce, normalize)
  }
  return {
    kind: 'forward',
    message: { ...message, [configKey]: filtered },
    removed: unique([...removedItems, ...reported]),
  }
}

/** The OpenAI client events that carry config, and where (Gemini has one: `setup`). */
const openaiConfigKeys: Readonly<Record<string, ConfigKey>> = {
  'session.update': 'session',
  'response.create': 'response',
  'conversation.item.create': 'item',
}

function findConfigKey(protocol: PolicyProtocol, message: unknown): ConfigKey | undefined {
  if (!isRecord(message)) return undefined
  if (protocol === 'gemini') return 'setup' in message ? 'setup' : undefined
  return typeof message.type === 'string' && Object.hasOwn(openaiConfigKeys, message.type)
    ? openaiConfigKeys[message.type]
    : undefined
}

/**
 * Whether a client frame could carry config for any parser, read from its bytes: a config event
 * type (or Gemini's `setup`) spelled out, or a backslash, since an escape could spell one (and
 * a lenient parser may take escapes JSON lacks). Bytes cannot be read two ways, as duplicate keys
 * can, so a frame without any (audio, every 20 ms) changes no config whatever reads it.
 */
export function mayCarryConfig(protocol: PolicyProtocol, frame: Buffer): boolean {
  if (frame.includes('\\')) return true
  if (protocol === 'gemini') return frame.includes('setup')
  return openaiConfigTypes.some((type) => frame.includes(type))
}

/** The OpenAI config types as bytes, made once: `mayCarryConfig` runs for every client frame. */
const openaiConfigTypes = Object.keys(openaiConfigKeys).map((type) => Buffer.from(type))

/** The leaf paths the server imposes (`audio.output.voice`, `tools`, …). */
function enforcedPaths(enforce: Record<string, unknown>, normalize: KeyNormalizer): string[] {
  return collectPaths(enforce, normalize)
    .filter((entry) => entry.leaf)
    .map((entry) => entry.path)
}

/** The lock a violating path falls under, as the app wrote it in `locked` (normalized). */
function lockFor(locked: string[], path: string): string {
  return locked.find((l) => isUnder(path, l) || isUnder(l, path)) ?? path
}

/** An OpenAI conversation item that speaks as the system (`message` with role `system`). */
function isSystemItem(item: unknown): boolean {
  return isRecord(item) && item.role === 'system'
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}
