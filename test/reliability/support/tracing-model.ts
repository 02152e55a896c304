import { getEventListeners } from 'node:events'
import type {
  ConnectOptions,
  RealtimeConfig,
  RealtimeModel,
  RealtimeSession,
  ServerEvent,
} from '../../../src/core'

/** One session the runner opened, as the tracing model saw it. */
export interface TracedSession {
  /** Order of `connect` calls that produced a session, from 0. */
  readonly ordinal: number
  readonly session: RealtimeSession
  /** The config it was opened with. */
  readonly config: RealtimeConfig
  /** Subscriptions the runner holds now (0 once it let go of the session). */
  subscriptions: number
  /** Events delivered to the runner, in order. */
  delivered: number
  /** `wireSeq()` when the runner's last subscription ended (it stopped listening). */
  releasedAt: number | undefined
  /** The mock's id for this connection: OpenAI `session.created`'s id, or Gemini's first handle. */
  wireKey: string | undefined
}

/**
 * Wraps a model to see what the runner does with its sessions: which it opened, when it stopped
 * listening to each, how many listeners it left on them, and which abort signals it handed to
 * `connect` (each must end with no listeners). Calls pass straight through.
 */
export class TracingModel implements RealtimeModel {
  readonly sessions: TracedSession[] = []
  readonly signals: AbortSignal[] = []
  /** Simulated time of every `connect` call. */
  readonly connectTimes: number[] = []
  readonly #inner: RealtimeModel
  readonly #wireSeq: () => number
  readonly #now: () => number
  connects = 0
  failedConnects = 0

  constructor(inner: RealtimeModel, wireSeq: () => number, now: () => number) {
    this.#inner = inner
    this.#wireSeq = wireSeq
    this.#now = now
  }

  get provider(): RealtimeModel['provider'] {
    return this.#inner.provider
  }

  get modelId(): string {
    return this.#inner.modelId
  }

  get capabilities(): RealtimeModel['capabilities'] {
    return this.#inner.capabilities
  }

  async connect(config: RealtimeConfig, options: ConnectOptions = {}): Promise<RealtimeSession> {
    this.connects++
    this.connectTimes.push(this.#now())
    if (options.signal) this.signals.push(options.signal)
    let session: RealtimeSession
    try {
      session = await this.#inner.connect(config, options)
    } catch (error) {
      this.failedConnects++
      throw error
    }
    const traced: TracedSession = {
      ordinal: this.sessions.length,
      session,
      config,
      subscriptions: 0,
      delivered: 0,
      releasedAt: undefined,
      wireKey: undefined,
    }
    this.sessions.push(traced)
    return wrapSession(traced, this.#wireSeq)
  }

  /** Abort listeners still attached to the signals the runner passed to `connect`. */
  abortListeners(): number {
    return this.signals.reduce((sum, signal) => sum + getEventListeners(signal, 'abort').length, 0)
  }

  /** Subscriptions the runner still holds across every session it opened. */
  subscriptions(): number {
    return this.sessions.reduce((sum, traced) => sum + traced.subscriptions, 0)
  }
}

function wrapSession(traced: TracedSession, wireSeq: () => number): RealtimeSession {
  const target = traced.session
  const subscribe = (listener: (event: ServerEvent) => void): (() => void) => {
    traced.subscriptions++
    let active = true
    const unsubscribe = target.subscribe((event) => {
      traced.wireKey ??= wireKeyOf(event)
      traced.delivered++
      listener(event)
    })
    return () => {
      if (!active) return
      active = false
      traced.subscriptions--
      if (traced.subscriptions === 0) traced.releasedAt = wireSeq()
      unsubscribe()
    }
  }
  return new Proxy(target, {
    get(object, property) {
      if (property === 'subscribe') return subscribe
      const value: unknown = Reflect.get(object, property, object)
      // Private fields need the real instance as `this`.
      return typeof value === 'function' ? (value as () => unknown).bind(object) : value
    },
  })
}

/** The mock's own id for a connection, as the first events of the session reveal it. */
function wireKeyOf(event: ServerEvent): string | undefined {
  if (event.type === 'raw' && event.frameType === 'session.created') {
    const id = (event.data as { session?: { id?: unknown } } | undefined)?.session?.id
    return typeof id === 'string' ? id : undefined
  }
  if (event.type === 'session.ready' && event.providerSessionId !== undefined) {
    return event.providerSessionId
  }
  if (event.type === 'resumption.update' && event.handle !== undefined) return event.handle
  return undefined
}
