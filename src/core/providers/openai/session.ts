import type { AudioEncoding, RealtimeConfig } from '../../config'
import { RealtimeError } from '../../errors'
import type { ClientEvent, ResponseOptions, SeedItem, ServerEvent, ToolResult } from '../../events'
import type {
  ContextMutationOutcome,
  DisconnectReason,
  ProviderCapabilities,
  VideoFrameOptions,
} from '../../session'
import type { TransportEvent, WebSocketTransport } from '../../transport/websocket-transport'
import { shortId } from '../ids'
import { PcmAligner } from '../pcm-aligner'
import { SocketSession } from '../socket-session'
import { openAICapabilities } from './capabilities'
import { messageItem, toOpenAIClientEvent } from './protocol-client'
import { toOpenAISessionConfig } from './protocol-config'
import { toOpenAISessionDelta } from './protocol-delta'
import { describeOpenAIClose } from './protocol-errors'
import { parseOpenAIServerFrame } from './protocol-server'
import type { OpenAIServerContext } from './protocol-server'
import type { OpenAIClientEvent, OpenAISessionConfig } from './wire-types'

/** How many sent `event_id`s are remembered for error correlation. */
const REMEMBERED_EVENT_IDS = 512
/** How many items' received-audio durations are remembered for truncation clamping. */
const REMEMBERED_ITEMS = 64
/** How many image items are remembered until the server echoes them. */
const REMEMBERED_IMAGES = 64

interface PendingUpdate {
  eventId: string
  initial: boolean
  resolve: (session: unknown) => void
  reject: (error: RealtimeError) => void
  timer: ReturnType<typeof setTimeout>
}

export interface OpenAISessionOptions {
  /** How long a `session.update` may wait for `session.updated`. */
  ackTimeoutMs: number
}

/**
 * One OpenAI Realtime GA WebSocket connection. Created by `OpenAIRealtimeModel.connect`, which
 * resolves only after the server acknowledged the first `session.update`.
 *
 * Every client message except `input_audio_buffer.append` (50 per second, and never answered)
 * carries an `event_id`; an `error` event naming one is reported with `clientEventId` and with
 * `frameType` set to the client message's type (e.g. `response.create`), so the runner can tell
 * which request was refused. Errors answering a `mutateContext` update reject that call instead
 * of appearing as events, so a refusal is reported once.
 */
export class OpenAIRealtimeSession extends SocketSession {
  readonly provider = 'openai'
  #applied: RealtimeConfig
  #capabilities: ProviderCapabilities
  readonly #aligner = new PcmAligner()
  /** Built once, not per frame: it is read on every audio delta. `#apply` keeps it current. */
  readonly #frameContext: OpenAIServerContext
  readonly #eventPrefix = `adk_${shortId()}`
  #eventCounter = 0
  #images = 0
  readonly #sentTypes = new Map<string, string>()
  readonly #pendingUpdates: PendingUpdate[] = []
  readonly #receivedMs = new Map<string, number>()
  readonly #options: OpenAISessionOptions
  #updateChain: Promise<unknown> = Promise.resolve()
  #ready = false
  /** Items this session created to re-seed earlier conversation (`initialize`). */
  readonly #seedIds = new Set<string>()
  /** Image items (video frames) whose echo has not arrived yet. */
  readonly #imageIds = new Set<string>()
  #providerSessionId: string | undefined
  /**
   * The `error` of the latest frame, if that frame was an error: the one a server close can be
   * explained by (see `describeClose`). Any other frame clears it.
   */
  #lastError: RealtimeError | undefined

  /** @internal Use `OpenAIRealtimeModel.connect`. */
  constructor(
    transport: WebSocketTransport,
    config: RealtimeConfig,
    options: OpenAISessionOptions,
  ) {
    super(transport)
    this.#applied = config
    this.#capabilities = openAICapabilities(config.inputAudioFormat, config.outputAudioFormat)
    this.#options = options
    this.#frameContext = {
      outputFormat: config.outputAudioFormat ?? 'pcm16',
      aligner: this.#aligner,
      clientEventType: (eventId) => this.#sentTypes.get(eventId),
    }
    this.start()
  }

  /** Reflects the negotiated formats: 8 kHz when G.711 is in use, 24 kHz otherwise. */
  get capabilities(): ProviderCapabilities {
    return this.#capabilities
  }

  /** The server's session id (`sess_…`), once known. */
  get providerSessionId(): string | undefined {
    return this.#providerSessionId
  }

  /**
   * @internal Sends the full config and waits for `session.updated`, then seeds items.
   * Rejects with `invalid_config` when the server refuses the config.
   */
  async initialize(seedItems: readonly SeedItem[] = []): Promise<void> {
    await this.whenOpen()
    await this.#update(toOpenAISessionConfig(this.#applied), true)
    for (const item of seedItems) {
      // Our own item ids, so the server's echo can be told apart from new conversation.
      const id = `${this.#eventPrefix}_seed_${this.#seedIds.size + 1}`
      this.#seedIds.add(id)
      this.#send({
        type: 'conversation.item.create',
        item: { ...messageItem(item.role, item.text), id },
      })
    }
  }

  sendAudio(pcm: Uint8Array): void {
    this.sendEvent({ type: 'audio.append', pcm })
  }

  /**
   * A user item holding the frame as an `input_image`. It carries our own id, so its echo
   * (`conversation.item.added`) is passed on as a `raw` event and never becomes an empty user
   * message in the transcript.
   */
  sendVideoFrame(frame: Uint8Array, options: VideoFrameOptions): void {
    this.sendEvent({ type: 'video.frame', frame, mimeType: options.mimeType })
  }

  /** Adds a user message and asks for a response. */
  sendText(text: string): void {
    this.sendEvent({ type: 'text', text, role: 'user' })
    this.sendEvent({ type: 'response.create' })
  }

  sendToolResult(result: ToolResult): void {
    this.sendEvent({ type: 'tool.result', result })
  }

  commitAudio(): void {
    this.sendEvent({ type: 'audio.commit' })
  }

  clearAudio(): void {
    this.sendEvent({ type: 'audio.clear' })
  }

  createResponse(options?: ResponseOptions): void {
    this.sendEvent(
      options === undefined ? { type: 'response.create' } : { type: 'response.create', options },
    )
  }

  interrupt(): void {
    this.sendEvent({ type: 'response.cancel' })
  }

  /** `playedMs` is clamped to the audio this session actually received for the item. */
  truncate(itemId: string, playedMs: number, contentIndex = 0): void {
    const received = this.#receivedMs.get(itemId)
    const audioEndMs = received === undefined ? playedMs : Math.min(playedMs, received)
    this.sendEvent({ type: 'item.truncate', itemId, audioEndMs, contentIndex })
  }

  sendEvent(event: ClientEvent): void {
    if (event.type === 'raw') {
      if (!this.isConnected())
        throw new RealtimeError('not_connected', 'The openai session is closed')
      this.transport.send(typeof event.data === 'string' ? event.data : JSON.stringify(event.data))
      return
    }
    if (event.type === 'session.update') {
      throw new RealtimeError(
        'unsupported',
        'session.update is a runner intent: call runner.updateSession() or session.mutateContext()',
      )
    }
    const message = toOpenAIClientEvent(event, {
      inputFormat: this.#applied.inputAudioFormat ?? 'pcm16',
    })
    if (event.type === 'video.frame' && message.type === 'conversation.item.create') {
      const id = `${this.#eventPrefix}_img_${++this.#images}`
      message.item.id = id
      this.#imageIds.add(id)
      if (this.#imageIds.size > REMEMBERED_IMAGES) {
        this.#imageIds.delete(this.#imageIds.values().next().value as string)
      }
    }
    this.#send(message)
  }

  /** Sends only the changed fields (always with `session.type`) and waits for the server. */
  mutateContext(config: RealtimeConfig): Promise<ContextMutationOutcome> {
    const run = this.#updateChain.then(async (): Promise<ContextMutationOutcome> => {
      const delta = toOpenAISessionDelta(this.#applied, config)
      if (delta !== undefined) await this.#update(delta, false)
      this.#apply(config)
      return { kind: 'applied' }
    })
    this.#updateChain = run.catch(() => undefined)
    return run
  }

  protected handleFrame(data: string | Uint8Array): void {
    const events = parseOpenAIServerFrame(data, this.#frameContext)
    // A fatal error is the server's last frame before it closes (3000, 4000). Once any other
    // frame follows, the error was not fatal, and must not be blamed for a later close.
    this.#lastError = undefined
    for (const event of events) this.#route(event)
  }

  protected handleOversize(event: Extract<TransportEvent, { type: 'oversize' }>): void {
    // Too large to read, but the server went on sending: an earlier error was not fatal.
    this.#lastError = undefined
    const type = /"type"\s*:\s*"([^"]{1,100})"/.exec(event.head)?.[1] ?? 'unknown'
    this.emit(this.frameTooLarge(event, type))
  }

  /**
   * The remembered error explains only a close the server sent right after it: a network drop
   * (1006, no close frame) or our own close was not the server's answer to it.
   */
  protected describeClose(reason: DisconnectReason): DisconnectReason {
    return describeOpenAIClose(
      reason,
      reason.initiatedBy === 'server' ? this.#lastError : undefined,
    )
  }

  protected override onClosed(reason: DisconnectReason): void {
    const error =
      reason.error ??
      new RealtimeError('session_closed', 'The OpenAI session closed before answering')
    for (const pending of this.#pendingUpdates.splice(0)) {
      clearTimeout(pending.timer)
      pending.reject(error)
    }
  }

  #route(event: ServerEvent): void {
    if (event.type === 'item.added' && this.#seedIds.has(event.itemId)) {
      this.emit({ ...event, seeded: true })
      return
    }
    if (event.type === 'item.added' && this.#imageIds.delete(event.itemId)) {
      this.emit({
        type: 'raw',
        provider: 'openai',
        frameType: 'conversation.item.added',
        data: event,
      })
      return
    }
    if (event.type === 'raw' && event.frameType === 'session.created') {
      const id = (event.data as { session?: { id?: unknown } }).session?.id
      if (typeof id === 'string') this.#providerSessionId = id
    } else if (event.type === 'session.updated') {
      const pending = this.#pendingUpdates.shift()
      if (pending !== undefined) {
        clearTimeout(pending.timer)
        pending.resolve(event.session)
      }
      if (!this.#ready) {
        this.#ready = true
        const id = (event.session as { id?: unknown } | undefined)?.id
        if (typeof id === 'string') this.#providerSessionId = id
        this.emit({
          type: 'session.ready',
          ...(event.eventId === undefined ? {} : { eventId: event.eventId }),
          ...(this.#providerSessionId === undefined
            ? {}
            : { providerSessionId: this.#providerSessionId }),
          session: event.session,
        })
        return
      }
    } else if (event.type === 'error') {
      this.#lastError = event.error
      const index = this.#pendingUpdates.findIndex((p) => p.eventId === event.clientEventId)
      const pending = index === -1 ? undefined : this.#pendingUpdates.splice(index, 1)[0]
      if (pending !== undefined) {
        clearTimeout(pending.timer)
        // The first update is the session's config: a refusal means the config is invalid.
        pending.reject(
          pending.initial && event.error.code === 'update_rejected'
            ? new RealtimeError('invalid_config', event.error.message, {
                cause: event.error,
                ...(event.error.providerCode === undefined
                  ? {}
                  : { providerCode: event.error.providerCode }),
                ...(event.error.path === undefined ? {} : { path: event.error.path }),
              })
            : event.error,
        )
        return
      }
    } else if (event.type === 'audio.delta') {
      this.#countReceived(event.itemId, (event.pcm.byteLength / 2 / event.sampleRate) * 1000)
    }
    this.emit(event)
  }

  #send(message: OpenAIClientEvent): string | undefined {
    if (message.type === 'input_audio_buffer.append') {
      this.sendJson(message)
      return undefined
    }
    const eventId = `${this.#eventPrefix}_${++this.#eventCounter}`
    this.sendJson({ ...message, event_id: eventId })
    this.#sentTypes.set(eventId, message.type)
    if (this.#sentTypes.size > REMEMBERED_EVENT_IDS) {
      this.#sentTypes.delete(this.#sentTypes.keys().next().value as string)
    }
    return eventId
  }

  #update(session: OpenAISessionConfig, initial: boolean): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const eventId = this.#send({ type: 'session.update', session }) as string
      const timer = setTimeout(() => {
        const index = this.#pendingUpdates.findIndex((p) => p.eventId === eventId)
        if (index !== -1) this.#pendingUpdates.splice(index, 1)
        reject(
          new RealtimeError(
            'timeout',
            `OpenAI did not acknowledge session.update within ${this.#options.ackTimeoutMs} ms`,
          ),
        )
      }, this.#options.ackTimeoutMs)
      this.#pendingUpdates.push({ eventId, initial, resolve, reject, timer })
    })
  }

  #apply(config: RealtimeConfig): void {
    const formatChanged = (a: AudioEncoding | undefined, b: AudioEncoding | undefined): boolean =>
      (a ?? 'pcm16') !== (b ?? 'pcm16')
    if (
      formatChanged(this.#applied.inputAudioFormat, config.inputAudioFormat) ||
      formatChanged(this.#applied.outputAudioFormat, config.outputAudioFormat)
    ) {
      this.#capabilities = openAICapabilities(config.inputAudioFormat, config.outputAudioFormat)
      this.#aligner.clear()
    }
    this.#applied = config
    this.#frameContext.outputFormat = config.outputAudioFormat ?? 'pcm16'
  }

  /** Items are remembered in the order their audio started; the oldest is forgotten first. */
  #countReceived(itemId: string, ms: number): void {
    const received = this.#receivedMs.get(itemId)
    this.#receivedMs.set(itemId, (received ?? 0) + ms)
    if (received === undefined && this.#receivedMs.size > REMEMBERED_ITEMS) {
      this.#receivedMs.delete(this.#receivedMs.keys().next().value as string)
    }
  }
}
