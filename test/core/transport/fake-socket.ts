import type {
  WebSocketCloseLike,
  WebSocketFactory,
  WebSocketLike,
  WebSocketMessageLike,
  WebSocketRequest,
} from '../../../src/core/transport/websocket-like'

/** A scripted socket: tests open it, push frames into it and read what was sent. */
export class FakeSocket implements WebSocketLike {
  readyState = 0
  protocol = ''
  bufferedAmount = 0
  binaryType = 'blob'
  onopen: ((event: unknown) => void) | null = null
  onmessage: ((event: WebSocketMessageLike) => void) | null = null
  onerror: ((event: unknown) => void) | null = null
  onclose: ((event: WebSocketCloseLike) => void) | null = null
  readonly sent: Array<string | ArrayBufferLike | ArrayBufferView> = []
  closeCalls: Array<{ code: number | undefined; reason: string | undefined }> = []

  constructor(readonly request: WebSocketRequest) {}

  open(protocol = ''): void {
    this.protocol = protocol
    this.readyState = 1
    this.onopen?.({})
  }

  receive(data: unknown): void {
    this.onmessage?.({ data })
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3
    this.onclose?.({ code, reason, wasClean: code !== 1006 })
  }

  send(data: string | ArrayBufferLike | ArrayBufferView): void {
    this.sent.push(data)
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason })
    if (this.readyState === 3) return
    this.readyState = 2
  }

  /** The sent text frames, parsed. */
  sentJson(): unknown[] {
    return this.sent.filter((item) => typeof item === 'string').map((item) => JSON.parse(item))
  }
}

/** A factory that records every socket it creates. */
export function fakeFactory(): { factory: WebSocketFactory; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = []
  return {
    sockets,
    factory: (request) => {
      const socket = new FakeSocket(request)
      sockets.push(socket)
      return socket
    },
  }
}
