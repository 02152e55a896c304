import type { MockClock } from '../clock'
import type { IncomingFrame, MockWire } from '../connection'
import type { FaultController, MockCloseSpec } from '../faults'
import { openaiKind, type MockConnectionRecord, type MockServerLog } from '../log'
import type { WeriftDataChannel } from './werift'

interface Queued {
  text: string
  kind: string
  message: unknown
  dueAt: number
}

export interface DataChannelWireOptions {
  record: MockConnectionRecord
  channel: WeriftDataChannel
  log: MockServerLog
  clock: MockClock
  faults: FaultController
  /** Ends the call (closes the peer connection): a close, a drop, or the channel going away. */
  hangUp: () => void
}

/**
 * A WebRTC call's `oai-events` data channel as the OpenAI session sees its connection: the same
 * JSON events, logged in the server's frame log under the call's connection id, delayed or
 * dropped as the faults say. Data channels have no close codes: a close or a drop ends the call,
 * and the log records the code the fault or the session asked for.
 */
export class DataChannelWire implements MockWire {
  readonly id: string
  readonly protocol = 'openai' as const
  readonly clock: MockClock
  readonly faults: FaultController
  readonly #options: DataChannelWireOptions
  readonly #queue: Queued[] = []
  readonly #closeListeners: Array<(code: number, reason: string) => void> = []
  #timer: unknown
  #closing = false
  #finished = false

  constructor(options: DataChannelWireOptions) {
    this.#options = options
    this.id = options.record.id
    this.clock = options.clock
    this.faults = options.faults
    options.channel.stateChanged.subscribe((state) => {
      if (state === 'closed') this.#finish(1000, '', 'client')
    })
  }

  get open(): boolean {
    return !this.#closing && this.#options.channel.readyState === 'open'
  }

  onMessage(handler: (frame: IncomingFrame) => void): void {
    this.#options.channel.onMessage.subscribe((data) => {
      const binary = typeof data !== 'string'
      handler({ text: binary ? Buffer.from(data).toString('utf8') : data, binary })
    })
  }

  onClose(listener: (code: number, reason: string) => void): void {
    this.#closeListeners.push(listener)
  }

  logIncoming(message: unknown, kind: string, frame: IncomingFrame): void {
    this.#options.log.record({
      connectionId: this.id,
      protocol: 'openai',
      direction: 'in',
      kind,
      message,
      binary: frame.binary,
      bytes: Buffer.byteLength(frame.text),
    })
  }

  send(message: unknown): void {
    this.sendRaw(JSON.stringify(message), openaiKind(message), message)
  }

  sendRaw(text: string, kind: string, message: unknown = text): void {
    if (this.#closing) return
    const delay = this.faults.frameDelay(kind)
    const frame: Queued = { text, kind, message, dueAt: this.clock.now() + delay }
    // Once anything is queued, everything queues behind it, so delays never reorder frames.
    if (delay === 0 && this.#queue.length === 0) {
      this.#write(frame)
      return
    }
    this.#queue.push(frame)
    this.#schedule()
  }

  close(code: number, reason: string): void {
    if (this.#closing) return
    this.#options.record.close = { code, reason, initiatedBy: 'server' }
    this.#finish(code, reason, 'server')
  }

  /** Ends the call without a goodbye (the browser sees the peer connection fail). */
  drop(spec?: MockCloseSpec): void {
    if (this.#closing) return
    this.#options.record.close = {
      code: spec?.code ?? 1006,
      reason: spec?.reason ?? '',
      initiatedBy: 'server',
    }
    this.#finish(spec?.code ?? 1006, spec?.reason ?? '', 'server')
  }

  /** WebRTC has no WebSocket pings: ICE consent checks keep the call alive. */
  ping(): void {}

  #write(frame: Queued): void {
    if (this.#closing) return
    try {
      this.#options.channel.send(frame.text)
    } catch {
      return // the channel closed under us; its state change ends the wire
    }
    this.#options.log.record({
      connectionId: this.id,
      protocol: 'openai',
      direction: 'out',
      kind: frame.kind,
      message: frame.message,
      binary: false,
      bytes: Buffer.byteLength(frame.text),
    })
    this.faults.frameSent()
  }

  #schedule(): void {
    if (this.#timer !== undefined) return
    const head = this.#queue[0]
    if (head === undefined) return
    this.#timer = this.clock.setTimeout(
      () => {
        this.#timer = undefined
        const now = this.clock.now()
        while (this.#queue[0] !== undefined && this.#queue[0].dueAt <= now && !this.#closing) {
          this.#write(this.#queue.shift()!)
        }
        this.#schedule()
      },
      Math.max(0, head.dueAt - this.clock.now()),
    )
  }

  #finish(code: number, reason: string, by: 'server' | 'client'): void {
    if (this.#finished) return
    this.#finished = true
    this.#closing = true
    this.#queue.length = 0
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer)
    this.#timer = undefined
    this.#options.record.close ??= { code, reason, initiatedBy: by }
    this.#options.hangUp()
    this.#options.log.connectionClosed(this.#options.record)
    for (const listener of this.#closeListeners) listener(code, reason)
  }
}
