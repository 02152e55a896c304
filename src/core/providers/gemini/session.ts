import type { RealtimeConfig } from '../../config'
import { RealtimeError } from '../../errors'
import type { ClientEvent, ResponseOptions, SeedItem, ToolResult } from '../../events'
import type {
  ContextMutationOutcome,
  DisconnectReason,
  ProviderCapabilities,
  VideoFrameOptions,
} from '../../session'
import type { TransportEvent, WebSocketTransport } from '../../transport/websocket-transport'
import { shortId } from '../ids'
import { SocketSession } from '../socket-session'
import { protocolError } from '../wire-reader'
import { GEMINI_CAPABILITIES } from './capabilities'
import { toGeminiClientMessages } from './protocol-client'
import type { GeminiTextInput } from './protocol-client'
import { describeGeminiClose } from './protocol-errors'
import { decodeGeminiFrame, geminiFrameType, readGeminiMessage } from './protocol-server'
import { GeminiTurnTracker } from './turn-tracker'
import type { GeminiClientMessage, GeminiSetup } from './wire-types'

export interface GeminiSessionOptions {
  /** How long `setup` may wait for `setupComplete`. */
  setupTimeoutMs: number
  textInput: GeminiTextInput
  vertex: boolean
}

interface SetupWaiter {
  resolve: () => void
  reject: (error: RealtimeError) => void
  timer: ReturnType<typeof setTimeout>
}

/**
 * One Gemini Live connection (AI Studio or Vertex). Created by `GeminiRealtimeModel.connect`,
 * which resolves only after `setupComplete` (the Rust crate returned before it, and audio sent
 * too early made the server close the socket, defect 8.17).
 *
 * The setup cannot change on an open connection, so `mutateContext` always answers
 * `requiresResumption`: the runner closes this session and connects again with the new config
 * and the latest resumable handle.
 */
export class GeminiRealtimeSession extends SocketSession {
  readonly provider = 'gemini'
  readonly capabilities: ProviderCapabilities = GEMINI_CAPABILITIES
  readonly #prefix = `gemini-${shortId()}`
  readonly #tracker = new GeminiTurnTracker(this.#prefix)
  readonly #options: GeminiSessionOptions
  readonly #manualActivity: boolean
  #activityOpen = false
  #texts = 0
  #ready = false
  #setupWaiter: SetupWaiter | undefined
  #providerSessionId: string | undefined

  /** @internal Use `GeminiRealtimeModel.connect`. */
  constructor(
    transport: WebSocketTransport,
    config: RealtimeConfig,
    options: GeminiSessionOptions,
  ) {
    super(transport)
    this.#options = options
    this.#manualActivity = config.turnDetection?.mode === 'none'
    this.start()
  }

  /** Vertex's `setupComplete.sessionId`, when the service sends one. */
  get providerSessionId(): string | undefined {
    return this.#providerSessionId
  }

  /** @internal Sends `setup`, waits for `setupComplete`, then seeds history (no handle case). */
  async initialize(setup: GeminiSetup, seedItems: readonly SeedItem[] = []): Promise<void> {
    await this.whenOpen()
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#setupWaiter = undefined
        reject(
          new RealtimeError(
            'timeout',
            `Gemini did not answer setup within ${this.#options.setupTimeoutMs} ms`,
          ),
        )
      }, this.#options.setupTimeoutMs)
      this.#setupWaiter = { resolve, reject, timer }
      this.#send({ setup })
    })
    if (seedItems.length > 0) {
      this.#send({
        clientContent: {
          turns: seedItems.map((item) => ({
            role: item.role === 'assistant' ? 'model' : 'user',
            parts: [{ text: item.text }],
          })),
          turnComplete: false,
        },
      })
    }
  }

  sendAudio(pcm: Uint8Array): void {
    this.sendEvent({ type: 'audio.append', pcm })
  }

  /** `realtimeInput.video`: the model sees the latest frames when it answers. */
  sendVideoFrame(frame: Uint8Array, options: VideoFrameOptions): void {
    this.sendEvent({ type: 'video.frame', frame, mimeType: options.mimeType })
  }

  /** Sends a user turn. Gemini does not echo it, so the session announces the item itself. */
  sendText(text: string): void {
    this.sendEvent({ type: 'text', text, role: 'user' })
    this.emit({
      type: 'item.added',
      itemId: `${this.#prefix}-text-${++this.#texts}`,
      kind: 'message',
      role: 'user',
      text,
    })
  }

  sendToolResult(result: ToolResult): void {
    this.sendEvent({ type: 'tool.result', result })
  }

  commitAudio(): void {
    this.sendEvent({ type: 'audio.commit' })
  }

  /** Nothing to clear: Gemini has no client-side input buffer. */
  clearAudio(): void {
    this.sendEvent({ type: 'audio.clear' })
  }

  /** A no-op: Gemini answers without being asked. */
  createResponse(_options?: ResponseOptions): void {
    this.sendEvent({ type: 'response.create' })
  }

  /** Manual activity mode: opens a user activity, which interrupts the model. Otherwise a no-op. */
  interrupt(): void {
    this.sendEvent({ type: 'response.cancel' })
  }

  /** A no-op: Gemini cannot truncate what the user did not hear (`capabilities.truncation`). */
  truncate(itemId: string, playedMs: number, contentIndex?: number): void {
    this.sendEvent({
      type: 'item.truncate',
      itemId,
      audioEndMs: playedMs,
      ...(contentIndex === undefined ? {} : { contentIndex }),
    })
  }

  sendEvent(event: ClientEvent): void {
    if (event.type === 'raw') {
      if (!this.isConnected())
        throw new RealtimeError('not_connected', 'The gemini session is closed')
      this.transport.send(typeof event.data === 'string' ? event.data : JSON.stringify(event.data))
      return
    }
    if (event.type === 'session.update') {
      throw new RealtimeError(
        'unsupported',
        'session.update is a runner intent: call runner.updateSession() or session.mutateContext()',
      )
    }
    if (!this.isConnected())
      throw new RealtimeError('not_connected', 'The gemini session is closed')
    const { messages, activityOpen } = toGeminiClientMessages(event, {
      inputSampleRate: this.capabilities.inputSampleRate,
      manualActivity: this.#manualActivity,
      activityOpen: this.#activityOpen,
      textInput: this.#options.textInput,
      vertex: this.#options.vertex,
      isSyntheticCallId: (callId) => this.#tracker.isSyntheticCallId(callId),
    })
    for (const message of messages) this.#send(message)
    this.#activityOpen = activityOpen
  }

  /** Always a resumption: a Live connection's setup is immutable. */
  mutateContext(config: RealtimeConfig): Promise<ContextMutationOutcome> {
    return Promise.resolve({ kind: 'requiresResumption', config })
  }

  protected handleFrame(data: string | Uint8Array): void {
    const decoded = decodeGeminiFrame(data)
    if ('error' in decoded) {
      this.emit({
        type: 'error',
        error: protocolError(decoded.frameType, decoded.error),
        frameType: decoded.frameType,
      })
      return
    }
    const frameType = geminiFrameType(decoded.frame)
    let message
    try {
      message = readGeminiMessage(decoded.frame)
    } catch (error) {
      const typed = error instanceof RealtimeError ? error : protocolError(frameType, error)
      this.emit({ type: 'error', error: typed, frameType })
      return
    }
    if (message.setupComplete !== undefined) {
      if (!this.#ready) {
        this.#ready = true
        this.#providerSessionId = message.setupComplete.sessionId
        this.emit({
          type: 'session.ready',
          ...(this.#providerSessionId === undefined
            ? {}
            : { providerSessionId: this.#providerSessionId }),
          session: decoded.frame.setupComplete,
        })
        const waiter = this.#setupWaiter
        this.#setupWaiter = undefined
        if (waiter !== undefined) {
          clearTimeout(waiter.timer)
          waiter.resolve()
        }
      } else {
        this.emit({
          type: 'raw',
          provider: 'gemini',
          frameType: 'setupComplete',
          data: decoded.frame.setupComplete,
        })
      }
    }
    for (const event of this.#tracker.apply(message)) this.emit(event)
  }

  protected handleOversize(event: Extract<TransportEvent, { type: 'oversize' }>): void {
    const type = /^\s*\{\s*"([^"]{1,100})"/.exec(event.head)?.[1] ?? 'unknown'
    this.emit(this.frameTooLarge(event, type))
  }

  protected describeClose(reason: DisconnectReason): DisconnectReason {
    return describeGeminiClose(reason)
  }

  protected override onClosed(reason: DisconnectReason): void {
    const waiter = this.#setupWaiter
    this.#setupWaiter = undefined
    if (waiter === undefined) return
    clearTimeout(waiter.timer)
    waiter.reject(
      reason.error ??
        new RealtimeError(
          'connection_failed',
          `Gemini closed the connection before setupComplete (${reason.code})`,
          {
            providerCode: reason.code,
          },
        ),
    )
  }

  #send(message: GeminiClientMessage): void {
    this.sendJson(message)
  }
}
