import type { MockBrain } from '../brain'
import { reportBrainFailure, type MockClock } from '../clock'
import { encodeSpeech } from '../audio-out'
import type { IncomingFrame, MockWire } from '../connection'
import type { ServerContext } from '../context'
import type { FaultController, FaultTarget, MockCloseSpec } from '../faults'
import { isRecord, openaiKind } from '../log'
import { IdFactory } from '../random'
import { videoLimits } from '../video/limits'
import type { Conversation } from './conversation'
import { OPENAI_CLOSE, OpenAIRequestError, brainFailedError, openaiErrors } from './errors'
import { ItemHandlers } from './items'
import { ResponseRun, type ResponseHost } from './response'
import { responseSettings } from './response-settings'
import { SpeechInput, type SpeechHost } from './speech'
import {
  defaultSession,
  formatOf,
  mergeSession,
  validateSessionUpdate,
  type AudioFormat,
  type SessionObject,
} from './session-config'
import type { InputTranscription } from './transcription'

/** Client event types the GA service accepts on a WebSocket (from its own `invalid_value` error). */
const CLIENT_EVENTS = [
  'session.update',
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.truncate',
  'conversation.item.delete',
  'conversation.item.retrieve',
  'response.create',
  'response.cancel',
  'session.close',
]

/**
 * A WebRTC call's audio path (`webrtc/rtp-audio.ts`), as the session drives it. It reports the
 * output buffer itself (`output_audio_buffer.started` / `stopped`) through the `send` it is
 * created with.
 */
export interface OpenAIMediaPath {
  /** Queues response audio (wire bytes in `format`) for the call's outgoing track. */
  write(responseId: string, itemId: string, chunk: Uint8Array, format: AudioFormat): void
  /** The response writes no more: `stopped` follows once its audio has played out. */
  end(responseId: string): void
  /** Drops what is queued; what was playing and how much of it played, or `undefined` when idle. */
  clear(): { responseId: string; itemId: string; playedMs: number } | undefined
  close(): void
}

export interface OpenAISessionOptions {
  /** WebRTC: audio travels as RTP through this path instead of base64 events. */
  media?: (send: (event: Record<string, unknown>) => void) => OpenAIMediaPath
  /** An accepted session config to start from (the `session` part of a WebRTC call). */
  session?: Record<string, unknown>
}

/**
 * One OpenAI Realtime GA session over a WebSocket or a WebRTC call's data channel:
 * `session.created` on connect, then every client event handled in arrival order. Errors are
 * `error` events that leave the session open.
 */
export class OpenAISession implements ResponseHost, FaultTarget {
  readonly conversation: Conversation
  readonly #conn: MockWire
  readonly #media: OpenAIMediaPath | undefined
  #lastResponseId: string | null = null
  readonly #context: ServerContext
  readonly #ids: IdFactory
  readonly #items: ItemHandlers
  readonly #speech: SpeechInput
  readonly #conversationId: string
  #lifetimeTimer: unknown
  #pingTimer: unknown
  #session: SessionObject
  #active: ResponseRun | undefined
  #audioProduced = false
  #spokenTurns = 0

  constructor(
    conn: MockWire,
    context: ServerContext,
    model: string,
    seed: number,
    options: OpenAISessionOptions = {},
  ) {
    this.#conn = conn
    this.#context = context
    this.#ids = new IdFactory(seed)
    this.#items = new ItemHandlers(this, videoLimits(context.options))
    this.conversation = this.#items.conversation
    const speech: SpeechHost = {
      send: (event) => this.send(event),
      newId: (prefix) => this.newId(prefix),
      items: this.#items,
      session: () => this.#session,
      activeResponse: () => this.#active,
      respond: (transcription) => this.#createResponse(undefined, transcription),
      bargeIn: () => this.#clearOutput(false),
    }
    this.#speech = new SpeechInput(speech)
    this.#conversationId = this.newId('conv')
    // The service's sessions last 60 minutes; `connectionLifetimeMs` is how long the mock's do.
    const lifetimeMs = context.options.connectionLifetimeMs ?? 3_600_000
    this.#session = defaultSession({
      id: this.newId('sess'),
      model,
      expiresAt: Math.floor((context.clock.now() + lifetimeMs) / 1000),
    })
    if (options.session !== undefined) this.#session = mergeSession(this.#session, options.session)
    this.#media = options.media?.((event) => this.send(event))
    this.#applySession()
    conn.faults.attach(this)
    conn.onMessage((frame) => this.#receive(frame))
    conn.onClose(() => this.#closed())
    this.send({ type: 'session.created', session: this.#session })
    this.#startTimers()
  }

  get clock(): MockClock {
    return this.#context.clock
  }

  get brain(): MockBrain {
    return this.#context.brain
  }

  get faults(): FaultController {
    return this.#conn.faults
  }

  get open(): boolean {
    return this.#conn.open
  }

  /** Sends a server event with a fresh `event_id` (type first, as the service writes it). */
  send(event: Record<string, unknown>): void {
    const { type, ...rest } = event
    this.#conn.send({ type, event_id: this.newId('event'), ...rest })
  }

  newId(prefix: string): string {
    return this.#ids.openai(prefix)
  }

  onAudio(): void {
    this.#audioProduced = true
  }

  /** WebRTC: response audio goes to the RTP track (no `response.output_audio.delta`). */
  get audioOut(): OpenAIMediaPath['write'] | undefined {
    const media = this.#media
    return media === undefined ? undefined : (...args) => media.write(...args)
  }

  /** WebRTC: the microphone track's audio, as 24 kHz PCM16, into the input buffer and its VAD. */
  appendInputAudio(pcm: Int16Array): void {
    const format = formatOf(this.#session.audio.input.format)
    this.#speech.appendBytes(encodeSpeech(pcm, format.type))
  }

  onFinished(response: ResponseRun): void {
    this.#media?.end(response.id)
    if (this.#active === response) this.#active = undefined
    if (this.#context.options.openai?.rateLimits === false) return
    const usedTokens = 1500 + Math.floor(this.#ids.next() * 500)
    this.send({
      type: 'rate_limits.updated',
      rate_limits: [
        { name: 'requests', limit: 5000, remaining: 4999, reset_seconds: 0.012 },
        { name: 'tokens', limit: 40000, remaining: 40000 - usedTokens, reset_seconds: 2.25 },
      ],
    })
  }

  /** The response streaming now, if any (item handlers cancel it before truncating its item). */
  get activeResponse(): ResponseRun | undefined {
    return this.#active
  }

  /** Helpers for {@link ItemHandlers}: transcribe a spoken item and remember what was heard. */
  transcribe(pcm: Int16Array, sampleRate: number): string | Promise<string> {
    return this.brain.transcribe({ pcm, sampleRate, turn: this.#spokenTurns++ })
  }

  get transcriptionEnabled(): boolean {
    return isRecord(this.#session.audio.input.transcription)
  }

  /** A pluggable brain threw: reported on the console and to the client as a `server_error`. */
  brainFailed(error: unknown): void {
    reportBrainFailure(error)
    this.#sendError(brainFailedError(error), null)
  }

  // --- FaultTarget ---------------------------------------------------------------------------

  sendMalformed(): void {
    this.#conn.sendRaw('{"type":"response.output_audio.delta","delta":', '<malformed>')
  }

  sendOversize(bytes: number): void {
    this.send({
      type: 'response.output_audio.delta',
      response_id: this.newId('resp'),
      item_id: this.newId('item'),
      output_index: 0,
      content_index: 0,
      delta: 'A'.repeat(Math.max(4, bytes - (bytes % 4))),
    })
  }

  sendServerError(message: string | undefined): void {
    this.#sendError(openaiErrors.serverError(message), null)
  }

  sendGoAway(): void {
    // OpenAI has no go-away message: its sessions just end (see `connectionLifetimeMs`).
  }

  drop(close: MockCloseSpec | undefined): void {
    this.#conn.drop(close)
  }

  // --- client events -------------------------------------------------------------------------

  #receive(frame: IncomingFrame): void {
    if (frame.binary) {
      this.#conn.logIncoming(frame.text, '<binary>', frame)
      this.#sendError(openaiErrors.binaryFrame(), null)
      return
    }
    let message: unknown
    try {
      message = JSON.parse(frame.text)
    } catch (error) {
      this.#conn.logIncoming(frame.text, '<malformed>', frame)
      this.#sendError(openaiErrors.invalidJson(String((error as Error).message)), null)
      return
    }
    this.#conn.logIncoming(message, openaiKind(message), frame)
    const eventId =
      isRecord(message) && typeof message.event_id === 'string' ? message.event_id : null
    try {
      this.#dispatch(message)
    } catch (error) {
      // Anything else is a bug in the mock itself, left to surface (the fuzz tests watch for it):
      // a failing brain is caught where the brain is called, and reported as a server error.
      if (!(error instanceof OpenAIRequestError)) throw error
      this.#sendError(error, eventId)
    }
  }

  /** An `error` event; `error.event_id` names the client event that caused it, if any. */
  #sendError(error: OpenAIRequestError, eventId: string | null): void {
    this.send({ type: 'error', error: { ...error.body, event_id: eventId } })
  }

  #dispatch(message: unknown): void {
    if (!isRecord(message)) throw openaiErrors.invalidType('event', 'an object', message)
    const type = message.type
    if (type === undefined) throw openaiErrors.missing('type')
    switch (type) {
      case 'session.update':
        return this.#updateSession(message.session)
      case 'input_audio_buffer.append':
        return this.#speech.append(message.audio)
      case 'input_audio_buffer.commit':
        return this.#speech.commit()
      case 'input_audio_buffer.clear':
        return this.#speech.clear()
      case 'conversation.item.create':
        return this.#items.create(message)
      case 'conversation.item.delete':
        return this.#items.delete(message)
      case 'conversation.item.retrieve':
        return this.#items.retrieve(message)
      case 'conversation.item.truncate':
        return this.#items.truncate(message)
      case 'response.create':
        return this.#createResponse(message.response, undefined)
      case 'response.cancel':
        if (!this.#active) throw openaiErrors.noActiveResponse()
        if (typeof message.response_id === 'string' && message.response_id !== this.#active.id) {
          throw openaiErrors.noActiveResponse()
        }
        return this.#active.cancel('client_cancelled')
      case 'session.close':
        return this.#conn.close(1000, '')
      case 'output_audio_buffer.clear':
        if (this.#media === undefined) throw openaiErrors.invalidValue('type', type, CLIENT_EVENTS)
        return this.#clearOutput(true)
      default:
        throw openaiErrors.invalidValue('type', type, CLIENT_EVENTS)
    }
  }

  #updateSession(update: unknown): void {
    const problem = validateSessionUpdate(update)
    if (problem) throw problem
    const session = update as Record<string, unknown>
    const output =
      isRecord(session.audio) && isRecord(session.audio.output) ? session.audio.output : {}
    const voice = output.voice
    if (
      this.#audioProduced &&
      voice !== undefined &&
      JSON.stringify(voice) !== JSON.stringify(this.#session.audio.output.voice)
    ) {
      throw openaiErrors.cannotUpdateVoice()
    }
    this.#session = mergeSession(this.#session, session)
    this.#applySession()
    this.send({ type: 'session.updated', session: this.#session })
  }

  #applySession(): void {
    this.#speech.configure(this.#session)
  }

  #createResponse(params: unknown, transcription: InputTranscription | undefined): void {
    if (this.#active) throw openaiErrors.activeResponse(this.#active.id)
    const settings = responseSettings({
      params,
      session: this.#session,
      conversation: this.conversation,
      conversationId: this.#conversationId,
      inputAudioMs: this.#speech.committedMs,
    })
    const run = new ResponseRun(this, { ...settings, transcription })
    this.#active = run
    this.#lastResponseId = run.id
    run.run().catch((error: unknown) => {
      this.brainFailed(error)
      run.finish('failed')
    })
  }

  /**
   * Empties the WebRTC output buffer (a client `output_audio_buffer.clear`, or barge-in by the
   * server VAD), truncates the item that was cut to what was played — the server knows — and
   * reports `output_audio_buffer.cleared`. A barge-in while nothing plays reports nothing.
   */
  #clearOutput(always: boolean): void {
    const cut = this.#media?.clear()
    if (cut === undefined && !always) return
    if (cut !== undefined) {
      try {
        this.conversation.truncate(cut.itemId, 0, Math.floor(cut.playedMs))
      } catch {
        // Not (yet) an audio item of the conversation (out-of-band, or still streaming).
      }
    }
    this.send({
      type: 'output_audio_buffer.cleared',
      response_id: cut?.responseId ?? this.#lastResponseId,
    })
  }

  #startTimers(): void {
    const { clock, options } = this.#context
    const lifetime = options.connectionLifetimeMs
    if (lifetime !== undefined) {
      this.#lifetimeTimer = clock.setTimeout(() => {
        const error = openaiErrors.sessionExpired(Math.max(1, Math.round(lifetime / 60_000)))
        this.#sendError(error, null)
        this.#conn.close(OPENAI_CLOSE.expired, error.message)
      }, lifetime)
    }
    const interval = options.pingIntervalMs ?? 20_000
    if (interval > 0) {
      const ping = (): void => {
        this.#conn.ping()
        this.#pingTimer = clock.setTimeout(ping, interval)
      }
      this.#pingTimer = clock.setTimeout(ping, interval)
    }
  }

  #closed(): void {
    const { clock } = this.#context
    if (this.#lifetimeTimer !== undefined) clock.clearTimeout(this.#lifetimeTimer)
    if (this.#pingTimer !== undefined) clock.clearTimeout(this.#pingTimer)
    this.#active?.cancel('client_cancelled')
    this.#media?.close()
  }
}
