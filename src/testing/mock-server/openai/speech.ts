import { decodeBase64 } from '../../../core/audio/base64'
import type { VadEvent } from '../vad'
import { InputAudioBuffer } from './audio-buffer'
import { OpenAIRequestError, openaiErrors } from './errors'
import type { ItemHandlers } from './items'
import type { ResponseRun } from './response'
import { formatOf, turnDetectionOf, type SessionObject } from './session-config'
import type { InputTranscription } from './transcription'

/** What the speech input needs from its session. */
export interface SpeechHost {
  send(event: Record<string, unknown>): void
  newId(prefix: string): string
  readonly items: ItemHandlers
  session(): SessionObject
  activeResponse(): ResponseRun | undefined
  /** Starts a response for a committed turn, with its transcription interleaved. */
  respond(transcription: InputTranscription | undefined): void
  /** User speech with `interrupt_response` on (WebRTC: the output buffer is cleared). */
  bargeIn?(): void
}

/**
 * `input_audio_buffer.append / commit / clear` and the server VAD's turn-taking: speech start
 * (which interrupts a response when `interrupt_response` is on), speech stop, the commit into a
 * user item, its transcription, and the automatic response when `create_response` is on.
 */
export class SpeechInput {
  readonly #host: SpeechHost
  readonly #buffer = new InputAudioBuffer()
  #pendingItem: string | undefined
  /** Milliseconds of user audio committed on this connection (for usage). */
  committedMs = 0

  constructor(host: SpeechHost) {
    this.#host = host
  }

  /** Follows the session's input format and turn detection. */
  configure(session: SessionObject): void {
    this.#buffer.setFormat(formatOf(session.audio.input.format))
    this.#buffer.setTurnDetection(turnDetectionOf(session))
  }

  append(audio: unknown): void {
    if (audio === undefined) throw openaiErrors.missing('audio')
    if (typeof audio !== 'string') throw openaiErrors.invalidType('audio', 'a string', audio)
    let bytes: Uint8Array
    try {
      bytes = decodeBase64(audio)
    } catch {
      throw new OpenAIRequestError(
        'invalid_value',
        "Invalid 'audio'. Expected base64-encoded audio.",
        'audio',
      )
    }
    this.appendBytes(bytes)
  }

  /** Audio in the session's input format that did not come as base64 (a WebRTC track). */
  appendBytes(bytes: Uint8Array): void {
    for (const event of this.#buffer.append(bytes)) this.#onVad(event)
  }

  /** An explicit `input_audio_buffer.commit`: never starts a response on its own. */
  commit(): void {
    if (this.#buffer.durationMs < 100) throw openaiErrors.bufferTooSmall(this.#buffer.durationMs)
    const itemId = this.#pendingItem ?? this.#host.newId('item')
    this.#pendingItem = undefined
    this.#buffer.endUtterance()
    this.#commit(itemId, false)
  }

  clear(): void {
    this.#buffer.clear()
    this.#pendingItem = undefined
    this.#host.send({ type: 'input_audio_buffer.cleared' })
  }

  #onVad(event: VadEvent): void {
    const session = this.#host.session()
    const detection = turnDetectionOf(session)
    if (event.type === 'speechStarted') {
      this.#pendingItem = this.#host.newId('item')
      this.#host.send({
        type: 'input_audio_buffer.speech_started',
        audio_start_ms: event.audioStartMs,
        item_id: this.#pendingItem,
      })
      const active = this.#host.activeResponse()
      if (active && detection?.interruptResponse) active.cancel('turn_detected')
      if (detection?.interruptResponse) this.#host.bargeIn?.()
      return
    }
    const itemId = this.#pendingItem ?? this.#host.newId('item')
    this.#pendingItem = undefined
    this.#host.send({
      type: 'input_audio_buffer.speech_stopped',
      audio_end_ms: event.audioEndMs,
      item_id: itemId,
    })
    const respond =
      session.type === 'realtime' &&
      detection?.createResponse === true &&
      !this.#host.activeResponse()
    this.#commit(itemId, respond)
  }

  /** Commits the buffer as a user item, transcribes it and, with server VAD, answers it. */
  #commit(itemId: string, respond: boolean): void {
    const audio = this.#buffer.take()
    this.committedMs += audio.durationMs
    const items = this.#host.items
    const placed = items.addSpokenItem(itemId)
    this.#host.send({
      type: 'input_audio_buffer.committed',
      previous_item_id: placed.previousItemId,
      item_id: itemId,
    })
    items.announce(placed)
    items.whenHeard(placed, audio, (transcription) => {
      // The automatic response waits for the brain to hear the turn; an async transcription lets
      // the client's own `response.create` start first, and one response at a time means the
      // automatic one is then dropped rather than refused inside a promise callback.
      if (respond && !this.#host.activeResponse()) this.#host.respond(transcription)
      else transcription?.complete()
    })
  }
}
