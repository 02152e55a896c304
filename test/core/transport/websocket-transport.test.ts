import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocketServer } from 'ws'
import type { WebSocket } from 'ws'
import { isRealtimeError } from '../../../src/core/errors'
import { isNodeRuntime } from '../../../src/core/transport/default-factory'
import { openWebSocketTransport } from '../../../src/core/transport/open-websocket'
import type {
  TransportEvent,
  WebSocketTransport,
} from '../../../src/core/transport/websocket-transport'
import { fakeFactory } from './fake-socket'
import type { FakeSocket } from './fake-socket'

interface Server {
  url: string
  requests: IncomingMessage[]
  nextSocket: () => Promise<WebSocket>
  close: () => Promise<void>
}

const servers: Server[] = []

async function startServer(): Promise<Server> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  })
  await new Promise<void>((resolve) => wss.once('listening', resolve))
  const requests: IncomingMessage[] = []
  const waiting: Array<(socket: WebSocket) => void> = []
  const ready: WebSocket[] = []
  wss.on('connection', (socket, request) => {
    requests.push(request)
    const waiter = waiting.shift()
    if (waiter) waiter(socket)
    else ready.push(socket)
  })
  const server: Server = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v1/realtime`,
    requests,
    nextSocket: () => {
      const socket = ready.shift()
      return socket ? Promise.resolve(socket) : new Promise((resolve) => waiting.push(resolve))
    },
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate()
        wss.close(() => resolve())
      }),
  }
  servers.push(server)
  return server
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

/** A transport opened over a fake socket, and that socket. */
async function openOverFake(): Promise<{ socket: FakeSocket; transport: WebSocketTransport }> {
  const { factory, sockets } = fakeFactory()
  const opening = openWebSocketTransport({ url: 'ws://x', webSocketFactory: factory })
  await Promise.resolve()
  const socket = sockets[0]!
  socket.open()
  return { socket, transport: await opening }
}

function collect(events: TransportEvent[]): (event: TransportEvent) => void {
  return (event) => events.push(event)
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(check()).toBe(true)
}

describe('openWebSocketTransport over a real socket', () => {
  it('should send headers in Node and select the offered subprotocol', async () => {
    expect(isNodeRuntime()).toBe(true)
    const server = await startServer()
    const transport = await openWebSocketTransport({
      url: server.url,
      headers: { Authorization: 'Bearer sk-test' },
      protocols: ['realtime', 'openai-insecure-api-key.ek_x'],
    })
    expect(transport.protocol).toBe('realtime')
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test')
    const offered = server.requests[0]?.headers['sec-websocket-protocol']?.split(/,\s*/)
    expect(offered).toEqual(['realtime', 'openai-insecure-api-key.ek_x'])
    await transport.close()
  })

  it('should not lose a frame the server sends the moment the socket opens', async () => {
    // `ws` can emit 'open' and the first 'message' in the same tick, before `await` resumes.
    const server = await startServer()
    const greeted = server.nextSocket().then((socket) => socket.send('{"type":"session.created"}'))
    const transport = await openWebSocketTransport({ url: server.url })
    await greeted
    const events: TransportEvent[] = []
    transport.subscribe(collect(events))
    await until(() => events.length === 1)
    expect(events[0]).toEqual({
      type: 'message',
      data: '{"type":"session.created"}',
      binary: false,
    })
    await transport.close()
  })

  it('should carry text and binary frames both ways', async () => {
    const server = await startServer()
    const transport = await openWebSocketTransport({ url: server.url })
    const socket = await server.nextSocket()
    const received: Array<{ data: unknown; binary: boolean }> = []
    socket.on('message', (data, binary) =>
      received.push({ data: binary ? data : data.toString(), binary }),
    )
    const events: TransportEvent[] = []
    transport.subscribe(collect(events))
    transport.send('{"a":1}')
    transport.send(new Uint8Array([1, 2, 3]))
    socket.send('{"b":2}')
    socket.send(Buffer.from('{"c":3}'), { binary: true })
    await until(() => events.length === 2 && received.length === 2)
    expect(received[0]).toEqual({ data: '{"a":1}', binary: false })
    expect(received[1]?.binary).toBe(true)
    expect([...(received[1]?.data as Buffer)]).toEqual([1, 2, 3])
    expect(events[0]).toEqual({ type: 'message', data: '{"b":2}', binary: false })
    expect(events[1]).toMatchObject({ type: 'message', binary: true })
    expect(new TextDecoder().decode((events[1] as { data: Uint8Array }).data)).toBe('{"c":3}')
    await transport.close()
  })

  it('should drop an over-size frame with an event and keep delivering later frames', async () => {
    const server = await startServer()
    const transport = await openWebSocketTransport({ url: server.url, maxInboundFrameBytes: 64 })
    const socket = await server.nextSocket()
    const events: TransportEvent[] = []
    transport.subscribe(collect(events))
    socket.send(JSON.stringify({ type: 'big', data: 'x'.repeat(100) }))
    socket.send(Buffer.alloc(65), { binary: true })
    socket.send('{"type":"small"}')
    await until(() => events.length === 3)
    expect(events[0]).toMatchObject({ type: 'oversize', binary: false, limit: 64 })
    expect((events[0] as { head: string }).head.startsWith('{"type":"big"')).toBe(true)
    expect(events[1]).toMatchObject({ type: 'oversize', binary: true, byteLength: 65 })
    expect(events[2]).toEqual({ type: 'message', data: '{"type":"small"}', binary: false })
    expect(transport.isOpen()).toBe(true)
    await transport.close()
  })

  it('should count UTF-8 bytes, not characters, against the limit', async () => {
    const server = await startServer()
    const transport = await openWebSocketTransport({ url: server.url, maxInboundFrameBytes: 10 })
    const socket = await server.nextSocket()
    const events: TransportEvent[] = []
    transport.subscribe(collect(events))
    socket.send('ééééé') // 5 characters, 10 bytes: fits
    socket.send('éééééé') // 6 characters, 12 bytes: too large
    await until(() => events.length === 2)
    expect(events.map((event) => event.type)).toEqual(['message', 'oversize'])
    expect(events[1]).toMatchObject({ byteLength: 12 })
    await transport.close()
  })

  it('should surface a server close code and reason as a DisconnectReason', async () => {
    const server = await startServer()
    const transport = await openWebSocketTransport({ url: server.url })
    const socket = await server.nextSocket()
    socket.close(4000, 'invalid_request_error.invalid_model')
    await expect(transport.closed).resolves.toEqual({
      code: 4000,
      reason: 'invalid_request_error.invalid_model',
      initiatedBy: 'server',
    })
    expect(transport.isOpen()).toBe(false)
    expect(() => transport.send('x')).toThrow(expect.objectContaining({ code: 'not_connected' }))
  })

  it('should report a dropped connection as a network close (1006)', async () => {
    const server = await startServer()
    const transport = await openWebSocketTransport({ url: server.url })
    const socket = await server.nextSocket()
    socket.terminate()
    await expect(transport.closed).resolves.toMatchObject({ code: 1006, initiatedBy: 'network' })
  })

  it('should report a client close as initiated by the client', async () => {
    const server = await startServer()
    const transport = await openWebSocketTransport({ url: server.url })
    const socket = await server.nextSocket()
    const serverSaw = new Promise<number>((resolve) =>
      socket.once('close', (code) => resolve(code)),
    )
    await expect(transport.close(1000, 'bye')).resolves.toMatchObject({
      code: 1000,
      initiatedBy: 'client',
    })
    await expect(serverSaw).resolves.toBe(1000)
  })

  it('should cut a close reason to 123 bytes on a character boundary, so the close is sent', async () => {
    const server = await startServer()
    const transport = await openWebSocketTransport({ url: server.url })
    const socket = await server.nextSocket()
    const serverSaw = new Promise<string>((resolve) =>
      socket.once('close', (_code, reason) => resolve(reason.toString())),
    )
    // 200 bytes of two-byte characters: 123 would split one, so 61 whole ones (122 bytes) go.
    await expect(transport.close(1000, 'é'.repeat(100))).resolves.toMatchObject({
      code: 1000,
      initiatedBy: 'client',
    })
    await expect(serverSaw).resolves.toBe('é'.repeat(61))
  })

  it('should fail with connection_failed when nothing listens', async () => {
    const server = await startServer()
    const url = server.url
    await server.close()
    servers.length = 0
    const error = await openWebSocketTransport({ url }).catch((caught: unknown) => caught)
    expect(isRealtimeError(error, 'connection_failed')).toBe(true)
  })
})

describe('openWebSocketTransport with an injected factory', () => {
  it('should pass url, protocols and headers to the factory and use arraybuffer frames', async () => {
    const { factory, sockets } = fakeFactory()
    const opening = openWebSocketTransport({
      url: 'wss://example.test/x',
      protocols: ['p1'],
      headers: { h: 'v' },
      webSocketFactory: factory,
    })
    await Promise.resolve()
    const socket = sockets[0]!
    expect(socket.request).toEqual({
      url: 'wss://example.test/x',
      protocols: ['p1'],
      headers: { h: 'v' },
    })
    expect(socket.binaryType).toBe('arraybuffer')
    socket.open('p1')
    const transport = await opening
    expect(transport.protocol).toBe('p1')
  })

  it('should hold frames that arrive before the first subscriber', async () => {
    const { socket, transport } = await openOverFake()
    socket.receive('first')
    socket.receive(new Uint8Array([7]).buffer)
    const events: TransportEvent[] = []
    transport.subscribe(collect(events))
    socket.receive('third')
    expect(events.map((event) => (event.type === 'message' ? event.data : event.type))).toEqual([
      'first',
      new Uint8Array([7]),
      'third',
    ])
  })

  it('should reject with cancelled and close the socket when aborted while opening', async () => {
    const { factory, sockets } = fakeFactory()
    const controller = new AbortController()
    const opening = openWebSocketTransport({
      url: 'ws://x',
      webSocketFactory: factory,
      signal: controller.signal,
    })
    await Promise.resolve()
    controller.abort()
    await expect(opening).rejects.toMatchObject({ code: 'cancelled' })
    expect(sockets[0]!.closeCalls).toHaveLength(1)
  })

  it('should reject with cancelled before calling the factory when already aborted', async () => {
    const { factory, sockets } = fakeFactory()
    const controller = new AbortController()
    controller.abort()
    await expect(
      openWebSocketTransport({
        url: 'ws://x',
        webSocketFactory: factory,
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: 'cancelled' })
    expect(sockets).toHaveLength(0)
  })

  it('should reject with cancelled and close the socket when aborted while an async factory runs', async () => {
    const { factory, sockets } = fakeFactory()
    const controller = new AbortController()
    let create!: () => void
    const opening = openWebSocketTransport({
      url: 'ws://x',
      webSocketFactory: (request) =>
        new Promise((resolve) => (create = () => resolve(factory(request)))),
      signal: controller.signal,
    })
    await vi.waitFor(() => expect(create).toBeTypeOf('function'))
    controller.abort()
    create()
    await expect(opening).rejects.toMatchObject({ code: 'cancelled' })
    expect(sockets[0]!.closeCalls).toHaveLength(1)
  })

  it('should close without arguments when the runtime refuses the code, and wait for the peer', async () => {
    const { socket, transport } = await openOverFake()
    const plainClose = socket.close.bind(socket)
    socket.close = (code, reason) => {
      if (code !== undefined) throw new RangeError(`invalid close code ${code}`)
      plainClose(code, reason)
    }
    let settled = false
    void transport.close(999).then(() => (settled = true))
    expect(socket.closeCalls).toEqual([{ code: undefined, reason: undefined }])
    await new Promise((resolve) => setTimeout(resolve, 10))
    // Not reported closed while the socket is still closing.
    expect(settled).toBe(false)
    socket.serverClose(1005)
    await expect(transport.closed).resolves.toMatchObject({ code: 1005, initiatedBy: 'client' })
  })

  it('should leave a close the server started to the server, even if the client then closes', async () => {
    const { socket, transport } = await openOverFake()
    socket.readyState = 2 // the server's close frame is in; its close event is on the way
    const closing = transport.close()
    socket.serverClose(3000, 'invalid_request_error.invalid_api_key')
    await expect(closing).resolves.toEqual({
      code: 3000,
      reason: 'invalid_request_error.invalid_api_key',
      initiatedBy: 'server',
    })
    expect(socket.closeCalls).toEqual([])
  })

  it('should reject with timeout when the socket never opens', async () => {
    const { factory } = fakeFactory()
    await expect(
      openWebSocketTransport({ url: 'ws://x', webSocketFactory: factory, connectTimeoutMs: 20 }),
    ).rejects.toMatchObject({ code: 'timeout' })
  })

  it('should reject with connection_failed carrying the close code when closed before open', async () => {
    const { factory, sockets } = fakeFactory()
    const opening = openWebSocketTransport({ url: 'ws://x', webSocketFactory: factory })
    await Promise.resolve()
    sockets[0]!.serverClose(1008, 'policy')
    await expect(opening).rejects.toMatchObject({ code: 'connection_failed', providerCode: 1008 })
  })

  it('should wrap a factory failure as connection_failed', async () => {
    await expect(
      openWebSocketTransport({
        url: 'ws://x',
        webSocketFactory: () => {
          throw new Error('boom')
        },
      }),
    ).rejects.toMatchObject({ code: 'connection_failed' })
  })

  it('should settle close() after a grace period when the peer never answers', async () => {
    const { transport } = await openOverFake()
    vi.useFakeTimers()
    try {
      let settled = false
      const closing = transport.close(1000, 'done').then((reason) => {
        settled = true
        return reason
      })
      await vi.advanceTimersByTimeAsync(2_000)
      expect(settled).toBe(false)
      await vi.advanceTimersByTimeAsync(1_000)
      await expect(closing).resolves.toEqual({ code: 1000, reason: 'done', initiatedBy: 'client' })
    } finally {
      vi.useRealTimers()
    }
  })
})
