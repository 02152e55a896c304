/**
 * UTF-8 helpers for frame accounting. Text frames reach JavaScript as strings, but frame limits
 * are about bytes on the wire, so the transport needs the encoded length without paying for a
 * full encode on every (mostly small, mostly ASCII) frame.
 */

let encoder: TextEncoder | undefined
let decoder: TextDecoder | undefined

/**
 * Whether `text` encodes to more than `limit` UTF-8 bytes. Exact, and O(1) for the common cases:
 * a string longer than `limit` UTF-16 units is always over (each unit is at least one byte), and
 * one of at most `limit / 3` units is always under (each unit is at most three bytes).
 */
export function exceedsUtf8Bytes(text: string, limit: number): boolean {
  if (text.length > limit) return true
  if (text.length * 3 <= limit) return false
  return utf8ByteLength(text) > limit
}

/** The UTF-8 encoded length of `text`. */
export function utf8ByteLength(text: string): number {
  encoder ??= new TextEncoder()
  return encoder.encode(text).byteLength
}

/** Decodes UTF-8 bytes; invalid sequences become U+FFFD (the JSON parse then reports them). */
export function decodeUtf8(bytes: Uint8Array): string {
  decoder ??= new TextDecoder()
  return decoder.decode(bytes)
}

/** The longest prefix of `text` that fits in `limit` UTF-8 bytes, never splitting a character. */
export function truncateUtf8(text: string, limit: number): string {
  if (!exceedsUtf8Bytes(text, limit)) return text
  encoder ??= new TextEncoder()
  // `encodeInto` stops before a character that would not fit whole; `read` counts UTF-16 units.
  return text.slice(0, encoder.encodeInto(text, new Uint8Array(limit)).read)
}
