/**
 * Compares a frame the client sent with the recorded client frame.
 *
 * Same message type and the same keys at every level; equal values, except where the recording
 * cannot be deterministic:
 * - `event_id` (OpenAI): a client-chosen correlation id, optional on the wire. It is ignored
 *   whether present on either side.
 * - Audio payloads (OpenAI `input_audio_buffer.append.audio`; Gemini `realtimeInput.audio.data`
 *   and `realtimeInput.mediaChunks[].data`): the pydantic-ai recorder shortened OpenAI audio to
 *   44 base64 characters, and microphones never produce the same bytes twice. Both sides must be
 *   non-empty base64 strings (either alphabet: the Python SDK sent URL-safe base64); with
 *   `strictAudio` they must encode the same bytes.
 * - Gemini key casing: the Python SDK sent `client_content`, `realtime_input`, `tool_response`
 *   (and the service accepts proto3 snake_case names), so message field names compare in
 *   camelCase. Opaque payloads (`args`, `response`, `parameters`, `parametersJsonSchema`) keep
 *   their keys exactly.
 *
 * Ids the server chose (`call_id`, function response `id`) are deterministic and compared.
 */

export interface CompareOptions {
  provider: 'openai' | 'gemini'
  /** Compare audio payloads byte for byte. Default false. */
  strictAudio?: boolean
}

const OPAQUE_GEMINI_KEYS = new Set(['args', 'response', 'parameters', 'parametersJsonSchema'])
// Either alphabet: the Python SDK sent Gemini audio in URL-safe base64, which the service accepts.
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/

/** Returns one line per difference; an empty list means the frames match. */
export function compareClientFrame(
  recorded: unknown,
  sent: unknown,
  options: CompareOptions,
): string[] {
  const left = options.provider === 'gemini' ? camelKeys(recorded) : recorded
  const right = options.provider === 'gemini' ? camelKeys(sent) : sent
  const differences: string[] = []
  walk(left, right, [], options, differences)
  return differences
}

/** The message type a frame names: OpenAI `type`, or the Gemini top-level key (camelCase). */
export function frameTypeOf(frame: unknown, provider: 'openai' | 'gemini'): string {
  if (typeof frame !== 'object' || frame === null) return typeof frame
  if (provider === 'openai') {
    const type = (frame as { type?: unknown }).type
    return typeof type === 'string' ? type : '(no type)'
  }
  return toCamel(Object.keys(frame)[0] ?? '(empty)')
}

function walk(
  recorded: unknown,
  sent: unknown,
  path: string[],
  options: CompareOptions,
  out: string[],
): void {
  const where = path.length === 0 ? '(frame)' : path.join('.')
  if (isAudioPath(path, options.provider)) {
    if (!isBase64(recorded) || !isBase64(sent)) {
      out.push(`${where}: expected a non-empty base64 audio payload, got ${show(sent)}`)
    } else if (
      options.strictAudio === true &&
      canonicalBase64(recorded) !== canonicalBase64(sent)
    ) {
      out.push(`${where}: audio differs (recorded ${show(recorded)}, sent ${show(sent)})`)
    }
    return
  }
  if (isObject(recorded) && isObject(sent)) {
    const keys = new Set([...Object.keys(recorded), ...Object.keys(sent)])
    for (const key of [...keys].sort()) {
      if (options.provider === 'openai' && path.length === 0 && key === 'event_id') continue
      const inRecorded = key in recorded && recorded[key] !== undefined
      const inSent = key in sent && sent[key] !== undefined
      const childPath = [...path, key]
      if (!inSent) out.push(`${childPath.join('.')}: missing (recorded ${show(recorded[key])})`)
      else if (!inRecorded)
        out.push(`${childPath.join('.')}: not in the recording (sent ${show(sent[key])})`)
      else walk(recorded[key], sent[key], childPath, options, out)
    }
    return
  }
  if (Array.isArray(recorded) && Array.isArray(sent)) {
    if (recorded.length !== sent.length) {
      out.push(`${where}: recorded ${recorded.length} elements, sent ${sent.length}`)
      return
    }
    recorded.forEach((item, index) =>
      walk(item, sent[index], [...path, `[${index}]`], options, out),
    )
    return
  }
  if (!Object.is(recorded, sent))
    out.push(`${where}: recorded ${show(recorded)}, sent ${show(sent)}`)
}

function isAudioPath(path: readonly string[], provider: 'openai' | 'gemini'): boolean {
  const joined = path.filter((segment) => !segment.startsWith('[')).join('.')
  if (provider === 'openai') return joined === 'audio'
  return joined === 'realtimeInput.audio.data' || joined === 'realtimeInput.mediaChunks.data'
}

function isBase64(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && BASE64.test(value)
}

/** The same bytes in either alphabet, with or without padding, give the same string. */
function canonicalBase64(value: string): string {
  return value.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}

function toCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase())
}

function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys)
  if (!isObject(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) {
    const name = toCamel(key)
    out[name] = OPAQUE_GEMINI_KEYS.has(name) ? child : camelKeys(child)
  }
  return out
}
