import type { RealtimeConfig } from '../config'
import { RealtimeError } from '../errors'
import { EventStream } from '../event-stream'
import type { ClientEvent, ProviderName, ResponseOptions, ServerEvent, ToolResult } from '../events'
import type {
  ContextMutationOutcome,
  DisconnectReason,
  ProviderCapabilities,
  RealtimeSession,
  ServerEventListener,
  VideoFrameOptions,
} from '../session'
import type { TransportEvent, WebSocketTransport } from '../transport/websocket-transport'
import { randomId } from './ids'

/**
 * Events produced before anyone listens (the setup acknowledgement, frames that arrive while
 * `connect` is resolving) are held for the first consumer. The cap only matters for a session
 * nobody ever reads; past it the oldest events are dropped rather than growing without bound.
 */
const MAX_HELD_EVENTS = 10_000

/**
 * What the OpenAI and Gemini WebSocket sessions share: the transport wiring, in-order event
 * delivery with a pre-subscription buffer, the `closed` promise and idempotent `close()`.
 * Subclasses translate frames and client calls; they never touch the socket directly.
 */
export abstract class SocketSession implements RealtimeSession {
  readonly id = randomId()
  abstract readonly provider: ProviderName
  abstract readonly capabilities: ProviderCapabilities
  readonly closed: Promise<DisconnectReason>
  protected readonly transport: WebSocketTransport
  readonly #stream = new EventStream<ServerEvent>()
  #held: ServerEvent[] | undefined = []
  #resolveClosed!: (reason: DisconnectReason) => void
  #closing = false
  #ended = false

  constructor(transport: WebSocketTransport) {
    this.transport = transport
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve))
  }

  /** Starts reading frames. Called by the subclass once its own fields exist. */
  protected start(): void {
    this.transport.subscribe((event) => this.#onTransportEvent(event))
  }

  /** Handles one inbound frame; must not throw for malformed input (emit an `error` event). */
  protected abstract handleFrame(data: string | Uint8Array, binary: boolean): void
  /** Handles a frame dropped for size. */
  protected abstract handleOversize(event: Extract<TransportEvent, { type: 'oversize' }>): void
  /** Attaches the provider's typed error to a close reason (close codes are provider-specific). */
  protected abstract describeClose(reason: DisconnectReason): DisconnectReason
  /** Called once when the connection ends, before the event stream ends. */
  protected onClosed(_reason: DisconnectReason): void {}

  isConnected(): boolean {
    return !this.#closing && !this.#ended && this.transport.isOpen()
  }

  /** The socket's unsent bytes: the runner skips video frames while the link is behind. */
  get bufferedAmount(): number {
    return this.transport.bufferedAmount
  }

  abstract sendAudio(pcm: Uint8Array): void
  abstract sendVideoFrame(frame: Uint8Array, options: VideoFrameOptions): void
  abstract sendText(text: string): void
  abstract sendToolResult(result: ToolResult): void
  abstract commitAudio(): void
  abstract clearAudio(): void
  abstract createResponse(options?: ResponseOptions): void
  abstract interrupt(): void
  abstract truncate(itemId: string, playedMs: number, contentIndex?: number): void
  abstract sendEvent(event: ClientEvent): void
  abstract mutateContext(config: RealtimeConfig): Promise<ContextMutationOutcome>

  subscribe(listener: ServerEventListener): () => void {
    const unsubscribe = this.#stream.subscribe(listener)
    this.#release()
    return unsubscribe
  }

  events(): AsyncIterableIterator<ServerEvent> {
    const iterator = this.#stream.iterate()
    this.#release()
    return iterator
  }

  close(reason = ''): Promise<void> {
    if (!this.#closing && !this.#ended) {
      this.#closing = true
      void this.transport.close(1000, reason)
    }
    return this.closed.then(() => undefined)
  }

  /**
   * Resolves while the socket is open. A server refusing the connection (a bad key) can close it
   * right after the upgrade, before the setup frame goes out: then this waits for that close and
   * throws its typed error, which says why where `not_connected` would not.
   */
  protected async whenOpen(): Promise<void> {
    if (this.#closing || this.transport.isOpen()) return
    void this.transport.close()
    const reason = await this.closed
    throw (
      reason.error ?? new RealtimeError('not_connected', `The ${this.provider} session is closed`)
    )
  }

  /** Publishes an event (held until the first consumer subscribes). */
  protected emit(event: ServerEvent): void {
    if (this.#held !== undefined) {
      if (this.#held.length >= MAX_HELD_EVENTS) this.#held.shift()
      this.#held.push(event)
      return
    }
    this.#stream.push(event)
  }

  /**
   * Sends one JSON message as a text frame.
   * @throws RealtimeError `not_connected` after close.
   */
  protected sendJson(message: unknown): void {
    if (!this.isConnected()) {
      throw new RealtimeError('not_connected', `The ${this.provider} session is closed`)
    }
    this.transport.send(JSON.stringify(message))
  }

  /** The `frame_too_large` error event for a dropped frame; the session goes on. */
  protected frameTooLarge(
    event: Extract<TransportEvent, { type: 'oversize' }>,
    frameType: string,
  ): ServerEvent {
    const error = new RealtimeError(
      'frame_too_large',
      `Dropped a ${event.binary ? 'binary' : 'text'} "${frameType}" frame of ${event.byteLength} bytes (limit ${event.limit})`,
    )
    return { type: 'error', error, frameType }
  }

  #release(): void {
    const held = this.#held
    if (held === undefined) return
    this.#held = undefined
    for (const event of held) this.#stream.push(event)
    if (this.#ended) this.#stream.end()
  }

  #onTransportEvent(event: TransportEvent): void {
    if (event.type === 'message') {
      this.handleFrame(event.data, event.binary)
    } else if (event.type === 'oversize') {
      this.handleOversize(event)
    } else {
      const reason = this.describeClose(event.reason)
      this.#ended = true
      this.onClosed(reason)
      // With nobody subscribed yet, the stream ends when the held events are released.
      if (this.#held === undefined) this.#stream.end()
      this.#resolveClosed(reason)
    }
  }
}
