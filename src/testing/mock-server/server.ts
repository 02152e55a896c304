import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { createMockBrain } from './brain'
import { systemClock } from './clock'
import { WireConnection } from './connection'
import type { ServerContext } from './context'
import { FaultController, faultsFor, type MockFault } from './faults'
import { GeminiSession } from './gemini/session'
import { ResumptionRegistry } from './gemini/resumption'
import { handleHttp } from './http'
import { geminiKind, MockServerLog, openaiKind, type MockProtocol } from './log'
import {
  checkOpenAIHandshake,
  closeReason,
  readOpenAIHandshake,
  selectOpenAIProtocol,
} from './openai/auth'
import { errorEvent } from './openai/errors'
import { OpenAISession } from './openai/session'
import type { MockRealtimeServerOptions } from './options'
import { hashString, IdFactory } from './random'
import { routeRequest, type Route } from './routing'
import { WebRTCCalls } from './webrtc/calls'

/** A live connection, for steering it from a test. */
export interface MockConnectionHandle {
  readonly id: string
  readonly index: number
  readonly protocol: MockProtocol
  /** Adds a fault now (a frame-triggered one whose point has passed fires at once). */
  inject(fault: MockFault): void
  /** Closes with a close frame. */
  close(code: number, reason?: string): void
  /** Drops the TCP connection without a close frame (the client sees 1006). */
  drop(): void
}

export interface MockRealtimeServer {
  /** `http://127.0.0.1:<port>` (or `https:`): the base URL for `@google/genai`'s `httpOptions.baseUrl`, and `/v1` under it for `openai`'s `baseURL`. */
  readonly url: string
  /** `ws://…/v1/realtime?model=gpt-realtime`: for `OpenAIRealtimeWebSocket({ url })` and raw WebSocket clients. */
  readonly openaiUrl: string
  /** `ws://…/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent` (add `?key=`). */
  readonly geminiUrl: string
  readonly port: number
  /** Every frame of every connection, in order. */
  readonly log: MockServerLog
  /** The connections that are open now. */
  connections(): MockConnectionHandle[]
  /**
   * Gemini: refuses the next `count` resume attempts (a `setup` with a handle), whichever
   * connections they arrive on, as the service does when it is unavailable (close 1011). The
   * per-connection fault `{ type: 'refuseResume' }` refuses one on a connection scripted ahead.
   */
  refuseResumes(count: number): void
  /** Closes every connection (1001) and stops listening. */
  close(): Promise<void>
}

/**
 * Starts a mock realtime server that speaks the OpenAI Realtime GA and Gemini Live wire protocols
 * on one port, routed by path. The official clients (`openai`, `@openai/agents-realtime`,
 * `@google/genai`) can complete turns against it; a deterministic brain answers, calls tools and
 * speaks, and faults can be scripted per connection.
 *
 * @example
 * const server = await createMockRealtimeServer({
 *   brain: createMockBrain({ transcripts: ['What is the weather in Paris?'] }),
 *   faults: ({ index }) => (index === 0 ? [{ type: 'dropMidResponse' }] : []),
 * })
 * const ws = new WebSocket(server.openaiUrl, { headers: { Authorization: 'Bearer sk-test' } })
 * // … or: new GoogleGenAI({ apiKey: 'key', httpOptions: { baseUrl: server.url } })
 * await server.close()
 */
export async function createMockRealtimeServer(
  options: MockRealtimeServerOptions = {},
): Promise<MockRealtimeServer> {
  const clock = options.clock ?? systemClock
  const seed = options.seed ?? 1
  const log = new MockServerLog(options.maxLoggedFrames, () => clock.now())
  const context: ServerContext = {
    options,
    brain: options.brain ?? createMockBrain(),
    clock,
    log,
    seed,
    resumption: new ResumptionRegistry(clock),
    minted: new Map(),
  }
  const httpIds = new IdFactory(hashString(`${seed}:http`))
  let nextIndex = 0
  // WebRTC calls share the connection numbering (and the log) with the WebSockets.
  const calls = new WebRTCCalls(context, () => nextIndex++)
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert })
    : createHttpServer()
  server.on('request', (request, response) => {
    if (!calls.handle(request, response)) handleHttp(request, response, context, httpIds)
  })
  const wss = new WebSocketServer({
    noServer: true,
    autoPong: false,
    perMessageDeflate: options.perMessageDeflate ?? true,
    handleProtocols: (offered: Set<string>, request: IncomingMessage) =>
      routeRequest(request.url ?? '/', options.gemini?.proxyPath)?.protocol === 'openai'
        ? selectOpenAIProtocol(offered)
        : false,
  })
  const open = new Map<string, { handle: MockConnectionHandle; ws: WebSocket }>()

  const accept = (ws: WebSocket, request: IncomingMessage, route: Route, socket: Duplex): void => {
    const index = nextIndex++
    const id = `${route.protocol}-${index}`
    const record = {
      id,
      index,
      protocol: route.protocol,
      path: route.path,
      subprotocol: ws.protocol || undefined,
    }
    log.addConnection(record)
    const faults = new FaultController(
      faultsFor(options.faults, { id, index, protocol: route.protocol, path: route.path }),
    )
    const conn = new WireConnection(ws, {
      record,
      socket,
      protocol: route.protocol,
      binary: route.protocol === 'gemini' && options.gemini?.binaryFrames !== false,
      log,
      clock,
      faults,
      kindOf: route.protocol === 'openai' ? openaiKind : geminiKind,
    })
    const handle: MockConnectionHandle = {
      id,
      index,
      protocol: route.protocol,
      inject: (fault) => faults.inject(fault),
      close: (code, reason = '') => conn.close(code, reason),
      drop: () => conn.drop(),
    }
    open.set(id, { handle, ws })
    conn.onClose(() => open.delete(id))
    const connectionSeed = hashString(`${seed}:${index}`)
    if (route.protocol === 'gemini') {
      new GeminiSession(conn, context, route, request.headers, connectionSeed)
      return
    }
    const offered = parseProtocols(request.headers['sec-websocket-protocol'])
    const handshake = readOpenAIHandshake(request.headers, offered, route.query)
    const refused = checkOpenAIHandshake(handshake, context)
    if (refused) {
      // The service upgrades every request, then reports the problem and closes.
      conn.send(errorEvent(new IdFactory(connectionSeed).openai('event'), refused.error, null))
      conn.close(refused.closeCode, closeReason(refused.error))
      return
    }
    new OpenAISession(conn, context, handshake.model ?? 'gpt-realtime', connectionSeed)
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const route = routeRequest(request.url ?? '/', options.gemini?.proxyPath)
    if (!route) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => accept(ws, request, route, socket))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const secure = options.tls !== undefined
  const base = `${secure ? 'https' : 'http'}://${host}:${address.port}`
  const wsBase = `${secure ? 'wss' : 'ws'}://${host}:${address.port}`

  return {
    url: base,
    openaiUrl: `${wsBase}/v1/realtime?model=gpt-realtime`,
    geminiUrl: `${wsBase}/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent`,
    port: address.port,
    log,
    connections: () => [...open.values()].map((entry) => entry.handle).concat(calls.connections()),
    refuseResumes: (count) => context.resumption.refuseNext(count),
    close: async () => {
      calls.close()
      const sockets = [...open.values()].map((entry) => entry.ws)
      const closed = Promise.all(
        sockets.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve()))),
      )
      for (const ws of sockets) ws.close(1001, 'Server shutting down')
      // A client that does not finish the closing handshake within a second is cut off. This
      // grace period uses the system clock on purpose: an injected fake clock must not hang close().
      let grace: ReturnType<typeof setTimeout> | undefined
      await Promise.race([
        closed,
        new Promise<void>((resolve) => (grace = setTimeout(resolve, 1000))),
      ])
      clearTimeout(grace)
      for (const ws of sockets) ws.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function parseProtocols(header: string | string[] | undefined): Set<string> {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '')
  return new Set(
    text
      .split(',')
      .map((protocol) => protocol.trim())
      .filter((protocol) => protocol !== ''),
  )
}
