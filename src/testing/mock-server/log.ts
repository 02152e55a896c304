/**
 * Everything that crossed the mock server's sockets, per connection, in order. Tests assert on it
 * ("the client sent a truncate with audio_end_ms ≤ what it received"), and the replay tests
 * compare its frame kinds with recorded sessions.
 */

export type MockProtocol = 'openai' | 'gemini'

/** One WebSocket data frame, as seen by the server. */
export interface MockFrame {
  /** Position in the whole server's log (all connections), from 0. */
  readonly seq: number
  readonly connectionId: string
  readonly protocol: MockProtocol
  /** `in`: sent by the client. `out`: sent by the mock. */
  readonly direction: 'in' | 'out'
  /**
   * What the frame is: the OpenAI `type`, or the Gemini message's keys (`setup`,
   * `realtimeInput.audio`, `serverContent.turnComplete+usageMetadata`, `toolCall`, …).
   * `<malformed>` for a frame that is not JSON, `<binary>` for a client binary frame that is not.
   */
  readonly kind: string
  /** The parsed JSON message, or the raw text when it was not JSON. */
  readonly message: unknown
  readonly binary: boolean
  readonly bytes: number
  /** When the mock sent the frame, or read it from the socket: ms on the server's clock. */
  readonly at: number
}

export interface MockConnectionRecord {
  readonly id: string
  /** Order of arrival on this server, from 0. */
  readonly index: number
  readonly protocol: MockProtocol
  /** The raw request path, exactly as the client sent it (`//ws/…` included). */
  readonly path: string
  readonly subprotocol: string | undefined
  /** Set when the socket closed. `initiatedBy` is `server` when the mock closed or dropped it. */
  close?: { code: number; reason: string; initiatedBy: 'server' | 'client' }
}

type FrameListener = (frame: MockFrame) => void

/**
 * @example
 * const done = server.log.waitFor((f) => f.direction === 'out' && f.kind === 'response.done')
 * client.send({ type: 'response.create' })
 * await done
 */
export class MockServerLog {
  readonly #frames: MockFrame[] = []
  readonly #connections: MockConnectionRecord[] = []
  readonly #listeners = new Set<FrameListener>()
  readonly #closeWaiters = new Map<string, Array<(record: MockConnectionRecord) => void>>()
  readonly #finished = new Set<string>()
  readonly #maxFrames: number
  readonly #now: () => number
  #nextSeq = 0

  /**
   * @param maxFrames - frames kept; the oldest are forgotten beyond it, so a long-running mock
   * (the CLI, the demo) does not grow without bound. Default: keep everything.
   * @param now - the clock that stamps `at` (the server passes its own).
   */
  constructor(maxFrames = Number.POSITIVE_INFINITY, now: () => number = () => Date.now()) {
    this.#maxFrames = maxFrames
    this.#now = now
  }

  /** All frames of all connections, in order. */
  get frames(): readonly MockFrame[] {
    return this.#frames
  }

  get connections(): readonly MockConnectionRecord[] {
    return this.#connections
  }

  /** Frames of one connection, optionally of one direction. */
  framesOf(connectionId: string, direction?: 'in' | 'out'): MockFrame[] {
    return this.#frames.filter(
      (frame) =>
        frame.connectionId === connectionId &&
        (direction === undefined || frame.direction === direction),
    )
  }

  /** The kinds of one connection's frames, server-sent by default. */
  kinds(connectionId: string, direction: 'in' | 'out' = 'out'): string[] {
    return this.framesOf(connectionId, direction).map((frame) => frame.kind)
  }

  /** Called for every frame from now on; returns an unsubscribe function. */
  subscribe(listener: FrameListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /**
   * Resolves with the first frame, already logged or future, that matches. The predicate is
   * checked against each frame as it is logged, so it may also look at other state (`kinds()`)
   * that only frames change. It never times out by itself (tests bound it with their own
   * timeout); pass a signal to give up (one that has already aborted rejects at once).
   */
  waitFor(
    predicate: (frame: MockFrame) => boolean,
    options: { signal?: AbortSignal; since?: number } = {},
  ): Promise<MockFrame> {
    const { signal } = options
    if (signal?.aborted) return Promise.reject(signal.reason)
    const since = options.since ?? 0
    const existing = this.#frames.find((frame) => frame.seq >= since && predicate(frame))
    if (existing) return Promise.resolve(existing)
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        unsubscribe()
        reject(signal?.reason)
      }
      const unsubscribe = this.subscribe((frame) => {
        if (!predicate(frame)) return
        unsubscribe()
        // A long-lived signal shared by many waits must not collect a listener per frame awaited.
        signal?.removeEventListener('abort', onAbort)
        resolve(frame)
      })
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /**
   * Resolves once the connection's socket has closed, with the record (whose `close` says who
   * closed it and with which code).
   */
  closed(connectionId: string): Promise<MockConnectionRecord> {
    const record = this.#connections.find((entry) => entry.id === connectionId)
    if (record?.close && this.#finished.has(connectionId)) return Promise.resolve(record)
    return new Promise((resolve) => {
      const waiters = this.#closeWaiters.get(connectionId) ?? []
      waiters.push(resolve)
      this.#closeWaiters.set(connectionId, waiters)
    })
  }

  /** Forgets everything logged so far (connections stay known). */
  clear(): void {
    this.#frames.length = 0
  }

  /** @internal */
  addConnection(record: MockConnectionRecord): void {
    this.#connections.push(record)
  }

  /** @internal Called when a connection's socket has closed. */
  connectionClosed(record: MockConnectionRecord): void {
    this.#finished.add(record.id)
    for (const resolve of this.#closeWaiters.get(record.id) ?? []) resolve(record)
    this.#closeWaiters.delete(record.id)
  }

  /** @internal */
  record(frame: Omit<MockFrame, 'seq' | 'at'>): MockFrame {
    const logged: MockFrame = { ...frame, seq: this.#nextSeq++, at: this.#now() }
    this.#frames.push(logged)
    // Trim in batches so a full log does not pay a shift on every frame.
    if (this.#frames.length > this.#maxFrames * 1.25) {
      this.#frames.splice(0, this.#frames.length - this.#maxFrames)
    }
    for (const listener of [...this.#listeners]) listener(logged)
    return logged
  }
}

/** The kind of an OpenAI event: its `type`. */
export function openaiKind(message: unknown): string {
  const type = isRecord(message) ? message.type : undefined
  return typeof type === 'string' ? type : '<untyped>'
}

/**
 * The kind of a Gemini message: its top-level keys joined by `+`, with the first level of
 * `serverContent` and `realtimeInput` spelled out (`serverContent.modelTurn`,
 * `serverContent.turnComplete+usageMetadata`, `realtimeInput.audio`). Snake-case client keys are
 * reported in camelCase so Python-style and JS-style clients compare equal.
 */
export function geminiKind(message: unknown): string {
  if (!isRecord(message)) return '<untyped>'
  const parts: string[] = []
  for (const [key, value] of Object.entries(message)) {
    const name = snakeToCamel(key)
    if ((name === 'serverContent' || name === 'realtimeInput') && isRecord(value)) {
      parts.push(`${name}.${Object.keys(value).map(snakeToCamel).join('+')}`)
    } else {
      parts.push(name)
    }
  }
  return parts.join('+')
}

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase())
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
