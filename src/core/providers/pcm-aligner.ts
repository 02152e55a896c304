/**
 * Keeps PCM16 chunks sample-aligned per stream. Providers are free to cut an audio stream at any
 * byte (and recorded sessions do: their shortened payloads are 33 bytes), but a player that gets
 * half a sample shifts every later sample by one byte and plays noise. So an odd trailing byte is
 * held and prepended to the next chunk of the same stream (item), never dropped mid-stream.
 *
 * @example
 * const aligner = new PcmAligner()
 * aligner.align('item_1', new Uint8Array([1, 2, 3])) // [1, 2]
 * aligner.align('item_1', new Uint8Array([4]))       // [3, 4]
 */
export class PcmAligner {
  readonly #pending = new Map<string, number>()

  /** Returns the even-length prefix (possibly empty), holding an odd last byte for later. */
  align(stream: string, bytes: Uint8Array): Uint8Array {
    const carried = this.#pending.get(stream)
    this.#pending.delete(stream)
    let chunk = bytes
    if (carried !== undefined) {
      chunk = new Uint8Array(bytes.byteLength + 1)
      chunk[0] = carried
      chunk.set(bytes, 1)
    }
    if (chunk.byteLength % 2 === 0) return chunk
    this.#pending.set(stream, chunk[chunk.byteLength - 1]!)
    return chunk.subarray(0, chunk.byteLength - 1)
  }

  /** Ends a stream; a held half sample is discarded (there is nothing left to pair it with). */
  end(stream: string): void {
    this.#pending.delete(stream)
  }

  clear(): void {
    this.#pending.clear()
  }
}
