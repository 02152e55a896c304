/**
 * The smallest WebSocket surface the library needs. Both the browser's global `WebSocket` and the
 * `ws` package's `WebSocket` (its WHATWG-style `on*` properties) satisfy it, and so does any
 * test double, which is how tests inject scripted sockets without a network.
 */

/** The `readyState` values of the WHATWG WebSocket. */
export const WS_CONNECTING = 0
export const WS_OPEN = 1
export const WS_CLOSING = 2
export const WS_CLOSED = 3

export interface WebSocketMessageLike {
  /** A string for text frames; an `ArrayBuffer` (or a Node `Buffer`/view) for binary frames. */
  data: unknown
}

export interface WebSocketCloseLike {
  code: number
  reason: string
  wasClean?: boolean
}

/**
 * A socket as the transport drives it. `binaryType` is set to `'arraybuffer'` before any frame
 * arrives, because a browser's default (`'blob'`) would need an async read per frame and could
 * reorder text and binary frames.
 */
export interface WebSocketLike {
  readonly readyState: number
  /** The subprotocol the server selected (`''` when none). */
  readonly protocol: string
  /** Bytes queued for sending; used to report backpressure. */
  readonly bufferedAmount: number
  binaryType: string
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: WebSocketMessageLike) => void) | null
  onerror: ((event: unknown) => void) | null
  onclose: ((event: WebSocketCloseLike) => void) | null
  send(data: string | ArrayBufferLike | ArrayBufferView): void
  close(code?: number, reason?: string): void
}

/** What a factory is asked to open. */
export interface WebSocketRequest {
  url: string
  /** Subprotocols to offer (browsers: the only way to pass a credential). */
  protocols: readonly string[]
  /** Upgrade request headers. Only possible outside browsers; see `defaultWebSocketFactory`. */
  headers: Readonly<Record<string, string>>
}

/**
 * Opens a socket. Injected for tests (a fake socket) or special runtimes (a proxy-aware socket);
 * the default picks the browser global or Node's `ws`.
 *
 * @example
 * const factory: WebSocketFactory = ({ url, protocols }) => new WebSocket(url, [...protocols])
 */
export type WebSocketFactory = (request: WebSocketRequest) => WebSocketLike | Promise<WebSocketLike>
