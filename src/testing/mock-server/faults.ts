import type { MockProtocol } from './log'

/**
 * Fault injection, per connection. A fault either fires at a point in the server's output
 * (`afterFrames`: once the mock has sent that many frames on the connection), at a point in a
 * turn (mid-response, mid-tool-call), or changes how the connection behaves (delays, slow pongs,
 * a refused resume).
 *
 * Dropping a connection without `close` terminates the TCP socket with no close frame, which a
 * client sees as code 1006 — what a network failure looks like. With `close`, the mock sends that
 * close frame instead.
 */
export type MockFault =
  /** Drop the connection once the mock has sent `afterFrames` frames on it. */
  | { type: 'drop'; afterFrames: number; close?: MockCloseSpec }
  /**
   * Drop in the middle of a response, right after its `afterAudioChunks`-th audio chunk (default
   * 1), counted from the start of that response.
   */
  | { type: 'dropMidResponse'; afterAudioChunks?: number; close?: MockCloseSpec }
  /** Drop right after a tool call reached the client, before it can send the result. */
  | { type: 'dropMidToolCall'; close?: MockCloseSpec }
  /** Hold back every server frame (or frames of these kinds) by `ms`; order is kept. */
  | { type: 'delayFrames'; ms: number; kinds?: readonly string[] }
  /** Send a text frame that is not JSON. */
  | { type: 'malformedFrame'; afterFrames?: number }
  /** Send a well-formed but huge frame of about `bytes` bytes (an audio chunk padded out). */
  | { type: 'oversizeFrame'; bytes: number; afterFrames?: number }
  /**
   * Report an internal server error: OpenAI sends an `error` event of type `server_error` and
   * keeps the socket; Gemini closes with 1011, as both services do.
   */
  | { type: 'serverError'; afterFrames?: number; message?: string }
  /** Gemini: refuse a resume attempted on this connection (close 1011, service unavailable). */
  | { type: 'refuseResume' }
  /** Gemini: send `goAway { timeLeft }` (the connection is then closed when the time is up). */
  | { type: 'goAway'; timeLeftMs: number; afterFrames?: number }
  /** Answer client pings only after `delayMs` (Gemini pongs were measured at 8–30 s). */
  | { type: 'slowPings'; delayMs: number }
  /**
   * Read what the client sends at most `bytesPerSecond` fast, for `durationMs` (default: until
   * the connection ends): a slow uplink. The mock stops reading its socket in between, so TCP
   * pushes back and the client's `bufferedAmount` grows once the operating system's buffers
   * (a few MB on loopback) are full. WebSocket connections only. A later `throttleReads`
   * replaces the one in effect; `durationMs: 0` lifts it.
   */
  | { type: 'throttleReads'; bytesPerSecond: number; durationMs?: number }

export interface MockCloseSpec {
  code: number
  reason?: string
}

/** What a fault script knows about a connection when it is opened. */
export interface MockConnectionInfo {
  id: string
  /** Order of arrival on this server, from 0. */
  index: number
  protocol: MockProtocol
  path: string
}

/** A fixed list for every connection, or a function that scripts each connection. */
export type MockFaultPlan =
  readonly MockFault[] | ((connection: MockConnectionInfo) => readonly MockFault[] | undefined)

export function faultsFor(plan: MockFaultPlan | undefined, info: MockConnectionInfo): MockFault[] {
  if (plan === undefined) return []
  return [...((typeof plan === 'function' ? plan(info) : plan) ?? [])]
}

/** The protocol-specific actions a fault needs; implemented by each protocol's session. */
export interface FaultTarget {
  sendMalformed(): void
  sendOversize(bytes: number): void
  sendServerError(message: string | undefined): void
  sendGoAway(timeLeftMs: number): void
  drop(close: MockCloseSpec | undefined): void
}

type Triggered = Extract<MockFault, { afterFrames?: number }>

/**
 * Holds one connection's faults and decides when each fires. It never sends anything itself: it
 * calls back into the protocol session through {@link FaultTarget}.
 */
export class FaultController {
  readonly #pending: MockFault[]
  #target: FaultTarget | undefined
  #framesSent = 0
  readonly #injected = new Set<() => void>()

  constructor(faults: readonly MockFault[]) {
    this.#pending = [...faults]
  }

  attach(target: FaultTarget): void {
    this.#target = target
  }

  /** Adds a fault at run time; a frame-triggered one whose point has passed fires at once. */
  inject(fault: MockFault): void {
    this.#pending.push(fault)
    this.#fireDue()
    for (const listener of [...this.#injected]) listener()
  }

  /** Called after every run-time `inject` (for faults the connection applies itself). */
  onInjected(listener: () => void): () => void {
    this.#injected.add(listener)
    return () => this.#injected.delete(listener)
  }

  /** Consumes a `throttleReads` fault if there is one. */
  takeReadThrottle(): { bytesPerSecond: number; durationMs?: number } | undefined {
    const index = this.#pending.findIndex((fault) => fault.type === 'throttleReads')
    if (index < 0) return undefined
    const [fault] = this.#pending.splice(index, 1)
    return fault?.type === 'throttleReads' ? fault : undefined
  }

  /** How long to hold back a frame of this kind. */
  frameDelay(kind: string): number {
    let ms = 0
    for (const fault of this.#pending) {
      if (fault.type !== 'delayFrames') continue
      if (fault.kinds === undefined || fault.kinds.includes(kind)) ms = Math.max(ms, fault.ms)
    }
    return ms
  }

  /** How long to wait before answering a client ping. */
  pongDelay(): number {
    let ms = 0
    for (const fault of this.#pending) {
      if (fault.type === 'slowPings') ms = Math.max(ms, fault.delayMs)
    }
    return ms
  }

  /** Consumes a `refuseResume` fault if there is one. */
  takeRefuseResume(): boolean {
    const index = this.#pending.findIndex((fault) => fault.type === 'refuseResume')
    if (index < 0) return false
    this.#pending.splice(index, 1)
    return true
  }

  /** Called by the connection after each frame it actually sent. */
  frameSent(): void {
    this.#framesSent++
    this.#fireDue()
  }

  /**
   * Called by a response (a Gemini turn) after each audio chunk it sent, with how many it has sent
   * so far: `afterAudioChunks` counts within one response, so a fault injected between turns
   * drops the next response at that chunk, whatever came before it on the connection.
   */
  audioChunkSent(chunksInResponse: number): void {
    const index = this.#pending.findIndex(
      (fault) =>
        fault.type === 'dropMidResponse' && chunksInResponse >= (fault.afterAudioChunks ?? 1),
    )
    if (index < 0) return
    const [fault] = this.#pending.splice(index, 1)
    if (fault?.type === 'dropMidResponse') this.#target?.drop(fault.close)
  }

  /** Called once a tool call has fully reached the client. */
  toolCallSent(): void {
    const index = this.#pending.findIndex((fault) => fault.type === 'dropMidToolCall')
    if (index < 0) return
    const [fault] = this.#pending.splice(index, 1)
    if (fault?.type === 'dropMidToolCall') this.#target?.drop(fault.close)
  }

  #fireDue(): void {
    const target = this.#target
    if (!target) return
    for (;;) {
      const index = this.#pending.findIndex(
        (fault) => isTriggered(fault) && this.#framesSent >= triggerPoint(fault),
      )
      if (index < 0) return
      const [fault] = this.#pending.splice(index, 1)
      if (!fault) return
      switch (fault.type) {
        case 'drop':
          target.drop(fault.close)
          return
        case 'malformedFrame':
          target.sendMalformed()
          break
        case 'oversizeFrame':
          target.sendOversize(fault.bytes)
          break
        case 'serverError':
          target.sendServerError(fault.message)
          break
        case 'goAway':
          target.sendGoAway(fault.timeLeftMs)
          break
        default:
          break
      }
    }
  }
}

function isTriggered(fault: MockFault): fault is Triggered {
  return (
    fault.type === 'drop' ||
    fault.type === 'malformedFrame' ||
    fault.type === 'oversizeFrame' ||
    fault.type === 'serverError' ||
    fault.type === 'goAway'
  )
}

/** Frame-triggered faults default to firing right after the first frame (the session is ready). */
function triggerPoint(fault: Triggered): number {
  return fault.afterFrames ?? 1
}
