import type { ClientEvent } from '../events'

/**
 * What the app sent while there was no connection to send it on (connecting or resuming),
 * replayed in order once the connection is up.
 *
 * Audio is bounded: past `maxAudioBytes` the oldest audio is dropped (the freshest speech
 * matters most when a reconnect ends) and the loss is counted, never silent. Other entries are
 * tiny and kept.
 */
export class Outbox {
  readonly #entries: ClientEvent[] = []
  readonly #maxAudioBytes: number
  #audioBytes = 0
  #droppedChunks = 0
  #droppedBytes = 0

  constructor(maxAudioBytes: number) {
    this.#maxAudioBytes = Math.max(0, maxAudioBytes)
  }

  get size(): number {
    return this.#entries.length
  }

  get audioBytes(): number {
    return this.#audioBytes
  }

  /** Audio chunks and bytes dropped since the runner was created. */
  get dropped(): { chunks: number; bytes: number } {
    return { chunks: this.#droppedChunks, bytes: this.#droppedBytes }
  }

  push(event: ClientEvent): void {
    this.#entries.push(event)
    if (event.type !== 'audio.append') return
    this.#audioBytes += event.pcm.byteLength
    while (this.#audioBytes > this.#maxAudioBytes) {
      const index = this.#entries.findIndex((entry) => entry.type === 'audio.append')
      if (index < 0) break
      const [oldest] = this.#entries.splice(index, 1)
      const bytes = oldest?.type === 'audio.append' ? oldest.pcm.byteLength : 0
      this.#audioBytes -= bytes
      this.#droppedBytes += bytes
      this.#droppedChunks += 1
    }
  }

  /** Removes and returns everything, oldest first. */
  drain(): ClientEvent[] {
    const entries = this.#entries.splice(0)
    this.#audioBytes = 0
    return entries
  }

  /** Discards everything; discarded audio is counted as dropped. */
  clear(): void {
    for (const entry of this.drain()) {
      if (entry.type !== 'audio.append') continue
      this.#droppedChunks += 1
      this.#droppedBytes += entry.pcm.byteLength
    }
  }
}
