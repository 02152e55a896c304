import { WebSocket } from 'ws'
import type { WebSocketFactory, WebSocketLike } from '../../../src/core/transport/websocket-like'

/**
 * The runner's sockets, opened with `ws` like the default factory does, but kept so a test can
 * (a) see which are open, connecting or closed, and (b) run a barrier: a WebSocket ping whose
 * pong proves that every frame the server wrote before it has reached the client.
 */
export class SocketTracker {
  readonly sockets: WebSocket[] = []

  readonly factory: WebSocketFactory = ({ url, protocols, headers }) => {
    const socket = new WebSocket(url, [...protocols], {
      headers: { ...headers },
      maxPayload: 256 * 1024 * 1024,
    })
    // The transport installs its own `onerror`; this keeps an error before that from throwing.
    socket.on('error', () => {})
    this.sockets.push(socket)
    return socket as unknown as WebSocketLike
  }

  /** Sockets in a state: `connecting`, `open`, `closing`, `closed`. */
  count(state: 'connecting' | 'open' | 'closing' | 'closed'): number {
    const wanted = {
      connecting: WebSocket.CONNECTING,
      open: WebSocket.OPEN,
      closing: WebSocket.CLOSING,
      closed: WebSocket.CLOSED,
    }[state]
    return this.sockets.filter((socket) => socket.readyState === wanted).length
  }

  /** A fingerprint of every socket's state: it changes when any socket opens or closes. */
  fingerprint(): string {
    return this.sockets.map((socket) => socket.readyState).join('')
  }

  /**
   * Waits until no socket is connecting or closing, then pings every open one and waits for the
   * pongs (or for the socket to close). Frames the server sent before answering have arrived.
   */
  async barrier(): Promise<void> {
    await Promise.all(
      this.sockets.map((socket) => {
        if (socket.readyState === WebSocket.CLOSED) return undefined
        if (socket.readyState !== WebSocket.OPEN) return settled(socket)
        return new Promise<void>((resolve) => {
          const done = (): void => {
            socket.off('pong', done)
            socket.off('close', done)
            resolve()
          }
          socket.on('pong', done)
          socket.on('close', done)
          try {
            socket.ping()
          } catch {
            done()
          }
        })
      }),
    )
  }
}

/** Resolves when a connecting or closing socket reaches `open` or `closed`. */
function settled(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off('open', done)
      socket.off('close', done)
      resolve()
    }
    socket.on('open', done)
    socket.on('close', done)
  })
}
