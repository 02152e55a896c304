import { encodeBase64 } from '../../../core/audio/base64'
import type { Conversation, StoredItem } from './conversation'
import type { AudioFormat } from './session-config'

/**
 * One item a response produces — a function call or an assistant message — and the events that
 * frame it: `response.output_item.added` and `conversation.item.added` (plus
 * `response.content_part.added` for a message) when it opens, its deltas, and the closing burst
 * (`…done` events, `conversation.item.done`, `response.output_item.done`) with whatever was
 * streamed by then.
 */
export interface OutputHost {
  send(event: Record<string, unknown>): void
  readonly conversation: Conversation
  readonly responseId: string
  /** `false` for out-of-band responses: no conversation events, nothing stored. */
  readonly inConversation: boolean
  readonly format: AudioFormat
  /**
   * WebRTC: audio goes to the call's RTP track instead of `response.output_audio.delta` events
   * (the service sends none on WebRTC). Wire-format bytes, as they would have been sent.
   */
  readonly audioOut?: ((itemId: string, chunk: Uint8Array) => void) | undefined
}

export class OutputItem {
  readonly stored: StoredItem
  readonly outputIndex: number
  readonly #host: OutputHost
  readonly #previousItemId: string | null
  readonly #modality: 'audio' | 'text' | undefined
  readonly #audio: Uint8Array[] = []
  text = ''

  /** Opens an item; `modality` makes it a message with one content part. */
  constructor(
    host: OutputHost,
    item: Record<string, unknown>,
    outputIndex: number,
    modality?: 'audio' | 'text',
  ) {
    this.#host = host
    this.stored = { item }
    this.outputIndex = outputIndex
    this.#modality = modality
    this.#previousItemId = host.inConversation ? host.conversation.insert(this.stored) : null
    const index = { response_id: host.responseId, output_index: outputIndex }
    host.send({ type: 'response.output_item.added', ...index, item: structuredClone(item) })
    if (host.inConversation) {
      host.send({
        type: 'conversation.item.added',
        previous_item_id: this.#previousItemId,
        item: structuredClone(item),
      })
    }
    if (modality) {
      const part =
        modality === 'audio' ? { type: 'audio', transcript: '' } : { type: 'text', text: '' }
      host.send({ type: 'response.content_part.added', ...this.part(), part })
    }
  }

  get id(): string {
    return String(this.stored.item.id)
  }

  /** The fields every content event of this item carries. */
  part(): Record<string, unknown> {
    return {
      response_id: this.#host.responseId,
      item_id: this.stored.item.id,
      output_index: this.outputIndex,
      content_index: 0,
    }
  }

  /** Streams a piece of text (`response.output_text.delta` or the audio transcript delta). */
  sendText(type: string, delta: string): void {
    this.text += delta
    this.#host.send({ type, ...this.part(), delta })
  }

  sendAudio(chunk: Uint8Array): void {
    this.#audio.push(chunk)
    if (this.#host.audioOut !== undefined) {
      this.#host.audioOut(this.id, chunk)
      return
    }
    this.#host.send({
      type: 'response.output_audio.delta',
      ...this.part(),
      delta: encodeBase64(chunk),
    })
  }

  /** Sends the closing events with what was streamed so far. */
  close(status: 'completed' | 'incomplete'): void {
    const { item } = this.stored
    item.status = status
    if (this.#modality === 'audio') {
      this.#host.send({ type: 'response.output_audio.done', ...this.part() })
      this.#host.send({
        type: 'response.output_audio_transcript.done',
        ...this.part(),
        transcript: this.text,
      })
      this.stored.audio = { bytes: concat(this.#audio), format: this.#host.format }
    } else if (this.#modality === 'text') {
      this.#host.send({ type: 'response.output_text.done', ...this.part(), text: this.text })
    }
    if (this.#modality) {
      const audio = this.#modality === 'audio'
      const part = audio
        ? { type: 'audio', transcript: this.text }
        : { type: 'text', text: this.text }
      this.#host.send({ type: 'response.content_part.done', ...this.part(), part })
      // Items carry GA content types; only the content_part events keep the old `audio` name.
      item.content = [
        audio
          ? { type: 'output_audio', transcript: this.text }
          : { type: 'output_text', text: this.text },
      ]
    }
    if (this.#host.inConversation) {
      this.#host.send({
        type: 'conversation.item.done',
        previous_item_id: this.#previousItemId,
        item: structuredClone(item),
      })
    }
    this.#host.send({
      type: 'response.output_item.done',
      response_id: this.#host.responseId,
      output_index: this.outputIndex,
      item: structuredClone(item),
    })
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0))
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.length
  }
  return bytes
}
