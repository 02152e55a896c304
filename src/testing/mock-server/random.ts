/**
 * Seeded randomness. Every id, handle and synthesized noise sample comes from here, so two runs of
 * the same script against the same seed produce the same frames.
 */

/** 32-bit FNV-1a: a stable seed from a string (a connection id, a reply's text). */
export function hashString(text: string, seed = 0x811c9dc5): number {
  let hash = seed >>> 0
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

/** Mulberry32: tiny, fast, good enough for ids and noise. Returns floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const HEX = '0123456789abcdef'

/** Ids in the providers' own shapes, drawn from one seeded stream per connection. */
export class IdFactory {
  readonly #random: () => number

  constructor(seed: number) {
    this.#random = createRandom(seed)
  }

  #pick(alphabet: string, length: number): string {
    let text = ''
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(this.#random() * alphabet.length)]
    return text
  }

  /** OpenAI style: `event_E6U0xtb4IYeT9FSp0z1Dm` (prefix, underscore, 21 characters). */
  openai(prefix: string): string {
    return `${prefix}_${this.#pick(ALPHANUMERIC, 21)}`
  }

  /** Gemini AI Studio function-call ids: `function-call-` and 19 digits. */
  functionCallId(): string {
    return `function-call-${this.#pick('123456789', 1)}${this.#pick('0123456789', 18)}`
  }

  /** A version-4-shaped UUID (Vertex session ids and call ids). */
  uuid(): string {
    const hex = this.#pick(HEX, 32)
    const variant = HEX[8 + Math.floor(this.#random() * 4)]
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
  }

  /** An opaque token (resumption handles, minted keys). */
  token(length = 32): string {
    return this.#pick(ALPHANUMERIC, length)
  }

  /** A float in [0, 1) from the same stream. */
  next(): number {
    return this.#random()
  }
}
