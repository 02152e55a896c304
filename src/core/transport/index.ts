// The transport layer's public surface (re-exported by name from src/core/index.ts).
export { openWebSocketTransport } from './open-websocket'
export type { WebSocketTransportOptions } from './open-websocket'
export { WebSocketTransport, DEFAULT_MAX_INBOUND_FRAME_BYTES } from './websocket-transport'
export type { TransportEvent } from './websocket-transport'
export { defaultWebSocketFactory, isNodeRuntime } from './default-factory'
export type { WebSocketLike, WebSocketFactory, WebSocketRequest } from './websocket-like'
