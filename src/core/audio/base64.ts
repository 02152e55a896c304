import { RealtimeError } from '../errors'

/**
 * Base64 for audio payloads (OpenAI `delta`/`audio`, Gemini `inlineData.data`). Audio arrives
 * at ~64 kB of text per second per direction, so both directions pick the fastest codec the
 * platform has: Node's `Buffer`, then the TC39 `Uint8Array.fromBase64`/`toBase64`, then a
 * table-driven pure-JS codec (older browsers, workers, worklets).
 *
 * Accepted input is RFC 4648 §4 (standard alphabet `A–Z a–z 0–9 + /`), with or without `=`
 * padding; whitespace, the URL-safe alphabet and misplaced padding are rejected. Non-zero bits in
 * the unused tail of the last character are ignored (RFC 4648 §3.5 lets decoders choose; `Buffer`
 * and `fromBase64` ignore them too). Anything else throws `RealtimeError` with code
 * `invalid_audio` — never a silently shortened buffer — and every path returns the same bytes.
 */

interface NodeBufferLike {
  toString(encoding: 'base64'): string
  write(text: string, offset: number, length: number, encoding: 'base64'): number
}
interface NodeBufferStatic {
  byteLength(text: string, encoding: 'utf8'): number
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): NodeBufferLike
}
interface Uint8ArrayBase64Static {
  fromBase64?: (text: string) => Uint8Array<ArrayBuffer>
}
interface Uint8ArrayToBase64 {
  toBase64?: () => string
}

// Looked up on globalThis, never as a bare `Buffer`, so bundlers do not inject a polyfill.
const NodeBuffer = (globalThis as { Buffer?: NodeBufferStatic }).Buffer
const nativeFromBase64 = (Uint8Array as Uint8ArrayBase64Static).fromBase64
const nativeToBase64 = (Uint8Array.prototype as Uint8ArrayToBase64).toBase64

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
// Char code → 6-bit value, or 255 for "not in the alphabet".
const DECODE_TABLE = new Uint8Array(256).fill(255)
// 6-bit value → char code.
const ENCODE_TABLE = new Uint8Array(64)
for (let i = 0; i < 64; i++) {
  const code = ALPHABET.charCodeAt(i)
  ENCODE_TABLE[i] = code
  DECODE_TABLE[code] = i
}

/**
 * Encodes bytes as padded standard base64.
 *
 * @example
 * encodeBase64(new Uint8Array([1, 2, 3])) // 'AQID'
 */
export function encodeBase64(bytes: Uint8Array): string {
  if (NodeBuffer) {
    // A view, not a copy: toString reads the caller's memory directly.
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
  }
  if (nativeToBase64) return nativeToBase64.call(bytes)
  return encodeBase64Portable(bytes)
}

/**
 * Decodes standard base64 (padding optional) into a fresh `Uint8Array` that owns its buffer.
 *
 * @throws RealtimeError `invalid_audio` for characters outside the alphabet, whitespace, bad
 * padding or an impossible length.
 * @example
 * decodeBase64('AQID') // Uint8Array [1, 2, 3]
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  // The fast decoders are lenient (Buffer skips junk, fromBase64 skips whitespace), and checking
  // the text first with a regexp costs more than decoding it. So a fast result is kept only when
  // the input was canonical base64, the form providers send; anything else (unpadded, non-zero
  // trailing bits, or invalid) goes to the strict portable decoder, which returns the same bytes
  // or throws.
  const fast = NodeBuffer ? decodeWithBuffer(NodeBuffer, text) : decodeNative(text)
  return fast ?? decodeBase64Portable(text)
}

function decodeWithBuffer(
  buffer: NodeBufferStatic,
  text: string,
): Uint8Array<ArrayBuffer> | undefined {
  const length = canonicalDecodedLength(text)
  if (length === undefined) return undefined
  // Buffer's decoder reads `-` and `_` as the URL-safe alphabet, folds UTF-16 code units above
  // 255 onto bytes, and skips every other character outside the alphabet. So the text must be
  // ASCII (its UTF-8 length is its length) without `-` or `_`; then a skipped character (space,
  // newline, misplaced `=`) shows as fewer bytes written than a padded text of this length
  // holds. Three native scans: cheaper than re-encoding each delta to compare, which also left a
  // garbage string per delta (bench/throughput.ts).
  if (buffer.byteLength(text, 'utf8') !== text.length) return undefined
  if (text.indexOf('-') !== -1 || text.indexOf('_') !== -1) return undefined
  // Decode straight into our own ArrayBuffer: `Buffer.from(text)` would return a slice of Node's
  // shared pool, which callers could not safely transfer or view as an Int16Array.
  const out = new Uint8Array(length)
  const view = buffer.from(out.buffer, 0, length)
  return view.write(text, 0, length, 'base64') === length ? out : undefined
}

function decodeNative(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!nativeFromBase64 || !nativeToBase64) return undefined
  let out: Uint8Array<ArrayBuffer>
  try {
    out = nativeFromBase64(text)
  } catch {
    return undefined
  }
  return nativeToBase64.call(out) === text ? out : undefined
}

/** Byte length of a padded base64 text, or undefined when its length cannot be canonical. */
function canonicalDecodedLength(text: string): number | undefined {
  const n = text.length
  if (n % 4 !== 0) return undefined
  let padding = 0
  if (n > 0 && text.charCodeAt(n - 1) === 61) padding = text.charCodeAt(n - 2) === 61 ? 2 : 1
  return (n / 4) * 3 - padding
}

/**
 * Pure-JS encoder. Builds ASCII codes in a typed array and turns them into a string in slices,
 * because `String.fromCharCode(...bytes)` on megabytes overflows the call stack.
 * @internal
 */
export function encodeBase64Portable(bytes: Uint8Array): string {
  const n = bytes.length
  const out = new Uint8Array(Math.ceil(n / 3) * 4)
  let j = 0
  let i = 0
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out[j++] = ENCODE_TABLE[v >> 18]!
    out[j++] = ENCODE_TABLE[(v >> 12) & 63]!
    out[j++] = ENCODE_TABLE[(v >> 6) & 63]!
    out[j++] = ENCODE_TABLE[v & 63]!
  }
  const rest = n - i
  if (rest > 0) {
    const v = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0)
    out[j++] = ENCODE_TABLE[v >> 18]!
    out[j++] = ENCODE_TABLE[(v >> 12) & 63]!
    out[j++] = rest === 2 ? ENCODE_TABLE[(v >> 6) & 63]! : 61 // '='
    out[j] = 61
  }
  let text = ''
  const SLICE = 0x2000 // well under every engine's argument-count limit
  for (let k = 0; k < out.length; k += SLICE) {
    text += String.fromCharCode.apply(null, out.subarray(k, k + SLICE) as unknown as number[])
  }
  return text
}

/**
 * Pure-JS decoder with the same validation as {@link decodeBase64}.
 * @internal
 */
export function decodeBase64Portable(text: string): Uint8Array<ArrayBuffer> {
  const dataLength = validatedDataLength(text)
  const out = new Uint8Array(decodedLength(dataLength))
  const whole = dataLength - (dataLength % 4)
  let j = 0
  let i = 0
  for (; i < whole; i += 4) {
    const v =
      sextet(text, i, 18) |
      sextet(text, i + 1, 12) |
      sextet(text, i + 2, 6) |
      sextet(text, i + 3, 0)
    out[j++] = v >> 16
    out[j++] = (v >> 8) & 0xff
    out[j++] = v & 0xff
  }
  const rest = dataLength - whole // 0, 2 or 3 characters → 0, 1 or 2 bytes
  if (rest >= 2) {
    const v =
      sextet(text, i, 18) | sextet(text, i + 1, 12) | (rest === 3 ? sextet(text, i + 2, 6) : 0)
    out[j] = v >> 16
    if (rest === 3) out[j + 1] = (v >> 8) & 0xff
  }
  return out
}

function sextet(text: string, index: number, shift: number): number {
  const code = text.charCodeAt(index)
  // Codes above 255 index past the table and read undefined; `?? 255` folds them into "invalid".
  const value = DECODE_TABLE[code] ?? 255
  if (value === 255) throw invalidBase64(`has an invalid character at offset ${index}`)
  return value << shift
}

/** Checks padding and length; returns how many characters carry data (padding excluded). */
function validatedDataLength(text: string): number {
  let dataLength = text.length
  if (dataLength > 0 && text.charCodeAt(dataLength - 1) === 61) dataLength--
  if (dataLength > 0 && text.charCodeAt(dataLength - 1) === 61) dataLength--
  const padding = text.length - dataLength
  if (dataLength % 4 === 1) throw invalidBase64(`has an impossible length of ${text.length}`)
  if (padding > 0 && text.length % 4 !== 0) throw invalidBase64('has misplaced padding')
  if (padding > 0 && dataLength % 4 === 0) throw invalidBase64('has misplaced padding')
  return dataLength
}

function decodedLength(dataLength: number): number {
  const rest = dataLength % 4
  return (dataLength - rest) * 0.75 + (rest === 0 ? 0 : rest - 1)
}

function invalidBase64(detail: string): RealtimeError {
  return new RealtimeError('invalid_audio', `Base64 audio ${detail}`)
}
