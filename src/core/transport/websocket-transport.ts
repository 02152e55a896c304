import { RealtimeError } from '../errors'
import type { DisconnectReason } from '../session'
import { decodeUtf8, exceedsUtf8Bytes, truncateUtf8, utf8ByteLength } from './utf8'
import { WS_CLOSING, WS_OPEN } from './websocket-like'
import type { WebSocketCloseLike, WebSocketLike } from './websocket-like'

/** Default inbound frame limit: far above any provider frame (Gemini audio is ~100 kB). */
export const DEFAULT_MAX_INBOUND_FRAME_BYTES = 8 * 1024 * 1024
/** How long `close()` waits for the closing handshake before giving up on a stalled peer. */
const CLOSE_GRACE_MS = 3_000
/** The most a close frame's reason may hold; browsers and `ws` throw on a longer one. */
const MAX_CLOSE_REASON_BYTES = 123
/** How much of a dropped frame is kept, so the error can say which message it was. */
const FRAME_HEAD_CHARS = 256

/** What the transport reports, in arrival order. */
export type TransportEvent =
  | { type: 'message'; data: string | Uint8Array; binary: boolean }
  | {
      type: 'oversize'
      byteLength: number
      limit: number
      binary: boolean
      /** The frame's first characters (binary frames read as UTF-8), to name what was dropped. */
      head: string
    }
  | { type: 'close'; reason: DisconnectReason }

type TransportListener = (event: TransportEvent) => void

/**
 * An open WebSocket with text and binary frames, an inbound size limit and a close reason.
 *
 * Events that arrive before the first `subscribe` are kept and delivered to it, so a provider can
 * finish its own setup after `openWebSocketTransport` resolves without losing the server's first
 * frame (OpenAI sends `session.created` within milliseconds of the upgrade).
 *
 * @example
 * const transport = await openWebSocketTransport({ url, maxInboundFrameBytes: 1 << 20 })
 * transport.subscribe((event) => {
 *   if (event.type === 'oversize') console.warn(`dropped ${event.byteLength} bytes`)
 *   if (event.type === 'close') console.log(event.reason.code, event.reason.initiatedBy)
 * })
 */
export class WebSocketTransport {
  readonly #socket: WebSocketLike
  readonly #maxBytes: number
  readonly #listeners = new Set<TransportListener>()
  /** The listeners as of the last change, copied once per change rather than once per frame. */
  #dispatch: readonly TransportListener[] | undefined
  #backlog: TransportEvent[] | undefined = []
  /** `close()` ran (its grace timer is set). */
  #closing = false
  /** We started the close: it is reported as `client`, whatever code the peer echoes. */
  #closedByUs = false
  #closedReason: DisconnectReason | undefined
  #resolveClosed!: (reason: DisconnectReason) => void
  /** Serialises frames when a runtime hands us a `Blob` despite `binaryType`. */
  #asyncTail: Promise<void> | undefined
  /** Settles once, when the socket has closed for any reason. Never rejects. */
  readonly closed: Promise<DisconnectReason>

  /**
   * @internal Use `openWebSocketTransport`. Handlers are attached before the socket opens: `ws`
   * can deliver the first message in the same tick as `open`, before any promise continuation
   * runs, so attaching them after `await open` would lose it.
   */
  constructor(socket: WebSocketLike, maxInboundFrameBytes: number) {
    this.#socket = socket
    this.#maxBytes = maxInboundFrameBytes
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve))
    socket.onmessage = (event) => this.#onMessage(event.data)
    socket.onclose = (event) => this.#finish(event)
    // Errors after open are always followed by a close event, which carries the useful part.
    socket.onerror = () => {}
  }

  /** The subprotocol the server selected. */
  get protocol(): string {
    return this.#socket.protocol
  }

  /** Bytes waiting to be sent (grows when the network is slower than the audio). */
  get bufferedAmount(): number {
    return this.#socket.bufferedAmount
  }

  isOpen(): boolean {
    return this.#closedReason === undefined && this.#socket.readyState === WS_OPEN
  }

  /** Delivers buffered events first, then live ones. Returns the unsubscribe function. */
  subscribe(listener: TransportListener): () => void {
    this.#listeners.add(listener)
    this.#dispatch = undefined
    const backlog = this.#backlog
    this.#backlog = undefined
    for (const event of backlog ?? []) listener(event)
    return () => {
      if (this.#listeners.delete(listener)) this.#dispatch = undefined
    }
  }

  /**
   * Sends a text (string) or binary (bytes) frame.
   * @throws RealtimeError `not_connected` when the socket is not open.
   */
  send(data: string | Uint8Array): void {
    if (!this.isOpen()) {
      throw new RealtimeError('not_connected', 'The WebSocket is not open')
    }
    this.#socket.send(data)
  }

  /**
   * @internal Drops a socket that never opened (abort, timeout, failure), or one that refuses
   * every close: closes it without waiting for a handshake and settles `closed` at once.
   */
  abandon(): void {
    this.#closedByUs = true
    try {
      this.#socket.close()
    } catch {
      // Closing a socket that never opened can throw in some runtimes; it is gone either way.
    }
    this.#finish({ code: 1006, reason: 'abandoned before open' })
  }

  /**
   * Starts the closing handshake; resolves when closed (or after a short grace period). A peer
   * that started closing first keeps the close: its event (a refused key's 3000, say) is on the
   * way and stays `server`-initiated.
   */
  close(code = 1000, reason = ''): Promise<DisconnectReason> {
    if (this.#closedReason !== undefined || this.#closing) return this.closed
    this.#closing = true
    if (this.#socket.readyState !== WS_CLOSING) {
      this.#closedByUs = true
      try {
        this.#socket.close(code, truncateUtf8(reason, MAX_CLOSE_REASON_BYTES))
      } catch {
        // An invalid code: close without one rather than report a close that never happened.
        try {
          this.#socket.close()
        } catch {
          this.abandon()
        }
      }
    }
    const timer = setTimeout(() => this.#finish({ code, reason }), CLOSE_GRACE_MS)
    void this.closed.then(() => clearTimeout(timer))
    return this.closed
  }

  #emit(event: TransportEvent): void {
    if (this.#backlog !== undefined) {
      this.#backlog.push(event)
      return
    }
    this.#dispatch ??= [...this.#listeners]
    for (const listener of this.#dispatch) listener(event)
  }

  #onMessage(data: unknown): void {
    if (this.#closedReason !== undefined) return
    if (this.#asyncTail !== undefined || isBlob(data)) {
      const tail = (this.#asyncTail ?? Promise.resolve()).then(async () => {
        this.#deliver(isBlob(data) ? new Uint8Array(await data.arrayBuffer()) : data)
      })
      this.#asyncTail = tail
      void tail.finally(() => {
        if (this.#asyncTail === tail) this.#asyncTail = undefined
      })
      return
    }
    this.#deliver(data)
  }

  #deliver(data: unknown): void {
    if (typeof data === 'string') {
      if (exceedsUtf8Bytes(data, this.#maxBytes)) {
        this.#emit({
          type: 'oversize',
          byteLength: utf8ByteLength(data),
          limit: this.#maxBytes,
          binary: false,
          head: data.slice(0, FRAME_HEAD_CHARS),
        })
      } else {
        this.#emit({ type: 'message', data, binary: false })
      }
      return
    }
    const bytes = toBytes(data)
    if (bytes === undefined) return
    if (bytes.byteLength > this.#maxBytes) {
      this.#emit({
        type: 'oversize',
        byteLength: bytes.byteLength,
        limit: this.#maxBytes,
        binary: true,
        head: decodeUtf8(bytes.subarray(0, FRAME_HEAD_CHARS)),
      })
      return
    }
    this.#emit({ type: 'message', data: bytes, binary: true })
  }

  #finish(event: WebSocketCloseLike): void {
    if (this.#closedReason !== undefined) return
    const reason: DisconnectReason = {
      code: event.code,
      reason: event.reason,
      initiatedBy: this.#closedByUs
        ? 'client'
        : event.code === 1006 || event.code === 1015
          ? 'network'
          : 'server',
    }
    this.#closedReason = reason
    this.#socket.onmessage = null
    this.#socket.onclose = null
    this.#emit({ type: 'close', reason })
    this.#resolveClosed(reason)
  }
}

function isBlob(value: unknown): value is Blob {
  return typeof Blob !== 'undefined' && value instanceof Blob
}

function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  // `ws` hands fragmented messages over as Buffer[] when binaryType is 'fragments'; we never
  // set that, so anything else is not a frame we can read.
  return undefined
}
