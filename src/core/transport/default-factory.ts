import { RealtimeError } from '../errors'
import type { WebSocketFactory, WebSocketLike, WebSocketRequest } from './websocket-like'

/**
 * The default socket factory: Node's `ws` package in Node (it can send upgrade headers), the
 * global `WebSocket` elsewhere. Everything is looked up when a socket is opened, never at import
 * time, so importing the core in SSR or a test touches no browser global.
 */

/**
 * Inbound payload limit handed to `ws`. `ws` closes the connection (1009) when a frame exceeds its
 * own limit, which would end the session; the transport enforces the configured (smaller) limit
 * itself and only drops the frame. So this is just the outer bound against memory exhaustion.
 */
const WS_HARD_MAX_PAYLOAD = 256 * 1024 * 1024

interface NodeProcessLike {
  versions?: { node?: string }
}

/** True in Node (and runtimes that emulate it, like Bun), where `ws` can send headers. */
export function isNodeRuntime(): boolean {
  const process = (globalThis as { process?: NodeProcessLike }).process
  return typeof process?.versions?.node === 'string'
}

type WsConstructor = new (
  url: string,
  protocols: string[],
  options: { headers: Record<string, string>; maxPayload: number },
) => WebSocketLike

let wsModule: Promise<WsConstructor> | undefined

async function loadWs(): Promise<WsConstructor> {
  // Dynamic, so a browser never loads `ws`: the magic comments tell vite and webpack not to
  // follow it, and a bundler that does gets ws's tiny browser stub in a lazy chunk that is never
  // requested. In Node it resolves normally, `ws` being a dependency of this package.
  const specifier = 'ws'
  wsModule ??= import(/* @vite-ignore */ /* webpackIgnore: true */ specifier).then(
    (module: { WebSocket?: WsConstructor; default?: WsConstructor }) => {
      const constructor = module.WebSocket ?? module.default
      if (constructor === undefined) throw new Error('the "ws" module has no WebSocket export')
      return constructor
    },
  )
  return wsModule
}

type GlobalWebSocket = new (url: string, protocols?: string | string[]) => WebSocketLike

/**
 * Opens `request` with `ws` in Node and the global `WebSocket` elsewhere.
 *
 * @throws RealtimeError `unsupported` when headers are required outside Node (browsers cannot
 * set them: use subprotocol auth, a URL token or a relay) or when no WebSocket exists at all.
 * @example
 * const socket = await defaultWebSocketFactory({ url, protocols: [], headers: {} })
 */
export const defaultWebSocketFactory: WebSocketFactory = async (request: WebSocketRequest) => {
  const protocols = [...request.protocols]
  if (isNodeRuntime()) {
    let WebSocketClass: WsConstructor
    try {
      WebSocketClass = await loadWs()
    } catch (error) {
      throw new RealtimeError('unsupported', 'Could not load the "ws" package for Node sockets', {
        cause: error,
      })
    }
    return new WebSocketClass(request.url, protocols, {
      headers: { ...request.headers },
      maxPayload: WS_HARD_MAX_PAYLOAD,
    })
  }
  const WebSocketClass = (globalThis as { WebSocket?: GlobalWebSocket }).WebSocket
  if (WebSocketClass === undefined) {
    throw new RealtimeError('unsupported', 'No WebSocket implementation is available here')
  }
  if (Object.keys(request.headers).length > 0) {
    throw new RealtimeError(
      'unsupported',
      `Browsers cannot send WebSocket headers (${Object.keys(request.headers).join(', ')}); use an ephemeral token or a relay server`,
    )
  }
  return new WebSocketClass(request.url, protocols)
}
