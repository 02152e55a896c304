import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'

/** A scriptable WebSocket peer on 127.0.0.1 for session tests. */
export interface TestPeer {
  readonly socket: WebSocket
  readonly request: IncomingMessage
  /** Every JSON message the client sent, in order. */
  readonly received: Array<Record<string, unknown>>
  /** Resolves with the next message the client sends (or one already received and not taken). */
  next(): Promise<Record<string, unknown>>
  sendJson(message: unknown, binary?: boolean): void
  sendText(text: string): void
}

export interface TestServer {
  url: string
  /** Resolves with the next connection. */
  connection(): Promise<TestPeer>
  close(): Promise<void>
}

/**
 * `onConnection` runs for every connection before any client message is read, so it can answer
 * the setup (e.g. reply `session.updated` / `setupComplete`).
 */
export async function startTestServer(
  onMessage?: (peer: TestPeer, message: Record<string, unknown>) => void,
): Promise<TestServer> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  })
  await new Promise<void>((resolve) => wss.once('listening', resolve))
  const peers: TestPeer[] = []
  const waiting: Array<(peer: TestPeer) => void> = []
  wss.on('connection', (socket, request) => {
    const received: Array<Record<string, unknown>> = []
    let taken = 0
    const waiters: Array<(message: Record<string, unknown>) => void> = []
    const peer: TestPeer = {
      socket,
      request,
      received,
      next: () =>
        taken < received.length
          ? Promise.resolve(received[taken++]!)
          : new Promise((resolve) => waiters.push(resolve)),
      sendJson: (message, binary = false) => {
        const text = JSON.stringify(message)
        socket.send(binary ? Buffer.from(text) : text, { binary })
      },
      sendText: (text) => socket.send(text),
    }
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>
      received.push(message)
      const waiter = waiters.shift()
      if (waiter) {
        taken++
        waiter(message)
      }
      onMessage?.(peer, message)
    })
    const waiter = waiting.shift()
    if (waiter) waiter(peer)
    else peers.push(peer)
  })
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    connection: () => {
      const peer = peers.shift()
      return peer ? Promise.resolve(peer) : new Promise((resolve) => waiting.push(resolve))
    },
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate()
        wss.close(() => resolve())
      }),
  }
}

/** Waits until `check` holds (polling), failing after 2,000 polls (10 s or more). */
export async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
  if (!check()) throw new Error('condition not reached')
}
