import { createServer, type IncomingMessage } from 'node:http'
import { createConnection, type AddressInfo } from 'node:net'
import { expect } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { createRelayServer, type RelayServerOptions } from '../../../src/server'

export const apiKey = 'sk-relay-secret-KEY-123'

export interface UpstreamConnection {
  url: string
  headers: Record<string, string | string[] | undefined>
  protocol: string
  socket: WebSocket
  received: Array<{ text: string; binary: boolean }>
}

/** Undone after each test, newest first; every file runs `afterEach(runCleanups)`. */
export const cleanups: Array<() => Promise<void>> = []

export async function runCleanups(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
}

/** A stand-in provider on 127.0.0.1 that records what the relay sends it. */
export async function startUpstream(onConnection?: (connection: UpstreamConnection) => void) {
  const connections: UpstreamConnection[] = []
  const http = createServer((_req, res) => res.writeHead(404).end())
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  })
  wss.on('connection', (socket, request) => {
    const connection: UpstreamConnection = {
      url: request.url ?? '',
      headers: request.headers,
      protocol: socket.protocol,
      socket,
      received: [],
    }
    socket.on('message', (data, binary) =>
      connection.received.push({ text: data.toString(), binary }),
    )
    connections.push(connection)
    onConnection?.(connection)
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const port = (http.address() as AddressInfo).port
  return {
    connections,
    openai: `ws://127.0.0.1:${port}/v1/realtime`,
    gemini: `ws://127.0.0.1:${port}`,
    close: async () => {
      for (const client of wss.clients) client.terminate()
      wss.close()
      http.closeAllConnections()
      await new Promise((resolve) => http.close(resolve))
    },
  }
}

/** A stand-in upstream and a relay in front of it, both undone after the test. */
export async function setup(
  options: Partial<RelayServerOptions> = {},
  onUpstream?: (c: UpstreamConnection) => void,
) {
  const upstream = await startUpstream(onUpstream)
  cleanups.push(upstream.close)
  const relay = await createRelayServer({
    upstream: 'mock',
    apiKey,
    upstreamUrls: { openai: upstream.openai, gemini: upstream.gemini },
    ...options,
  })
  cleanups.push(relay.close)
  return { upstream, relay }
}

/** Everything the browser side saw: frames, close reasons, refused handshakes. */
export interface Observed {
  socket: WebSocket
  frames: string[]
  /** Frame types in arrival order, parallel to the frames. */
  binary: boolean[]
  /** Status line and headers of the handshake response (101 or a refusal). */
  http: string[]
  opened: Promise<void>
  closed: Promise<{ code: number; reason: string }>
  refused: Promise<number | undefined>
}

export function connect(
  url: string,
  options: { protocols?: string[]; origin?: string; headers?: Record<string, string> } = {},
): Observed {
  const socket = new WebSocket(url, options.protocols ?? [], {
    ...(options.origin ? { origin: options.origin } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  })
  const frames: string[] = []
  const binary: boolean[] = []
  const http: string[] = []
  const describe = (res: IncomingMessage): string =>
    `HTTP ${res.statusCode} ${res.statusMessage} ${JSON.stringify(res.rawHeaders)}`
  socket.on('error', () => {}) // refusals and terminations are asserted through close/refused
  socket.on('upgrade', (res) => http.push(describe(res)))
  socket.on('message', (data, isBinary) => {
    frames.push(data.toString())
    binary.push(isBinary)
  })
  const opened = new Promise<void>((resolve) => socket.once('open', () => resolve()))
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  const refused = new Promise<number | undefined>((resolve) => {
    socket.once('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => {
        http.push(`${describe(res)} ${body}`)
        frames.push(`HTTP ${res.statusCode} ${JSON.stringify(res.headers)} ${body}`)
        resolve(res.statusCode)
      })
    })
    socket.once('open', () => resolve(undefined))
    socket.once('error', () => resolve(undefined))
  })
  cleanups.push(async () => socket.terminate())
  return { socket, frames, binary, http, opened, closed, refused }
}

export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (let i = 0; i < timeoutMs / 10 && !condition(); i++) {
    await new Promise((r) => setTimeout(r, 10))
  }
  expect(condition()).toBe(true)
}

/** The relay's port, for raw requests that a WebSocket client would not send. */
export function portOf(url: string): number {
  return Number(new URL(url).port)
}

/**
 * Writes `request` on a raw TCP socket and resolves with every byte the server answered before
 * it closed (or `timeoutMs` passed, then the socket is destroyed).
 */
export function rawExchange(port: number, request: string, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    let answer = ''
    const timer = setTimeout(() => socket.destroy(), timeoutMs)
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(answer)
    })
    socket.write(request)
  })
}

/** An upgrade request with every header a valid one needs, and the chance to spoil any. */
export function upgradeRequest(path: string, headers: Record<string, string> = {}): string {
  const all: Record<string, string> = {
    Host: '127.0.0.1',
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...headers,
  }
  const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}`)
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`
}
