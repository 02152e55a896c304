import type { RawData } from 'ws'

const REDACTED = '[redacted]'

/** Removes the API key from what the upstream sends back (errors can echo it). */
export interface Redactor {
  text(text: string): string
  /**
   * A binary frame with the key's bytes replaced. Gemini sends its JSON (and so its echoed
   * errors, which quote the `?key=` of the URL) in binary frames; matching bytes rather than
   * decoded text catches UTF-8 JSON without corrupting frames that are not text.
   */
  binary(data: Buffer): Buffer
}

export function createRedactor(apiKey: string | undefined): Redactor {
  if (apiKey === undefined || apiKey === '') {
    return { text: (text) => text, binary: (data) => data }
  }
  const needle = Buffer.from(apiKey, 'utf8')
  const replacement = Buffer.from(REDACTED, 'utf8')
  return {
    text: (text) => text.split(apiKey).join(REDACTED),
    binary: (data) => {
      let index = data.indexOf(needle)
      if (index === -1) return data
      const parts: Buffer[] = []
      let start = 0
      while (index !== -1) {
        parts.push(data.subarray(start, index), replacement)
        start = index + needle.length
        index = data.indexOf(needle, start)
      }
      parts.push(data.subarray(start))
      return Buffer.concat(parts)
    },
  }
}

/** `ws` hands over a Buffer, an ArrayBuffer or fragments, depending on `binaryType`. */
export function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data
  if (Array.isArray(data)) return Buffer.concat(data)
  return Buffer.from(data)
}
