import { afterEach, describe, expect, it, vi } from 'vitest'
import type * as base64 from '../../../src/core/audio/base64'
import {
  decodeBase64,
  decodeBase64Portable,
  encodeBase64,
  encodeBase64Portable,
} from '../../../src/core/audio/base64'
import { caught, createRandom, firstDifference, randomBytes } from './helpers'

const invalidAudio = { name: 'RealtimeError', code: 'invalid_audio' }
const utf8 = new TextEncoder()

/** What `run` returns, or what it throws. */
function outcome(run: () => unknown): unknown {
  try {
    return run()
  } catch (error) {
    return error
  }
}

describe('base64', () => {
  it('should encode and decode the RFC 4648 test vectors on every path', () => {
    const vectors: Array<[string, string]> = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ]
    for (const [text, encoded] of vectors) {
      const bytes = utf8.encode(text)
      expect(encodeBase64(bytes)).toBe(encoded)
      expect(encodeBase64Portable(bytes)).toBe(encoded)
      expect(Array.from(decodeBase64(encoded))).toEqual(Array.from(bytes))
      expect(Array.from(decodeBase64Portable(encoded))).toEqual(Array.from(bytes))
    }
  })

  it('should round-trip random data of lengths 0–7 and agree with Node', () => {
    const random = createRandom(10)
    for (let length = 0; length <= 7; length++) {
      for (let trial = 0; trial < 30; trial++) {
        const bytes = randomBytes(random, length)
        const encoded = Buffer.from(bytes).toString('base64')
        expect(encodeBase64(bytes)).toBe(encoded)
        expect(encodeBase64Portable(bytes)).toBe(encoded)
        expect(firstDifference(decodeBase64(encoded), bytes)).toBe(-1)
        expect(firstDifference(decodeBase64Portable(encoded), bytes)).toBe(-1)
      }
    }
  })

  it('should handle multi-megabyte arrays without overflowing the stack', () => {
    const bytes = randomBytes(createRandom(11), 3 * 1024 * 1024 + 1)
    const encoded = encodeBase64(bytes)
    expect(encodeBase64Portable(bytes)).toBe(encoded)
    expect(firstDifference(decodeBase64(encoded), bytes)).toBe(-1)
    expect(firstDifference(decodeBase64Portable(encoded), bytes)).toBe(-1)
  })

  it('should encode only the viewed bytes of a subarray', () => {
    const backing = utf8.encode('xxfooxx')
    expect(encodeBase64(backing.subarray(2, 5))).toBe('Zm9v')
    expect(encodeBase64Portable(backing.subarray(2, 5))).toBe('Zm9v')
  })

  it('should return a fresh buffer rather than a view into a shared pool', () => {
    const decoded = decodeBase64('AQID')
    expect(decoded.byteOffset).toBe(0)
    expect(decoded.buffer.byteLength).toBe(3)
    expect(Object.getPrototypeOf(decoded)).toBe(Uint8Array.prototype)
  })

  it('should accept missing padding and ignore non-zero trailing bits', () => {
    for (const decode of [decodeBase64, decodeBase64Portable]) {
      expect(Array.from(decode('Zg'))).toEqual([0x66])
      expect(Array.from(decode('Zm8'))).toEqual([0x66, 0x6f])
      expect(Array.from(decode('Zh=='))).toEqual([0x66])
    }
  })

  it('should throw invalid_audio for malformed input on every path', () => {
    const bad = [
      'Z',
      'Zg=',
      'Zm9v=',
      'Zg==Zg==',
      '====',
      'Z===',
      '=Zg=',
      'Zm9v\n',
      'Zm 9v',
      'Zm9v-_8A',
      'Zm9€',
      'Zm9\u0141',
      'Zm9v\u0000AAA',
    ]
    for (const text of bad) {
      expect(
        caught(() => decodeBase64(text)),
        text,
      ).toMatchObject(invalidAudio)
      expect(
        caught(() => decodeBase64Portable(text)),
        text,
      ).toMatchObject(invalidAudio)
    }
  })

  it('should agree with the strict decoder on mutated canonical text', () => {
    // Canonical base64 with one character replaced by something Buffer's decoder would skip,
    // reinterpret or fold (whitespace, '=', URL-safe, Latin-1, code units whose low byte is in
    // the alphabet): the fast path must either return the strict decoder's bytes or defer to it.
    const random = createRandom(7)
    const junk = [' ', '\n', '=', '-', '_', '\u00e9', '\u0141', '\u012b', '\ud83d', '.', '\u0000']
    for (let round = 0; round < 2000; round++) {
      const text = encodeBase64(randomBytes(random, 1 + Math.floor(random() * 40)))
      const at = Math.floor(random() * text.length)
      const mutated = text.slice(0, at) + junk[round % junk.length]! + text.slice(at + 1)
      const strict = outcome(() => decodeBase64Portable(mutated))
      const fast = outcome(() => decodeBase64(mutated))
      if (strict instanceof Uint8Array) expect(fast, mutated).toEqual(strict)
      else expect(fast, mutated).toMatchObject(invalidAudio)
    }
  })
})

describe('base64 platform selection', () => {
  type Codec = typeof base64
  type Base64Statics = { fromBase64?: (text: string) => Uint8Array }
  type Base64Proto = { toBase64?: (this: Uint8Array) => string }
  const NodeBuffer = Buffer

  /** Loads a fresh copy of the module while `Buffer` is hidden, as in a browser or worklet. */
  async function loadWithoutBuffer(): Promise<Codec> {
    vi.resetModules()
    vi.stubGlobal('Buffer', undefined)
    try {
      return await import('../../../src/core/audio/base64')
    } finally {
      vi.unstubAllGlobals()
    }
  }

  afterEach(() => {
    delete (Uint8Array as Base64Statics).fromBase64
    delete (Uint8Array.prototype as Base64Proto).toBase64
  })

  function checkCodec(codec: Codec): void {
    const bytes = randomBytes(createRandom(12), 4099)
    const encoded = NodeBuffer.from(bytes).toString('base64')
    expect(codec.encodeBase64(bytes)).toBe(encoded)
    expect(firstDifference(codec.decodeBase64(encoded), bytes)).toBe(-1)
    expect(Array.from(codec.decodeBase64('Zh'))).toEqual([0x66])
    for (const text of ['Zm9v\n', 'Zm 9v', 'Zm9v-_8A', 'Zg=']) {
      expect(
        caught(() => codec.decodeBase64(text)),
        text,
      ).toMatchObject(invalidAudio)
    }
  }

  it('should use Uint8Array.fromBase64 and toBase64 when Buffer is absent', async () => {
    // A stand-in with the proposal's lenient behaviour: skips whitespace, throws on other junk.
    const fromBase64 = vi.fn((text: string) => {
      const compact = text.replace(/[\t\n\f\r ]/g, '')
      if (/[^A-Za-z0-9+/=]/.test(compact)) throw new SyntaxError('bad base64')
      return new Uint8Array(NodeBuffer.from(compact, 'base64'))
    })
    const toBase64 = vi.fn(function (this: Uint8Array) {
      return NodeBuffer.from(this.buffer, this.byteOffset, this.byteLength).toString('base64')
    })
    ;(Uint8Array as Base64Statics).fromBase64 = fromBase64
    ;(Uint8Array.prototype as Base64Proto).toBase64 = toBase64
    const codec = await loadWithoutBuffer()
    checkCodec(codec)
    expect(fromBase64).toHaveBeenCalled()
    expect(toBase64).toHaveBeenCalled()
  })

  it('should fall back to the pure-JS codec when neither is available', async () => {
    checkCodec(await loadWithoutBuffer())
  })
})
