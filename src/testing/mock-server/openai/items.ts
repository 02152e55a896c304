import { decodeBase64 } from '../../../core/audio/base64'
import { bytesToPcm16 } from '../../../core/audio/pcm'
import { reportBrainFailure, whenReady } from '../clock'
import { isRecord } from '../log'
import { DEFAULT_VIDEO_FRAME_LIMITS, ImageError, type VideoFrameLimits } from '../video/image'
import { VideoInput } from '../video/input'
import type { CommittedAudio } from './audio-buffer'
import { Conversation, parseClientItem, type StoredItem } from './conversation'
import { OpenAIRequestError, brainFailedError, errorObject, openaiErrors } from './errors'
import type { ResponseRun } from './response'
import { InputTranscription } from './transcription'

/** What the item handlers need from their session. */
export interface ItemHost {
  send(event: Record<string, unknown>): void
  newId(prefix: string): string
  readonly activeResponse: ResponseRun | undefined
  readonly transcriptionEnabled: boolean
  transcribe(pcm: Int16Array, sampleRate: number): string | Promise<string>
  /** The brain threw: report it and tell the client with a `server_error`. */
  brainFailed(error: unknown): void
}

export interface PlacedItem {
  stored: StoredItem
  previousItemId: string | null
}

/**
 * `conversation.item.create / delete / retrieve / truncate`, and the user items that committed
 * audio becomes.
 */
export class ItemHandlers {
  readonly conversation = new Conversation()
  readonly #host: ItemHost
  readonly #video: VideoInput

  constructor(host: ItemHost, videoLimits: VideoFrameLimits = DEFAULT_VIDEO_FRAME_LIMITS) {
    this.#host = host
    this.#video = new VideoInput(videoLimits)
  }

  create(message: Record<string, unknown>): void {
    const stored = parseClientItem(message.item, () => this.#host.newId('item'))
    this.#readImages(stored)
    if (this.conversation.get(String(stored.item.id))) {
      throw new OpenAIRequestError(
        'item_already_exists',
        `Item with id '${String(stored.item.id)}' already exists.`,
        'item.id',
      )
    }
    const previous = message.previous_item_id
    if (previous !== undefined && previous !== null && typeof previous !== 'string') {
      throw openaiErrors.invalidType('previous_item_id', 'a string', previous)
    }
    const previousItemId = this.conversation.insert(stored, previous)
    this.#hearSpokenContent(stored)
    this.announce({ stored, previousItemId })
  }

  delete(message: Record<string, unknown>): void {
    const itemId = this.#itemId(message)
    this.conversation.delete(itemId)
    this.#host.send({ type: 'conversation.item.deleted', item_id: itemId })
  }

  retrieve(message: Record<string, unknown>): void {
    const stored = this.conversation.get(this.#itemId(message))
    if (!stored) throw openaiErrors.itemNotFound('item_id', this.#itemId(message))
    this.#host.send({ type: 'conversation.item.retrieved', item: structuredClone(stored.item) })
  }

  truncate(message: Record<string, unknown>): void {
    const itemId = this.#itemId(message)
    const contentIndex = message.content_index ?? 0
    const audioEndMs = message.audio_end_ms
    if (typeof contentIndex !== 'number' || !Number.isInteger(contentIndex)) {
      throw openaiErrors.invalidType('content_index', 'an integer', contentIndex)
    }
    if (audioEndMs === undefined) throw openaiErrors.missing('audio_end_ms')
    if (typeof audioEndMs !== 'number' || !Number.isInteger(audioEndMs)) {
      throw openaiErrors.invalidType('audio_end_ms', 'an integer', audioEndMs)
    }
    if (audioEndMs < 0) throw openaiErrors.outOfRange('audio_end_ms', audioEndMs, 0, 'below_min')
    // Cutting the item that is still streaming ends its response first, as a barge-in would.
    const active = this.#host.activeResponse
    if (active?.openItemId === itemId) active.cancel('client_cancelled')
    this.conversation.truncate(itemId, contentIndex, audioEndMs)
    this.#host.send({
      type: 'conversation.item.truncated',
      item_id: itemId,
      content_index: contentIndex,
      audio_end_ms: audioEndMs,
    })
  }

  /** A user item for committed audio; its transcript is `null` until transcription completes. */
  addSpokenItem(itemId: string): PlacedItem {
    const stored: StoredItem = {
      item: {
        id: itemId,
        type: 'message',
        status: 'completed',
        role: 'user',
        content: [{ type: 'input_audio', transcript: null }],
      },
    }
    return { stored, previousItemId: this.conversation.insert(stored) }
  }

  /** `conversation.item.added` then `conversation.item.done`. */
  announce(placed: PlacedItem): void {
    for (const type of ['conversation.item.added', 'conversation.item.done']) {
      this.#host.send({
        type,
        previous_item_id: placed.previousItemId,
        item: structuredClone(placed.stored.item),
      })
    }
  }

  /**
   * Asks the brain what was said, remembers it, and hands back the transcription events to send
   * (`undefined` when the session has transcription off, or when the brain failed to hear it).
   */
  whenHeard(
    placed: PlacedItem,
    audio: CommittedAudio,
    then: (transcription: InputTranscription | undefined) => void,
  ): void {
    const { stored } = placed
    whenReady(
      () => this.#host.transcribe(audio.pcm, audio.sampleRate),
      (heard) => {
        stored.heard = heard
        if (!this.#host.transcriptionEnabled) {
          then(undefined)
          return
        }
        then(
          new InputTranscription({
            itemId: String(stored.item.id),
            transcript: heard,
            durationMs: audio.durationMs,
            send: (event) => this.#host.send(event),
            onCompleted: (transcript) => {
              const part = Array.isArray(stored.item.content) ? stored.item.content[0] : undefined
              if (isRecord(part)) part.transcript = transcript
            },
          }),
        )
      },
      (error) => {
        // The turn goes on unheard: the service's model still answers audio that its
        // transcriber failed on.
        this.#transcriptionFailed(String(stored.item.id), error)
        then(undefined)
      },
    )
  }

  /**
   * With transcription on, a failing recogniser is what the service reports as a failed
   * transcription of the item; with it off, the client would hear nothing, so it is a server error.
   */
  #transcriptionFailed(itemId: string, error: unknown): void {
    if (!this.#host.transcriptionEnabled) {
      this.#host.brainFailed(error)
      return
    }
    reportBrainFailure(error)
    this.#host.send({
      type: 'conversation.item.input_audio_transcription.failed',
      item_id: itemId,
      content_index: 0,
      error: errorObject(brainFailedError(error)),
    })
  }

  /**
   * Validates each `input_image` (a JPEG or PNG data URL) and remembers what it shows; a bad one
   * refuses the whole item. The stored item (and so its echo) keeps `<N bytes>` in place of the
   * image data, so a session streaming frames holds their descriptions, not megabytes of base64.
   */
  #readImages(stored: StoredItem): void {
    const content = Array.isArray(stored.item.content) ? stored.item.content : []
    content.forEach((part, index) => {
      if (!isRecord(part) || part.type !== 'input_image') return
      const param = `item.content[${index}].image_url`
      if (part.image_url === undefined) throw openaiErrors.missing(param)
      const match = /^data:(image\/[\w.+-]+);base64,(.*)$/s.exec(String(part.image_url))
      try {
        if (!match) throw new ImageError('not a base64 data URL')
        stored.image = this.#video.receive(match[2], match[1])
        part.image_url = `data:${match[1]};base64,<${stored.image.bytes} bytes>`
      } catch (error) {
        if (!(error instanceof ImageError)) throw error
        throw new OpenAIRequestError(
          'invalid_value',
          `Invalid '${param}'. Expected a base64-encoded JPEG or PNG image (data URL): ${error.message}.`,
          param,
        )
      }
    })
  }

  /** A client-created user item with `input_audio` and no transcript: hear its audio too. */
  #hearSpokenContent(stored: StoredItem): void {
    const content = Array.isArray(stored.item.content) ? stored.item.content : []
    const part = content.find((entry) => isRecord(entry) && entry.type === 'input_audio')
    if (!isRecord(part) || typeof part.audio !== 'string' || typeof part.transcript === 'string')
      return
    let pcm: Int16Array
    try {
      const bytes = decodeBase64(part.audio)
      pcm = bytesToPcm16(bytes.subarray(0, bytes.length - (bytes.length % 2)))
    } catch {
      throw new OpenAIRequestError(
        'invalid_value',
        "Invalid 'audio'. Expected base64-encoded audio.",
        'item.content.audio',
      )
    }
    whenReady(
      () => this.#host.transcribe(pcm, 24_000),
      (heard) => {
        stored.heard = heard
      },
      (error) => this.#host.brainFailed(error),
    )
  }

  #itemId(message: Record<string, unknown>): string {
    const itemId = message.item_id
    if (itemId === undefined) throw openaiErrors.missing('item_id')
    if (typeof itemId !== 'string') throw openaiErrors.invalidType('item_id', 'a string', itemId)
    return itemId
  }
}
