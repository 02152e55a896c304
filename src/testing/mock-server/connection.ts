import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import type { MockClock } from './clock'
import type { FaultController, MockCloseSpec } from './faults'
import type { MockConnectionRecord, MockProtocol, MockServerLog } from './log'
import { throttleReads } from './read-throttle'

/**
 * One accepted WebSocket, as the protocol sessions see it: send JSON (logged, delayed or dropped
 * as the faults say), receive parsed frames, close or drop. The protocol code never touches `ws`.
 */
export interface IncomingFrame {
  /** The frame's text (binary frames are decoded as UTF-8). */
  text: string
  binary: boolean
}

interface QueuedFrame {
  data: string | Buffer
  binary: boolean
  kind: string
  message: unknown
  dueAt: number
}

/**
 * What a protocol session needs from its connection. A WebSocket (`WireConnection`) is one; the
 * `oai-events` data channel of a WebRTC call (`webrtc/data-channel-wire.ts`) is another, so the
 * same OpenAI session logic serves both transports.
 */
export type MockWire = Pick<
  WireConnection,
  | 'id'
  | 'protocol'
  | 'clock'
  | 'faults'
  | 'open'
  | 'onMessage'
  | 'onClose'
  | 'logIncoming'
  | 'send'
  | 'sendRaw'
  | 'close'
  | 'drop'
  | 'ping'
>

export interface WireConnectionOptions {
  record: MockConnectionRecord
  /** The upgraded TCP socket, so a drop can end it without a close frame. */
  socket: Duplex
  protocol: MockProtocol
  /** Gemini sends its JSON in binary frames, OpenAI in text frames. */
  binary: boolean
  log: MockServerLog
  clock: MockClock
  faults: FaultController
  kindOf: (message: unknown) => string
}

export class WireConnection {
  readonly id: string
  readonly protocol: MockProtocol
  readonly clock: MockClock
  readonly faults: FaultController
  readonly #ws: WebSocket
  readonly #options: WireConnectionOptions
  readonly #queue: QueuedFrame[] = []
  #timer: unknown
  #closing = false
  /** Frames handed to `ws` whose bytes are not on the socket yet (compression is asynchronous). */
  #inflight = 0
  #dropWhenFlushed = false
  #closeListeners: Array<(code: number, reason: string) => void> = []
  /** Ends a `throttleReads` fault in effect. */
  #unthrottle: (() => void) | undefined
  /** Pongs held back by a `slowPings` fault; cleared on close so they keep nothing alive. */
  readonly #pongTimers = new Set<unknown>()

  constructor(ws: WebSocket, options: WireConnectionOptions) {
    this.#ws = ws
    this.#options = options
    this.id = options.record.id
    this.protocol = options.protocol
    this.clock = options.clock
    this.faults = options.faults
    ws.on('ping', (data: Buffer) => this.#answerPing(data))
    // A client that sends an invalid frame makes `ws` emit an error; the socket then closes
    // (1002/1007/1009) and the close handler below reports it. Without a listener it would throw.
    ws.on('error', () => {})
    const offInjected = options.faults.onInjected(() => this.#throttle())
    this.#throttle()
    ws.on('close', (code: number, reason: Buffer) => {
      this.#closing = true
      offInjected()
      this.#unthrottle?.()
      this.#clearQueue()
      for (const timer of this.#pongTimers) this.clock.clearTimeout(timer)
      this.#pongTimers.clear()
      options.record.close ??= { code, reason: reason.toString(), initiatedBy: 'client' }
      options.log.connectionClosed(options.record)
      for (const listener of this.#closeListeners) listener(code, reason.toString())
    })
  }

  /** True until the socket starts closing (by either side). */
  get open(): boolean {
    return !this.#closing && this.#ws.readyState === this.#ws.OPEN
  }

  onMessage(handler: (frame: IncomingFrame) => void): void {
    this.#ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const buffer = Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.isBuffer(data)
          ? data
          : Buffer.from(data)
      const text = buffer.toString('utf8')
      handler({ text, binary: isBinary })
    })
  }

  onClose(listener: (code: number, reason: string) => void): void {
    this.#closeListeners.push(listener)
  }

  /** Logs a frame the client sent. */
  logIncoming(message: unknown, kind: string, frame: IncomingFrame): void {
    this.#options.log.record({
      connectionId: this.id,
      protocol: this.protocol,
      direction: 'in',
      kind,
      message,
      binary: frame.binary,
      bytes: Buffer.byteLength(frame.text),
    })
  }

  /** Sends one JSON message in the protocol's frame type. */
  send(message: unknown): void {
    this.sendRaw(JSON.stringify(message), this.#options.kindOf(message), message)
  }

  /** Sends text that may not be JSON (malformed-frame faults). */
  sendRaw(text: string, kind: string, message: unknown = text): void {
    if (this.#closing) return
    const binary = this.#options.binary
    const data = binary ? Buffer.from(text, 'utf8') : text
    const delay = this.faults.frameDelay(kind)
    const frame: QueuedFrame = { data, binary, kind, message, dueAt: this.clock.now() + delay }
    // Once anything is queued, everything queues behind it, so delays never reorder frames.
    if (delay === 0 && this.#queue.length === 0) {
      this.#write(frame)
      return
    }
    this.#queue.push(frame)
    this.#schedule()
  }

  /** Closes with a close frame. */
  close(code: number, reason: string): void {
    if (this.#closing) return
    this.#closing = true
    this.#clearQueue()
    // A close reason may hold at most 123 bytes of UTF-8.
    let limited = reason
    while (Buffer.byteLength(limited) > 123) limited = limited.slice(0, -1)
    this.#options.record.close = { code, reason: limited, initiatedBy: 'server' }
    this.#ws.close(code, limited)
  }

  /**
   * Drops the TCP connection without a close frame (the client sees 1006), or closes with `spec`.
   * The socket is ended rather than destroyed, so every frame sent before the drop still arrives:
   * "drop after N frames" means exactly N frames reach the client.
   */
  drop(spec?: MockCloseSpec): void {
    if (spec) {
      this.close(spec.code, spec.reason ?? '')
      return
    }
    if (this.#closing) return
    this.#closing = true
    this.#clearQueue()
    this.#options.record.close = { code: 1006, reason: '', initiatedBy: 'server' }
    this.#dropWhenFlushed = true
    if (this.#inflight === 0) this.#options.socket.end()
  }

  /** Sends a WebSocket ping (the real OpenAI server pings about every 20 s). */
  ping(): void {
    if (this.open) this.#ws.ping()
  }

  #write(frame: QueuedFrame): void {
    if (this.#closing) return
    this.#inflight++
    this.#ws.send(frame.data, { binary: frame.binary }, () => {
      this.#inflight--
      if (this.#dropWhenFlushed && this.#inflight === 0) this.#options.socket.end()
    })
    this.#options.log.record({
      connectionId: this.id,
      protocol: this.protocol,
      direction: 'out',
      kind: frame.kind,
      message: frame.message,
      binary: frame.binary,
      bytes: typeof frame.data === 'string' ? Buffer.byteLength(frame.data) : frame.data.length,
    })
    this.faults.frameSent()
  }

  /** Applies a `throttleReads` fault (scripted or injected). */
  #throttle(): void {
    const spec = this.faults.takeReadThrottle()
    if (spec === undefined || this.#closing) return
    this.#unthrottle?.()
    this.#unthrottle = throttleReads(this.#options.socket, this.clock, spec)
  }

  #schedule(): void {
    if (this.#timer !== undefined) return
    const head = this.#queue[0]
    if (!head) return
    this.#timer = this.clock.setTimeout(
      () => {
        this.#timer = undefined
        const now = this.clock.now()
        while (this.#queue[0] && this.#queue[0].dueAt <= now && !this.#closing) {
          this.#write(this.#queue.shift()!)
        }
        this.#schedule()
      },
      Math.max(0, head.dueAt - this.clock.now()),
    )
  }

  #clearQueue(): void {
    this.#queue.length = 0
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #answerPing(data: Buffer): void {
    const delay = this.faults.pongDelay()
    if (delay === 0) {
      if (this.open) this.#ws.pong(data)
      return
    }
    const timer = this.clock.setTimeout(() => {
      this.#pongTimers.delete(timer)
      if (this.open) this.#ws.pong(data)
    }, delay)
    this.#pongTimers.add(timer)
  }
}
