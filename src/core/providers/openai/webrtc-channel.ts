import { RealtimeError } from '../../errors'
import type { DisconnectReason } from '../../session'
import { cancelled } from '../../transport/abort'
import { WS_CLOSED, WS_CLOSING, WS_CONNECTING, WS_OPEN } from '../../transport/websocket-like'
import type {
  WebSocketCloseLike,
  WebSocketLike,
  WebSocketMessageLike,
} from '../../transport/websocket-like'

/** The `RTCDataChannel` surface the adapter uses (a test double can provide just this). */
export interface DataChannelLike {
  readonly readyState: RTCDataChannelState
  readonly bufferedAmount: number
  binaryType: BinaryType
  onopen: ((event: Event) => void) | null
  onmessage: ((event: MessageEvent) => void) | null
  onerror: ((event: Event) => void) | null
  onclose: ((event: Event) => void) | null
  send(data: string): void
  close(): void
}

const READY_STATES: Record<RTCDataChannelState, number> = {
  connecting: WS_CONNECTING,
  open: WS_OPEN,
  closing: WS_CLOSING,
  closed: WS_CLOSED,
}

/**
 * The `oai-events` data channel dressed as a WebSocket, so the OpenAI session — event ids, error
 * correlation, `session.update` acknowledgements, the event stream and `closed` — runs on it
 * unchanged: the same JSON travels on both transports.
 *
 * A data channel has no close codes, so they are chosen here: a local `close()` reports the code
 * asked for at once (a channel whose peer connection is closed may never fire `close`), a channel
 * the server closes reports 1001, and {@link fail} (the peer connection failed or stayed
 * disconnected) reports 1006, which the runner treats as a network drop.
 * @internal
 */
export class DataChannelSocket implements WebSocketLike {
  readonly protocol = 'realtime'
  onopen: ((event: unknown) => void) | null = null
  onmessage: ((event: WebSocketMessageLike) => void) | null = null
  onerror: ((event: unknown) => void) | null = null
  onclose: ((event: WebSocketCloseLike) => void) | null = null
  readonly #channel: DataChannelLike
  #closed = false

  constructor(channel: DataChannelLike) {
    this.#channel = channel
    channel.binaryType = 'arraybuffer'
    channel.onopen = (event) => this.onopen?.(event)
    channel.onmessage = (event) => {
      if (!this.#closed) this.onmessage?.({ data: event.data })
    }
    channel.onerror = (event) => this.onerror?.(event)
    channel.onclose = () => this.#finish(1001, 'The server closed the data channel')
  }

  get readyState(): number {
    return this.#closed ? WS_CLOSED : READY_STATES[this.#channel.readyState]
  }

  get bufferedAmount(): number {
    return this.#channel.bufferedAmount
  }

  get binaryType(): string {
    return 'arraybuffer'
  }

  set binaryType(_value: string) {
    // Always `arraybuffer` (set on the channel in the constructor).
  }

  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    if (typeof data !== 'string') {
      throw new RealtimeError('unsupported', 'The oai-events channel carries JSON text only')
    }
    this.#channel.send(data)
  }

  close(code = 1000, reason = ''): void {
    try {
      this.#channel.close()
    } catch {
      // Already gone with its peer connection.
    }
    queueMicrotask(() => this.#finish(code, reason))
  }

  /** Ends the channel as a network failure (the peer connection failed or stayed down). */
  fail(reason: string): void {
    try {
      this.#channel.close()
    } catch {
      // Already gone.
    }
    this.#finish(1006, reason)
  }

  #finish(code: number, reason: string): void {
    if (this.#closed) return
    this.#closed = true
    this.#channel.onopen = null
    this.#channel.onmessage = null
    this.#channel.onclose = null
    this.onclose?.({ code, reason })
  }
}

/**
 * Resolves when the channel opens; rejects with `timeout`, `cancelled`, or `connection_failed`
 * when `closed` settles first (the peer connection failed, the server hung up). Every outcome
 * clears the timer and the abort listener, so a failed connect leaves nothing behind.
 */
export function waitForChannelOpen(
  socket: DataChannelSocket,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  closed: Promise<DisconnectReason>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.readyState === WS_OPEN) {
      resolve()
      return
    }
    const previousOpen = socket.onopen
    let settled = false
    const settle = (error?: RealtimeError): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      socket.onopen = previousOpen
      if (error === undefined) resolve()
      else reject(error)
    }
    const onAbort = (): void => settle(cancelled(signal))
    const timer = setTimeout(
      () =>
        settle(
          new RealtimeError(
            'timeout',
            `The WebRTC data channel did not open within ${timeoutMs} ms (ICE or DTLS failed?)`,
          ),
        ),
      timeoutMs,
    )
    signal?.addEventListener('abort', onAbort, { once: true })
    socket.onopen = (event) => {
      previousOpen?.(event)
      settle()
    }
    void closed.then((reason) =>
      settle(
        new RealtimeError(
          'connection_failed',
          `The WebRTC connection ended before its data channel opened (${reason.reason || reason.code})`,
          { providerCode: reason.code },
        ),
      ),
    )
  })
}
