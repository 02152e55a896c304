import { RealtimeError } from '../errors'
import { cancelled } from './abort'
import { defaultWebSocketFactory } from './default-factory'
import { WS_OPEN } from './websocket-like'
import type { WebSocketFactory, WebSocketLike } from './websocket-like'
import { DEFAULT_MAX_INBOUND_FRAME_BYTES, WebSocketTransport } from './websocket-transport'

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000

export interface WebSocketTransportOptions {
  url: string
  /** Subprotocols to offer. */
  protocols?: readonly string[]
  /** Upgrade headers (Node only; the default factory refuses them in browsers). */
  headers?: Readonly<Record<string, string>>
  /**
   * Frames larger than this are dropped and reported as an `oversize` event; the connection
   * stays open. Default 8 MiB.
   */
  maxInboundFrameBytes?: number
  /** Aborting before the socket opens closes it and rejects with `cancelled`. */
  signal?: AbortSignal
  /** Default: the browser global `WebSocket`, or `ws` in Node. */
  webSocketFactory?: WebSocketFactory
  /** Default 15 s; on expiry the socket is closed and `connect` rejects with `timeout`. */
  connectTimeoutMs?: number
}

/**
 * Opens a WebSocket and resolves once it is open.
 *
 * Rejects with `cancelled` when `signal` aborts, `timeout` after `connectTimeoutMs`, and
 * `connection_failed` when the socket closes or errors before opening (the close code and
 * reason are in the message and `providerCode`).
 *
 * @example
 * const transport = await openWebSocketTransport({
 *   url: 'wss://example.com/realtime',
 *   headers: { Authorization: `Bearer ${key}` },
 *   signal: AbortSignal.timeout(10_000),
 * })
 * transport.subscribe((event) => {
 *   if (event.type === 'message') console.log(event.data)
 * })
 * transport.send(JSON.stringify({ type: 'ping' }))
 */
export async function openWebSocketTransport(
  options: WebSocketTransportOptions,
): Promise<WebSocketTransport> {
  const { signal } = options
  if (signal?.aborted) throw cancelled(signal)
  const factory = options.webSocketFactory ?? defaultWebSocketFactory
  let socket: WebSocketLike
  try {
    socket = await factory({
      url: options.url,
      protocols: options.protocols ?? [],
      headers: options.headers ?? {},
    })
  } catch (error) {
    throw RealtimeError.from(
      error,
      'connection_failed',
      `Could not open a WebSocket: ${String(error)}`,
    )
  }
  socket.binaryType = 'arraybuffer'
  const transport = new WebSocketTransport(
    socket,
    options.maxInboundFrameBytes ?? DEFAULT_MAX_INBOUND_FRAME_BYTES,
  )
  await waitForOpen(
    socket,
    transport,
    signal,
    options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  )
  return transport
}

function waitForOpen(
  socket: WebSocketLike,
  transport: WebSocketTransport,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false
    const settle = (error?: RealtimeError): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      socket.onopen = null
      // Errors after open are always followed by a close event, which carries the useful part.
      socket.onerror = () => {}
      if (error === undefined) {
        resolve()
        return
      }
      transport.abandon()
      reject(error)
    }
    const onAbort = (): void => settle(cancelled(signal))
    const timer = setTimeout(
      () =>
        settle(new RealtimeError('timeout', `The WebSocket did not open within ${timeoutMs} ms`)),
      timeoutMs,
    )
    signal?.addEventListener('abort', onAbort, { once: true })
    // Aborted while an async factory ran: the listener above will never fire.
    if (signal?.aborted === true) return onAbort()
    if (socket.readyState === WS_OPEN) {
      settle()
      return
    }
    socket.onopen = () => settle()
    socket.onerror = (event) =>
      settle(
        new RealtimeError('connection_failed', 'The WebSocket failed before opening', {
          cause: event,
        }),
      )
    void transport.closed.then(({ code, reason }) =>
      settle(
        new RealtimeError(
          'connection_failed',
          `The WebSocket closed before opening (${code}${reason === '' ? '' : ` ${reason}`})`,
          { providerCode: code },
        ),
      ),
    )
  })
}
