/**
 * Input audio transcription events for one committed user item:
 * `conversation.item.input_audio_transcription.delta` × n, then `.completed`. The service runs
 * transcription beside the response, so in the recorded turn the deltas and the `completed` event
 * arrive in the middle of the assistant's audio; a response drives this object to reproduce that
 * interleaving, and without a response it is sent at once.
 */
export class InputTranscription {
  readonly itemId: string
  readonly transcript: string
  readonly #send: (event: Record<string, unknown>) => void
  readonly #deltas: string[]
  readonly #durationMs: number
  readonly #onCompleted: (transcript: string) => void
  #sent = 0
  #completed = false

  constructor(options: {
    itemId: string
    transcript: string
    durationMs: number
    send: (event: Record<string, unknown>) => void
    onCompleted: (transcript: string) => void
  }) {
    this.itemId = options.itemId
    this.transcript = options.transcript
    this.#send = options.send
    this.#deltas = splitDeltas(options.transcript)
    this.#durationMs = options.durationMs
    this.#onCompleted = options.onCompleted
  }

  get completed(): boolean {
    return this.#completed
  }

  /** Sends up to `count` more deltas (all remaining by default). */
  sendDeltas(count = Number.POSITIVE_INFINITY): void {
    while (this.#sent < this.#deltas.length && count > 0) {
      this.#send({
        type: 'conversation.item.input_audio_transcription.delta',
        item_id: this.itemId,
        content_index: 0,
        delta: this.#deltas[this.#sent++],
      })
      count--
    }
  }

  /** Half of the deltas, rounded up: what the service had transcribed when the response began. */
  sendFirstHalf(): void {
    this.sendDeltas(Math.ceil(this.#deltas.length / 2) - this.#sent)
  }

  /** Sends what is left and `completed`. Idempotent. */
  complete(): void {
    if (this.#completed) return
    this.sendDeltas()
    this.#completed = true
    this.#onCompleted(this.transcript)
    this.#send({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: this.itemId,
      content_index: 0,
      transcript: this.transcript,
      usage: { type: 'duration', seconds: Math.max(1, Math.round(this.#durationMs / 1000)) },
    })
  }
}

/** Word-sized deltas that keep their leading space, like the service's: `Hello`, `,`, ` my`. */
export function splitDeltas(text: string): string[] {
  return text.match(/\s*[\p{L}\p{N}'’-]+|\s*[^\s\p{L}\p{N}'’-]+/gu) ?? []
}
