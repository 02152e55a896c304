import { RealtimeError } from '../../errors'
import type { ServerEvent, Usage } from '../../events'
import { optional } from '../optional'
import { PcmAligner } from '../pcm-aligner'
import type { GeminiServerContent, GeminiServerMessage } from './protocol-server'

interface ResponseState {
  responseId: string
  itemId: string
  itemAnnounced: boolean
  /** The turn's first transcript item (answer or tool call): a late user item goes before it. */
  firstItemId?: string
  text: string
  transcript: string
  audio: boolean
  interrupted: boolean
  streamsDone: boolean
  transcriptDone: boolean
}

interface InputState {
  itemId: string
  transcript: string
}

/**
 * Turns validated Gemini messages into unified events. Gemini has no response or item ids, so
 * this keeps the turn state and makes them up, consistently:
 *
 * - `response.started` on the first model part, output transcription or tool call of a turn (the
 *   Rust crate never signalled generation on Gemini, defect 8.9); an assistant `item.added` when
 *   the turn first carries speech or text.
 * - `interrupted` on barge-in; the turn then ends `cancelled`.
 * - `generationComplete` (or `turnComplete`, whichever comes first) closes audio and text with
 *   `audio.done` / `text.done`; `transcript.done` follows at `turnComplete`.
 * - `turnComplete` → `response.done` (a turn with no content still gets a started/done pair, so
 *   the runner sees every turn end), with the `usageMetadata` of the same frame.
 * - User transcription streams into one user item per turn, closed by `inputTranscript.done` at
 *   `turnComplete` (transcriptions are not ordered relative to the model's output). A user item
 *   that opens once the turn's answer has begun says so (`beforeItemId`), so the transcript puts
 *   the words before their answer. A barge-in (`interrupted`, or the user starting to speak while
 *   the model answers) closes the open item: the new speech is a new message. That one stays open
 *   across the interrupted turn's `turnComplete` (the user is still speaking), closed at the next
 *   uninterrupted one.
 * - Every function call of a `toolCall` becomes its own `tool.call` (the crate kept only the
 *   first, defect 8.5); a call without an id gets a synthetic one, reported by `isSyntheticCallId`
 *   so the reply can omit it again.
 * - `thought` parts are not speech or answer text: they become `raw` events; so do documented
 *   fields we do not translate. A top-level field outside the protocol becomes `raw` plus a
 *   `protocol_error` event.
 *
 * @example
 * const tracker = new GeminiTurnTracker('session-1')
 * tracker.apply(readGeminiMessage({ serverContent: { modelTurn: { parts: [{ text: 'Hi' }] } } }))
 * // [response.started, item.added, text.delta]
 */
export class GeminiTurnTracker {
  readonly #prefix: string
  readonly #aligner = new PcmAligner()
  readonly #syntheticCallIds = new Set<string>()
  #turns = 0
  #inputs = 0
  #calls = 0
  #response: ResponseState | undefined
  #input: InputState | undefined

  constructor(idPrefix: string) {
    this.#prefix = idPrefix
  }

  isSyntheticCallId(callId: string): boolean {
    return this.#syntheticCallIds.has(callId)
  }

  apply(message: GeminiServerMessage): ServerEvent[] {
    const events: ServerEvent[] = []
    if (message.voiceActivity === 'start') {
      events.push({ type: 'speech.started' })
      if (this.#response !== undefined) this.#closeInput(events)
    }
    if (message.voiceActivity === 'end') events.push({ type: 'speech.stopped' })
    let usage = message.usage
    if (message.serverContent !== undefined) {
      const consumed = this.#content(message.serverContent, usage, events)
      if (consumed) usage = undefined
    }
    for (const call of message.toolCalls ?? []) {
      const response = this.#ensureResponse(events)
      let callId = call.id
      if (callId === undefined) {
        callId = `${this.#prefix}-call-${++this.#calls}`
        this.#syntheticCallIds.add(callId)
      }
      response.firstItemId ??= callId
      events.push({
        type: 'tool.call',
        callId,
        name: call.name,
        arguments: JSON.stringify(call.args ?? {}),
        responseId: response.responseId,
      })
    }
    if (message.toolCallCancellation !== undefined) {
      events.push({ type: 'tool.cancelled', callIds: message.toolCallCancellation })
    }
    if (message.resumption !== undefined) {
      const { resumable, newHandle, lastConsumedClientMessageIndex } = message.resumption
      // Only a resumable update carries a usable handle; `resumable:false` comes while the model
      // is generating or running tools, and resuming then would lose data.
      events.push({
        type: 'resumption.update',
        resumable,
        ...optional(
          'handle',
          resumable && newHandle !== undefined && newHandle !== '' ? newHandle : undefined,
        ),
        // Passed on whatever `resumable` says: it tells what a transparent resume must resend.
        ...optional('lastConsumedClientMessageIndex', lastConsumedClientMessageIndex),
      })
    }
    if (message.goAwayMs !== undefined)
      events.push({ type: 'goAway', timeLeftMs: message.goAwayMs })
    if (usage !== undefined) events.push({ type: 'usage', usage })
    for (const [key, value] of message.other) {
      events.push({ type: 'raw', provider: 'gemini', frameType: key, data: value })
    }
    for (const [key, value] of message.unknown) {
      // Outside the Live protocol: pass it on, and say so, since it may be schema drift.
      events.push({ type: 'raw', provider: 'gemini', frameType: key, data: value })
      const error = new RealtimeError(
        'protocol_error',
        `Unknown Gemini message field "${key}"; passed on as a raw event`,
      )
      events.push({ type: 'error', error, frameType: key })
    }
    return events
  }

  /** Returns whether `usage` went into a `response.done`. */
  #content(content: GeminiServerContent, usage: Usage | undefined, events: ServerEvent[]): boolean {
    // First, so barge-in speech in the same message already starts the new user item.
    if (content.interrupted) {
      if (this.#response !== undefined) this.#response.interrupted = true
      events.push({ type: 'interrupted', ...optional('responseId', this.#response?.responseId) })
      this.#closeInput(events)
    }
    if (content.inputTranscription !== undefined && content.inputTranscription !== '') {
      if (this.#input === undefined) {
        this.#input = { itemId: `${this.#prefix}-in-${++this.#inputs}`, transcript: '' }
        const answer =
          this.#response?.interrupted === false ? this.#response.firstItemId : undefined
        events.push({
          type: 'item.added',
          itemId: this.#input.itemId,
          kind: 'message',
          role: 'user',
          ...optional('beforeItemId', answer),
        })
      }
      this.#input.transcript += content.inputTranscription
      events.push({
        type: 'inputTranscript.delta',
        itemId: this.#input.itemId,
        delta: content.inputTranscription,
      })
    }
    for (const part of content.parts) {
      const response = this.#ensureResponse(events)
      if (part.kind === 'text' && part.thought) {
        events.push({ type: 'raw', provider: 'gemini', frameType: 'thought', data: part.text })
      } else if (part.kind === 'text') {
        this.#announceItem(response, events)
        response.text += part.text
        events.push({
          type: 'text.delta',
          responseId: response.responseId,
          itemId: response.itemId,
          delta: part.text,
        })
      } else if (part.kind === 'audio') {
        this.#announceItem(response, events)
        response.audio = true
        const pcm = this.#aligner.align(response.itemId, part.bytes)
        if (pcm.byteLength > 0) {
          events.push({
            type: 'audio.delta',
            responseId: response.responseId,
            itemId: response.itemId,
            pcm,
            sampleRate: part.sampleRate,
          })
        }
      } else {
        events.push({ type: 'raw', provider: 'gemini', frameType: part.key, data: part.value })
      }
    }
    if (content.outputTranscription !== undefined && content.outputTranscription !== '') {
      const response = this.#ensureResponse(events)
      this.#announceItem(response, events)
      response.transcript += content.outputTranscription
      events.push({
        type: 'transcript.delta',
        responseId: response.responseId,
        itemId: response.itemId,
        delta: content.outputTranscription,
      })
    }
    if (content.generationComplete && this.#response !== undefined) {
      this.#finishStreams(this.#response, events)
    }
    for (const [key, value] of content.other) {
      events.push({
        type: 'raw',
        provider: 'gemini',
        frameType: `serverContent.${key}`,
        data: value,
      })
    }
    if (!content.turnComplete) return false
    const response = this.#ensureResponse(events)
    this.#finishStreams(response, events)
    if (!response.transcriptDone && response.transcript !== '') {
      response.transcriptDone = true
      events.push({
        type: 'transcript.done',
        responseId: response.responseId,
        itemId: response.itemId,
        transcript: response.transcript,
      })
    }
    events.push({
      type: 'response.done',
      responseId: response.responseId,
      status: response.interrupted ? 'cancelled' : 'completed',
      ...optional('usage', usage),
    })
    // The user is still speaking when a barge-in ends the turn: splitting the item here would
    // make one utterance two user messages.
    if (!response.interrupted) this.#closeInput(events)
    this.#response = undefined
    return true
  }

  #closeInput(events: ServerEvent[]): void {
    if (this.#input === undefined) return
    const { itemId, transcript } = this.#input
    events.push({ type: 'inputTranscript.done', itemId, transcript })
    this.#input = undefined
  }

  #ensureResponse(events: ServerEvent[]): ResponseState {
    if (this.#response !== undefined) return this.#response
    const turn = ++this.#turns
    this.#response = {
      responseId: `${this.#prefix}-turn-${turn}`,
      itemId: `${this.#prefix}-out-${turn}`,
      itemAnnounced: false,
      text: '',
      transcript: '',
      audio: false,
      interrupted: false,
      streamsDone: false,
      transcriptDone: false,
    }
    events.push({ type: 'response.started', responseId: this.#response.responseId })
    return this.#response
  }

  #announceItem(response: ResponseState, events: ServerEvent[]): void {
    if (response.itemAnnounced) return
    response.itemAnnounced = true
    response.firstItemId ??= response.itemId
    events.push({ type: 'item.added', itemId: response.itemId, kind: 'message', role: 'assistant' })
  }

  /**
   * Audio and text end at `generationComplete`. The transcript waits for `turnComplete`: output
   * transcription trails the audio and can still arrive after `generationComplete`.
   */
  #finishStreams(response: ResponseState, events: ServerEvent[]): void {
    if (response.streamsDone) return
    response.streamsDone = true
    const ids = { responseId: response.responseId, itemId: response.itemId }
    if (response.audio) {
      this.#aligner.end(response.itemId)
      events.push({ type: 'audio.done', ...ids })
    }
    if (response.text !== '') events.push({ type: 'text.done', ...ids, text: response.text })
  }
}
