import { encodeBase64 } from '../../../core/audio/base64'
import { chunkAudio, encodeSpeech, SPEECH_RATE } from '../audio-out'
import type { BrainContext, BrainReply, MockBrain } from '../brain'
import { wait, type MockClock } from '../clock'
import type { FaultController } from '../faults'
import type { Conversation, StoredItem } from './conversation'
import type { AudioFormat } from './session-config'
import { splitDeltas, type InputTranscription } from './transcription'

/**
 * One OpenAI response, from `response.created` to `response.done`, in the GA event order of the
 * recorded sessions (wire-protocols §2.9). The opening and closing events of an item are sent in
 * one synchronous burst, as the service queues them; only the streamed deltas are paced, so a
 * client event that arrives mid-stream (a cancel, a truncate, an early tool output) lands where it
 * would on the real service. `finish()` is synchronous and idempotent, so a cancel closes the
 * response before the next client event is handled.
 */
export interface ResponseHost {
  send(event: Record<string, unknown>): void
  newId(prefix: string): string
  readonly clock: MockClock
  readonly brain: MockBrain
  readonly faults: FaultController
  readonly conversation: Conversation
  readonly open: boolean
  onAudio(): void
  onFinished(response: ResponseRun): void
}

export interface ResponseSettings {
  context: BrainContext
  modality: 'audio' | 'text'
  format: AudioFormat
  voice: unknown
  maxOutputTokens: number | 'inf'
  /** `false` for out-of-band responses (`conversation: "none"`). */
  inConversation: boolean
  conversationId: string
  metadata: unknown
  transcription: InputTranscription | undefined
  inputTokens: { text: number; audio: number }
}

type Status = 'completed' | 'cancelled' | 'incomplete' | 'failed'

interface OpenItem {
  stored: StoredItem
  outputIndex: number
  previousItemId: string | null
  text: string
  audio: Uint8Array[]
}

export class ResponseRun {
  readonly id: string
  readonly #host: ResponseHost
  readonly #settings: ResponseSettings
  readonly #abort = new AbortController()
  readonly #output: Record<string, unknown>[] = []
  #open: OpenItem | undefined
  #finished = false
  #truncatedByLimit = false
  #outputText = ''
  #outputAudioMs = 0

  constructor(host: ResponseHost, settings: ResponseSettings) {
    this.#host = host
    this.#settings = settings
    this.id = host.newId('resp')
    host.send({ type: 'response.created', response: this.#response('in_progress', null, null) })
  }

  get finished(): boolean {
    return this.#finished
  }

  /** The id of the item being streamed, if any. */
  get openItemId(): string | undefined {
    return this.#open ? String(this.#open.stored.item.id) : undefined
  }

  /** Streams the response; resolves when it is done (or was cancelled). */
  async run(): Promise<void> {
    const reply = await this.#host.brain.reply(this.#settings.context)
    if (this.#stopped()) return
    this.#settings.transcription?.sendFirstHalf()
    if (reply.type === 'toolCalls') this.#sendToolCalls(reply)
    else if (this.#settings.modality === 'audio') await this.#streamAudio(this.#limit(reply.text))
    else await this.#streamText(this.#limit(reply.text))
    this.finish(this.#truncatedByLimit ? 'incomplete' : 'completed')
  }

  /** `response.cancel` or server-VAD barge-in. */
  cancel(reason: 'client_cancelled' | 'turn_detected'): void {
    this.finish('cancelled', reason)
  }

  /** Closes the open item, then sends `response.done`. Safe to call more than once. */
  finish(status: Status, reason?: string): void {
    if (this.#finished) return
    this.#finished = true
    this.#abort.abort()
    this.#closeItem(status === 'completed' ? 'completed' : 'incomplete')
    this.#settings.transcription?.complete()
    const details =
      status === 'cancelled'
        ? { type: 'cancelled', reason }
        : status === 'incomplete'
          ? { type: 'incomplete', reason: 'max_output_tokens' }
          : null
    this.#host.send({
      type: 'response.done',
      response: this.#response(status, details, this.#usage()),
    })
    this.#host.onFinished(this)
  }

  #stopped(): boolean {
    return this.#finished || !this.#host.open
  }

  #limit(text: string): string {
    const max = this.#settings.maxOutputTokens
    const words = text.split(/\s+/).filter((word) => word !== '')
    if (max === 'inf' || words.length <= max) return text
    this.#truncatedByLimit = true
    return words.slice(0, max).join(' ')
  }

  #sendToolCalls(reply: Extract<BrainReply, { type: 'toolCalls' }>): void {
    for (const call of reply.calls) {
      const args = JSON.stringify(call.args)
      const item = {
        id: this.#host.newId('item'),
        type: 'function_call',
        status: 'in_progress',
        name: call.name,
        call_id: this.#host.newId('call'),
        arguments: '',
      }
      const opened = this.#openItem(item)
      const common = {
        response_id: this.id,
        item_id: item.id,
        output_index: opened.outputIndex,
        call_id: item.call_id,
      }
      for (const delta of args.match(/.{1,6}/gs) ?? []) {
        this.#host.send({ type: 'response.function_call_arguments.delta', ...common, delta })
      }
      this.#host.send({
        type: 'response.function_call_arguments.done',
        ...common,
        name: call.name,
        arguments: args,
      })
      Object.assign(item, { status: 'completed', arguments: args })
      this.#closeItem('completed')
      this.#host.faults.toolCallSent()
      if (!this.#host.open) return
    }
  }

  async #streamAudio(text: string): Promise<void> {
    const { brain, clock } = this.#host
    const opened = this.#openMessage('audio')
    const pcm = await brain.synthesize(text, SPEECH_RATE)
    if (this.#stopped()) return
    const { format } = this.#settings
    const bytesPerMs = (format.rate * (format.type === 'audio/pcm' ? 2 : 1)) / 1000
    const chunks = chunkAudio(encodeSpeech(pcm, format.type), bytesPerMs, brain.timing.audioChunkMs)
    const tokens = splitDeltas(text)
    // The transcript runs ahead of the audio: all of it is out by the middle of the audio.
    const lead = Math.max(1, Math.ceil(chunks.length / 2))
    let sentTokens = 0
    await wait(clock, brain.timing.firstAudioDelayMs, this.#abort.signal)
    for (let k = 0; k < chunks.length; k++) {
      if (this.#stopped()) return
      const due = k + 1 >= lead ? tokens.length : Math.ceil(((k + 1) * tokens.length) / lead)
      for (; sentTokens < due; sentTokens++) {
        opened.text += tokens[sentTokens]
        this.#host.send({
          type: 'response.output_audio_transcript.delta',
          ...this.#part(opened),
          delta: tokens[sentTokens],
        })
      }
      const chunk = chunks[k]!
      opened.audio.push(chunk)
      this.#outputAudioMs += chunk.length / bytesPerMs
      this.#host.onAudio()
      this.#host.send({
        type: 'response.output_audio.delta',
        ...this.#part(opened),
        delta: encodeBase64(chunk),
      })
      this.#host.faults.audioChunkSent()
      if (k === 0) this.#settings.transcription?.sendDeltas()
      if (sentTokens === tokens.length && k < chunks.length - 1)
        this.#settings.transcription?.complete()
      if (k < chunks.length - 1) await wait(clock, brain.timing.chunkIntervalMs, this.#abort.signal)
    }
  }

  async #streamText(text: string): Promise<void> {
    const { brain, clock } = this.#host
    const opened = this.#openMessage('text')
    const tokens = splitDeltas(text)
    await wait(clock, brain.timing.firstAudioDelayMs, this.#abort.signal)
    for (let k = 0; k < tokens.length; k++) {
      if (this.#stopped()) return
      opened.text += tokens[k]
      this.#host.send({
        type: 'response.output_text.delta',
        ...this.#part(opened),
        delta: tokens[k],
      })
      if (k === 0) this.#settings.transcription?.sendDeltas()
      if (k === Math.floor(tokens.length / 2) && k < tokens.length - 1)
        this.#settings.transcription?.complete()
      if (k % 4 === 3) await wait(clock, brain.timing.chunkIntervalMs, this.#abort.signal)
    }
  }

  #openMessage(modality: 'audio' | 'text'): OpenItem {
    const item = {
      id: this.#host.newId('item'),
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    }
    const opened = this.#openItem(item)
    const part =
      modality === 'audio' ? { type: 'audio', transcript: '' } : { type: 'text', text: '' }
    this.#host.send({ type: 'response.content_part.added', ...this.#part(opened), part })
    return opened
  }

  #openItem(item: Record<string, unknown>): OpenItem {
    const stored: StoredItem = { item }
    const previousItemId = this.#settings.inConversation
      ? this.#host.conversation.insert(stored)
      : null
    const opened: OpenItem = {
      stored,
      outputIndex: this.#output.length,
      previousItemId,
      text: '',
      audio: [],
    }
    this.#open = opened
    this.#output.push(item)
    this.#host.send({
      type: 'response.output_item.added',
      response_id: this.id,
      output_index: opened.outputIndex,
      item: structuredClone(item),
    })
    if (this.#settings.inConversation) {
      this.#host.send({
        type: 'conversation.item.added',
        previous_item_id: previousItemId,
        item: structuredClone(item),
      })
    }
    return opened
  }

  /** Sends the closing events of the open item, with what was streamed so far. */
  #closeItem(status: 'completed' | 'incomplete'): void {
    const opened = this.#open
    if (!opened) return
    this.#open = undefined
    const { item } = opened.stored
    item.status = status
    if (item.type === 'message') {
      const audio = this.#settings.modality === 'audio'
      const part = audio
        ? { type: 'audio', transcript: opened.text }
        : { type: 'text', text: opened.text }
      if (audio) {
        this.#host.send({ type: 'response.output_audio.done', ...this.#part(opened) })
        this.#host.send({
          type: 'response.output_audio_transcript.done',
          ...this.#part(opened),
          transcript: opened.text,
        })
        const bytes = new Uint8Array(opened.audio.reduce((sum, chunk) => sum + chunk.length, 0))
        let offset = 0
        for (const chunk of opened.audio) {
          bytes.set(chunk, offset)
          offset += chunk.length
        }
        opened.stored.audio = { bytes, format: this.#settings.format }
      } else {
        this.#host.send({
          type: 'response.output_text.done',
          ...this.#part(opened),
          text: opened.text,
        })
      }
      this.#outputText += opened.text
      this.#host.send({ type: 'response.content_part.done', ...this.#part(opened), part })
      // Items carry GA content types; only the content_part events keep the old `audio` name.
      item.content = [
        audio
          ? { type: 'output_audio', transcript: opened.text }
          : { type: 'output_text', text: opened.text },
      ]
    }
    if (this.#settings.inConversation) {
      this.#host.send({
        type: 'conversation.item.done',
        previous_item_id: opened.previousItemId,
        item: structuredClone(item),
      })
    }
    this.#host.send({
      type: 'response.output_item.done',
      response_id: this.id,
      output_index: opened.outputIndex,
      item: structuredClone(item),
    })
  }

  #part(opened: OpenItem): Record<string, unknown> {
    return {
      response_id: this.id,
      item_id: opened.stored.item.id,
      output_index: opened.outputIndex,
      content_index: 0,
    }
  }

  #response(status: string, details: unknown, usage: unknown): Record<string, unknown> {
    const settings = this.#settings
    return {
      object: 'realtime.response',
      id: this.id,
      status,
      status_details: details,
      output: structuredClone(this.#output),
      conversation_id: settings.inConversation ? settings.conversationId : null,
      output_modalities: [settings.modality],
      max_output_tokens: settings.maxOutputTokens,
      audio: { output: { format: formatJson(settings.format), voice: settings.voice } },
      usage,
      metadata: settings.metadata ?? null,
    }
  }

  /** Deterministic token counts: ~4 characters per text token, ~20 audio tokens per second. */
  #usage(): Record<string, unknown> {
    const input = this.#settings.inputTokens
    const outputText = Math.ceil(this.#outputText.length / 4)
    const outputAudio = Math.ceil(this.#outputAudioMs / 50)
    const inputTotal = input.text + input.audio
    return {
      total_tokens: inputTotal + outputText + outputAudio,
      input_tokens: inputTotal,
      output_tokens: outputText + outputAudio,
      input_token_details: {
        text_tokens: input.text,
        audio_tokens: input.audio,
        image_tokens: 0,
        cached_tokens: 0,
        cached_tokens_details: { text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
      },
      output_token_details: { text_tokens: outputText, audio_tokens: outputAudio },
    }
  }
}

/** A format as the service writes it: PCM carries its rate, G.711 does not. */
export function formatJson(format: AudioFormat): Record<string, unknown> {
  return format.type === 'audio/pcm'
    ? { type: format.type, rate: format.rate }
    : { type: format.type }
}
