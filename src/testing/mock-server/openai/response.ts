import { chunkAudio, encodeSpeech, SPEECH_RATE } from '../audio-out'
import type { BrainContext, BrainReply, MockBrain } from '../brain'
import { wait, type MockClock } from '../clock'
import type { FaultController } from '../faults'
import type { Conversation } from './conversation'
import { OutputItem, type OutputHost } from './output-item'
import type { AudioFormat } from './session-config'
import { responseObject, usageObject } from './response-shape'
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
  /** WebRTC: where audio goes instead of delta events (see `OutputHost.audioOut`). */
  readonly audioOut?:
    | ((responseId: string, itemId: string, chunk: Uint8Array, format: AudioFormat) => void)
    | undefined
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

export class ResponseRun {
  readonly id: string
  readonly #host: ResponseHost
  readonly #settings: ResponseSettings
  readonly #abort = new AbortController()
  readonly #output: Record<string, unknown>[] = []
  #current: OutputItem | undefined
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
    return this.#current?.id
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
    this.#close(status === 'completed' ? 'completed' : 'incomplete')
    this.#settings.transcription?.complete()
    const details =
      status === 'cancelled'
        ? { type: 'cancelled', reason }
        : status === 'incomplete'
          ? { type: 'incomplete', reason: 'max_output_tokens' }
          : status === 'failed'
            ? { type: 'failed', error: { type: 'server_error', code: null } }
            : null
    this.#host.send({
      type: 'response.done',
      response: this.#response(
        status,
        details,
        usageObject(this.#settings.inputTokens, this.#outputText, this.#outputAudioMs),
      ),
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
      const item = this.#open({
        id: this.#host.newId('item'),
        type: 'function_call',
        status: 'in_progress',
        name: call.name,
        call_id: this.#host.newId('call'),
        arguments: '',
      })
      const common = {
        response_id: this.id,
        item_id: item.id,
        output_index: item.outputIndex,
        call_id: item.stored.item.call_id,
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
      Object.assign(item.stored.item, { status: 'completed', arguments: args })
      this.#close('completed')
      this.#host.faults.toolCallSent()
      if (!this.#host.open) return
    }
  }

  async #streamAudio(text: string): Promise<void> {
    const { brain, clock } = this.#host
    const item = this.#openMessage('audio')
    const pcm = await brain.synthesize(text, SPEECH_RATE)
    if (this.#stopped()) return
    const { format } = this.#settings
    const bytesPerMs = (format.rate * (format.type === 'audio/pcm' ? 2 : 1)) / 1000
    const chunks = chunkAudio(encodeSpeech(pcm, format.type), bytesPerMs, brain.timing.audioChunkMs)
    const tokens = splitDeltas(text)
    // The transcript runs ahead of the audio: all of it is out by the middle of the audio.
    const lead = Math.max(1, Math.ceil(chunks.length / 2))
    let sent = 0
    await wait(clock, brain.timing.firstAudioDelayMs, this.#abort.signal)
    for (let k = 0; k < chunks.length; k++) {
      if (this.#stopped()) return
      const due = k + 1 >= lead ? tokens.length : Math.ceil(((k + 1) * tokens.length) / lead)
      for (; sent < due; sent++)
        item.sendText('response.output_audio_transcript.delta', tokens[sent]!)
      const chunk = chunks[k]!
      this.#outputAudioMs += chunk.length / bytesPerMs
      this.#host.onAudio()
      item.sendAudio(chunk)
      this.#host.faults.audioChunkSent(k + 1)
      const last = k === chunks.length - 1
      if (k === 0) this.#settings.transcription?.sendDeltas()
      if (sent === tokens.length && !last) this.#settings.transcription?.complete()
      if (!last) await wait(clock, brain.timing.chunkIntervalMs, this.#abort.signal)
    }
  }

  async #streamText(text: string): Promise<void> {
    const { brain, clock } = this.#host
    const item = this.#openMessage('text')
    const tokens = splitDeltas(text)
    await wait(clock, brain.timing.firstAudioDelayMs, this.#abort.signal)
    for (let k = 0; k < tokens.length; k++) {
      if (this.#stopped()) return
      item.sendText('response.output_text.delta', tokens[k]!)
      const last = k === tokens.length - 1
      if (k === 0) this.#settings.transcription?.sendDeltas()
      if (k === Math.floor(tokens.length / 2) && !last) this.#settings.transcription?.complete()
      if (k % 4 === 3) await wait(clock, brain.timing.chunkIntervalMs, this.#abort.signal)
    }
  }

  #openMessage(modality: 'audio' | 'text'): OutputItem {
    const item = {
      id: this.#host.newId('item'),
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    }
    return this.#open(item, modality)
  }

  #open(item: Record<string, unknown>, modality?: 'audio' | 'text'): OutputItem {
    const host: OutputHost = {
      send: (event) => this.#host.send(event),
      conversation: this.#host.conversation,
      responseId: this.id,
      inConversation: this.#settings.inConversation,
      format: this.#settings.format,
      audioOut:
        this.#host.audioOut === undefined
          ? undefined
          : (itemId, chunk) => this.#host.audioOut?.(this.id, itemId, chunk, this.#settings.format),
    }
    const opened = new OutputItem(host, item, this.#output.length, modality)
    this.#output.push(item)
    this.#current = opened
    return opened
  }

  /** Sends the closing events of the item being streamed, if any. */
  #close(status: 'completed' | 'incomplete'): void {
    const item = this.#current
    if (!item) return
    this.#current = undefined
    item.close(status)
    this.#outputText += item.text
  }

  #response(status: string, details: unknown, usage: unknown): Record<string, unknown> {
    const settings = this.#settings
    return responseObject({ id: this.id, status, details, usage, output: this.#output, settings })
  }
}
