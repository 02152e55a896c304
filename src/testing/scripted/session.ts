import type { RealtimeConfig } from '../../core/config'
import { RealtimeError } from '../../core/errors'
import { EventStream } from '../../core/event-stream'
import type {
  ClientEvent,
  ProviderName,
  ResponseOptions,
  ServerEvent,
  ToolResult,
  VideoMimeType,
} from '../../core/events'
import type { Scheduler } from '../../core/runner/scheduler'
import type {
  ContextMutationOutcome,
  DisconnectReason,
  ProviderCapabilities,
  RealtimeSession,
  ServerEventListener,
  VideoFrameOptions,
} from '../../core/session'
import { assertVideoFrame, assertVideoSupported } from '../../core/providers/video-frame'

/** Every call a client made on a scripted session, in order. */
export type ScriptedCall =
  | { method: 'sendAudio'; pcm: Uint8Array }
  | { method: 'sendVideoFrame'; frame: Uint8Array; mimeType: VideoMimeType }
  | { method: 'sendText'; text: string }
  | { method: 'sendToolResult'; result: ToolResult }
  | { method: 'commitAudio' }
  | { method: 'clearAudio' }
  | { method: 'createResponse'; options?: ResponseOptions }
  | { method: 'interrupt' }
  | { method: 'truncate'; itemId: string; playedMs: number; contentIndex?: number }
  | { method: 'sendEvent'; event: ClientEvent }
  | { method: 'mutateContext'; config: RealtimeConfig }
  | { method: 'close'; reason?: string }

export type ScriptedCallOf<TMethod extends ScriptedCall['method']> = Extract<
  ScriptedCall,
  { method: TMethod }
>

/** A step of a script: an event to emit, or a pause on the scheduler. */
export type ScriptStep = ServerEvent | { wait: number }

export interface ScriptedSessionOptions {
  id: string
  provider: ProviderName
  capabilities: ProviderCapabilities
  config: RealtimeConfig
  scheduler: Scheduler
  /** Delay before `mutateContext` answers (a slow acknowledgement). */
  mutationDelayMs: number
  /** Lets a test refuse a live change (e.g. OpenAI `cannot_update_voice`). */
  rejectMutation?: (config: RealtimeConfig) => RealtimeError | undefined
}

/**
 * An in-memory `RealtimeSession`: it records every client call (`calls`), and a test or story
 * drives it from the server side (`emit`, `play`, `drop`, `goAway`, `issueHandle`). Runs anywhere:
 * no sockets, no Node APIs, time only through the injected scheduler.
 */
export class ScriptedSession implements RealtimeSession {
  readonly id: string
  readonly provider: ProviderName
  readonly capabilities: ProviderCapabilities
  /** The config the session was opened with (then each config passed to `mutateContext`). */
  config: RealtimeConfig
  readonly calls: ScriptedCall[] = []
  /**
   * What the session reports as unsent transport bytes. A test sets it to simulate a slow link
   * (the runner skips video frames while it is above its limit).
   */
  bufferedAmount = 0
  readonly closed: Promise<DisconnectReason>
  readonly #stream = new EventStream<ServerEvent>()
  readonly #options: ScriptedSessionOptions
  readonly #pendingMutations = new Set<(error: RealtimeError) => void>()
  /** Pending timers; script pauses are released when the session ends so `play` settles. */
  readonly #timers = new Map<unknown, { callback: () => void; releaseOnEnd: boolean }>()
  #resolveClosed!: (reason: DisconnectReason) => void
  #connected = true

  constructor(options: ScriptedSessionOptions) {
    this.id = options.id
    this.provider = options.provider
    this.capabilities = options.capabilities
    this.config = options.config
    this.#options = options
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve
    })
  }

  isConnected(): boolean {
    return this.#connected
  }

  /** Subscribers and iterators currently attached (0 once nothing listens any more). */
  get listenerCount(): number {
    return this.#stream.listenerCount
  }

  /** The recorded calls of one method. */
  callsOf<TMethod extends ScriptedCall['method']>(method: TMethod): Array<ScriptedCallOf<TMethod>> {
    return this.calls.filter((call): call is ScriptedCallOf<TMethod> => call.method === method)
  }

  // --- RealtimeSession ---------------------------------------------------------------------

  sendAudio(pcm: Uint8Array): void {
    this.#record({ method: 'sendAudio', pcm })
  }
  /** Checked like a provider does it: `unsupported` without video, `invalid_video` for bad bytes. */
  sendVideoFrame(frame: Uint8Array, options: VideoFrameOptions): void {
    assertVideoSupported(this.capabilities, this.provider)
    assertVideoFrame(frame, options.mimeType)
    this.#record({ method: 'sendVideoFrame', frame, mimeType: options.mimeType })
  }
  sendText(text: string): void {
    this.#record({ method: 'sendText', text })
  }
  sendToolResult(result: ToolResult): void {
    this.#record({ method: 'sendToolResult', result })
  }
  commitAudio(): void {
    this.#record({ method: 'commitAudio' })
  }
  clearAudio(): void {
    this.#record({ method: 'clearAudio' })
  }
  createResponse(options?: ResponseOptions): void {
    this.#record(
      options === undefined ? { method: 'createResponse' } : { method: 'createResponse', options },
    )
  }
  interrupt(): void {
    this.#record({ method: 'interrupt' })
  }
  truncate(itemId: string, playedMs: number, contentIndex?: number): void {
    this.#record({
      method: 'truncate',
      itemId,
      playedMs,
      ...(contentIndex === undefined ? {} : { contentIndex }),
    })
  }
  sendEvent(event: ClientEvent): void {
    this.#record({ method: 'sendEvent', event })
  }

  mutateContext(config: RealtimeConfig): Promise<ContextMutationOutcome> {
    this.#record({ method: 'mutateContext', config })
    if (!this.capabilities.liveContextMutation) {
      return Promise.resolve({ kind: 'requiresResumption', config })
    }
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        this.#pendingMutations.delete(reject)
        const refusal = this.#options.rejectMutation?.(config)
        if (refusal) return reject(refusal)
        this.config = config
        resolve({ kind: 'applied' })
      }
      this.#pendingMutations.add(reject)
      this.#later(this.#options.mutationDelayMs, settle)
    })
  }

  subscribe(listener: ServerEventListener): () => void {
    return this.#stream.subscribe(listener)
  }

  events(): AsyncIterableIterator<ServerEvent> {
    return this.#stream.iterate()
  }

  close(reason?: string): Promise<void> {
    if (this.#connected) {
      this.calls.push(reason === undefined ? { method: 'close' } : { method: 'close', reason })
    }
    this.#end({ code: 1000, reason: reason ?? 'client closed', initiatedBy: 'client' })
    return Promise.resolve()
  }

  // --- server side -------------------------------------------------------------------------

  /** Emits events now, in order, as if the provider had sent them. */
  emit(...events: ServerEvent[]): void {
    if (!this.#connected) return
    for (const event of events) this.#stream.push(event)
  }

  /** Plays a script; `{ wait }` steps pause on the scheduler. Resolves when the script ends. */
  async play(steps: readonly ScriptStep[]): Promise<void> {
    for (const step of steps) {
      if (!this.#connected) return
      if ('wait' in step)
        await new Promise<void>((resolve) => this.#later(step.wait, resolve, true))
      else this.emit(step)
    }
  }

  /** Tells the client a resumption handle (Gemini `sessionResumptionUpdate`). */
  issueHandle(handle: string | undefined, resumable = true): void {
    this.emit(
      handle === undefined
        ? { type: 'resumption.update', resumable }
        : { type: 'resumption.update', resumable, handle },
    )
  }

  /** Announces the provider will close the connection in `timeLeftMs` (Gemini `goAway`). */
  goAway(timeLeftMs: number): void {
    this.emit({ type: 'goAway', timeLeftMs })
  }

  /** An unexpected disconnect: the network dropped (1006 by default). */
  drop(code = 1006, reason = 'connection lost'): void {
    this.#end({
      code,
      reason,
      initiatedBy: 'network',
      error: new RealtimeError('connection_failed', `Connection dropped: ${reason}`),
    })
  }

  /** The provider closed the connection. */
  serverClose(code = 1011, reason = 'server closed'): void {
    this.#end({ code, reason, initiatedBy: 'server' })
  }

  #record(call: ScriptedCall): void {
    if (!this.#connected) {
      throw new RealtimeError('not_connected', `Cannot ${call.method}: the session is closed`)
    }
    this.calls.push(call)
  }

  #later(ms: number, callback: () => void, releaseOnEnd = false): void {
    if (ms <= 0) {
      queueMicrotask(callback)
      return
    }
    const { scheduler } = this.#options
    const handle = scheduler.setTimeout(() => {
      this.#timers.delete(handle)
      callback()
    }, ms)
    this.#timers.set(handle, { callback, releaseOnEnd })
  }

  #end(reason: DisconnectReason): void {
    if (!this.#connected) return
    this.#connected = false
    for (const [handle, timer] of this.#timers) {
      this.#options.scheduler.clearTimeout(handle)
      if (timer.releaseOnEnd) timer.callback()
    }
    this.#timers.clear()
    for (const reject of this.#pendingMutations) {
      reject(
        new RealtimeError('session_closed', 'The session closed before acknowledging the change'),
      )
    }
    this.#pendingMutations.clear()
    this.#stream.end()
    this.#resolveClosed(reason)
  }
}
