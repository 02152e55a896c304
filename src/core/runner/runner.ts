import type { RealtimeAgent } from '../agent'
import { parseRealtimeConfig, parseSessionUpdate } from '../config'
import type { RealtimeConfig, SessionUpdateInput } from '../config'
import { mergeSessionUpdate, withResumptionHandle } from '../config-merge'
import { RealtimeError } from '../errors'
import { EventStream } from '../event-stream'
import type { ClientEvent, ResponseOptions, ServerEvent } from '../events'
import type { DisconnectReason, RealtimeModel, RealtimeSession } from '../session'
import { emptyTranscript, reduceTranscript, transcriptToSeedItems } from '../transcript'
import type { TranscriptEvent } from '../transcript'
import { defaultReconnectPolicy, jitterDelay } from './backoff'
import type { ReconnectPolicy } from './backoff'
import { connectWithTimeout } from './connect'
import { AssistantAudioTracker, interruptAssistant } from './interruption'
import type { InterruptionResult, PlaybackController } from './interruption'
import { Mailbox } from './mailbox'
import type {
  ConnectionStatus,
  RealtimeRunnerOptions,
  RunnerEvent,
  RunnerEventHandlers,
  RunnerSnapshot,
  UpdateSessionResult,
} from './options'
import { Outbox } from './outbox'
import { TimerSet, defaultScheduler } from './scheduler'
import type { Scheduler } from './scheduler'
import { activityOf, idleState, pendingOf } from './state'
import type { PendingResumption, RunnerEffect, RunnerMachineEvent, RunnerState } from './state'
import { ToolCalls } from './tool-calls'
import type { ToolResponseInput } from './tool-calls'
import { ToolExecutor } from './tool-executor'
import type { ToolOutcome } from './tool-executor'
import { compileTools } from './tools'
import type { CompiledTool, ToolInput } from './tools'
import { transition } from './transition'
import type { TransitionOptions } from './transition'

/** A sparse session change; `tools` may carry handlers. */
export type RunnerSessionUpdate = Omit<SessionUpdateInput, 'tools'> & {
  tools?: readonly ToolInput[] | undefined
}

interface ConnectPlan {
  config: RealtimeConfig
  version: number
  tools: Map<string, CompiledTool>
  seedItems?: ReturnType<typeof transcriptToSeedItems>
}

type MailItem =
  | { kind: 'server'; epoch: number; event: ServerEvent }
  | { kind: 'sessionClosed'; epoch: number; reason: DisconnectReason }
  | { kind: 'machine'; event: RunnerMachineEvent }
  | { kind: 'tool.outcome'; epoch: number; outcome: ToolOutcome }
  | { kind: 'resumed'; attempt: number; session: RealtimeSession; plan: ConnectPlan }
  | { kind: 'resumeFailed'; attempt: number; error: RealtimeError }

const lifecycleTypes: ReadonlySet<string> = new Set([
  'connection.status',
  'disconnected',
  'playback.interrupted',
  'agent.changed',
])

/**
 * Owns one realtime session at a time and keeps it useful: runs tools, tracks the conversation,
 * applies config changes (live, or through a resumption when the provider needs one), resumes
 * after go-aways and network drops, and stops the assistant on barge-in. The TypeScript port of
 * the Rust crate's `RealtimeRunner`, with the defects in its reference §8 fixed.
 *
 * Everything the runner reacts to — provider events, tool results, timers, connection results —
 * goes through one in-order mailbox and a pure state machine (`transition`).
 *
 * @example
 * const runner = new RealtimeRunner({
 *   model: new OpenAIRealtimeModel({ apiKey }),
 *   instruction: 'You are a friendly concierge.',
 *   tools: [weatherTool],
 *   handlers: { onAudio: (pcm) => player.enqueue(pcm) },
 * })
 * await runner.connect()
 * runner.sendAudio(microphoneFrame)
 * await runner.updateSession({ instruction: 'Now speak French.' }, { bridgeMessage: 'Switch to French.' })
 * for await (const event of runner) if (event.type === 'transcript.delta') print(event.delta)
 * await runner.close()
 */
export class RealtimeRunner<TContext = unknown> {
  readonly model: RealtimeModel
  readonly #handlers: RunnerEventHandlers
  readonly #scheduler: Scheduler
  readonly #random: () => number
  readonly #policy: ReconnectPolicy
  readonly #transitionOptions: TransitionOptions
  readonly #autoReconnect: boolean
  readonly #connectTimeoutMs: number
  readonly #playback: PlaybackController | undefined
  readonly #context: TContext
  readonly #timers: TimerSet<'retry' | 'deadline'>
  readonly #mailbox: Mailbox<MailItem>
  readonly #eventListeners = new Set<(event: RunnerEvent) => void>()
  readonly #snapshotListeners = new Set<(snapshot: RunnerSnapshot) => void>()
  readonly #outbox: Outbox
  readonly #tools: ToolCalls
  readonly #audio = new AssistantAudioTracker()
  #events = new EventStream<RunnerEvent>()
  #canonical: RealtimeConfig
  #version = 0
  #pendingTools: Map<string, CompiledTool>
  #liveTools = new Map<string, CompiledTool>()
  #sessionVersion = -1
  #agent: RealtimeAgent<TContext> | undefined
  #state: RunnerState = idleState
  #connection: ConnectionStatus = 'idle'
  #session: RealtimeSession | undefined
  #unbind: (() => void) | undefined
  #epoch = 0
  #attempt = 0
  #connectAbort: AbortController | undefined
  #connecting: Promise<void> | undefined
  #deferredBridge: string | undefined
  #transcript = emptyTranscript
  #lastError: RealtimeError | undefined
  #snapshot: RunnerSnapshot
  #runWaiters: Array<{ resolve: () => void; reject: (error: RealtimeError) => void }> = []

  constructor(options: RealtimeRunnerOptions<TContext>) {
    this.model = options.model
    this.#handlers = options.handlers ?? {}
    this.#scheduler = options.scheduler ?? defaultScheduler
    this.#random = options.random ?? Math.random
    this.#policy = { ...defaultReconnectPolicy, ...options.reconnect }
    this.#autoReconnect = options.autoReconnect ?? true
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 15_000
    this.#playback = options.playback
    this.#context = options.context as TContext
    this.#agent = options.agent
    this.#transitionOptions = {
      responseAfterToolOutputs: this.model.capabilities.responseAfterToolOutputs,
      reconnect: this.#policy,
      goAwayMarginMs: options.goAwayMarginMs ?? 2_000,
    }
    const { tools: configTools, ...config } = options.config ?? {}
    const agent = this.#agent?.resolve(this.#context, (target) => this.#handoff(target))
    this.#pendingTools = compileTools([
      ...(configTools ?? []),
      ...(options.tools ?? []),
      ...(agent?.tools ?? []),
    ])
    this.#canonical = parseRealtimeConfig({
      ...config,
      ...(options.instruction === undefined ? {} : { instruction: options.instruction }),
      ...(options.voice === undefined ? {} : { voice: options.voice }),
      ...(agent === undefined ? {} : { instruction: agent.instruction }),
      ...(agent?.voice === undefined ? {} : { voice: agent.voice }),
      ...(this.#pendingTools.size === 0 && configTools === undefined
        ? {}
        : { tools: definitionsOf(this.#pendingTools) }),
    })
    const sampleRate = this.model.capabilities.inputSampleRate
    this.#outbox = new Outbox(((options.maxBufferedAudioMs ?? 5_000) / 1000) * sampleRate * 2)
    this.#timers = new TimerSet(this.#scheduler)
    this.#mailbox = new Mailbox<MailItem>(
      (item) => this.#handle(item),
      (error) => console.error(error),
    )
    const executor = new ToolExecutor({
      maxConcurrentTools: Math.max(1, options.maxConcurrentTools ?? 4),
      toolTimeoutMs: options.toolTimeoutMs ?? 30_000,
      scheduler: this.#scheduler,
    })
    this.#tools = new ToolCalls(
      {
        epoch: () => this.#epoch,
        session: () => this.#session,
        tool: (name) => this.#liveTools.get(name),
        callbacks: () => ({
          ...(this.#agent?.beforeToolCall ? { before: this.#agent.beforeToolCall } : {}),
          ...(this.#agent?.afterToolCall ? { after: this.#agent.afterToolCall } : {}),
        }),
        autoExecute: options.autoExecuteTools ?? true,
        autoRespond: options.autoRespondTools ?? true,
        machine: (event) => this.#mailbox.post({ kind: 'machine', event }),
        outcome: (epoch, outcome) => this.#mailbox.post({ kind: 'tool.outcome', epoch, outcome }),
        emit: (event) => this.#emit(event),
      },
      executor,
    )
    this.#snapshot = this.#buildSnapshot()
  }

  // --- observation -------------------------------------------------------------------------

  /** The current snapshot; the same object until something changes. */
  getState(): RunnerSnapshot {
    return this.#snapshot
  }

  /** Called synchronously with every new snapshot. Returns the unsubscribe function. */
  subscribe(listener: (snapshot: RunnerSnapshot) => void): () => void {
    const entry = (snapshot: RunnerSnapshot): void => listener(snapshot)
    this.#snapshotListeners.add(entry)
    return () => this.#snapshotListeners.delete(entry)
  }

  /** Called synchronously with every event, in order. Returns the unsubscribe function. */
  onEvent(listener: (event: RunnerEvent) => void): () => void {
    const entry = (event: RunnerEvent): void => listener(event)
    this.#eventListeners.add(entry)
    return () => this.#eventListeners.delete(entry)
  }

  /** Iterates over events from now until `close()`. */
  events(): AsyncIterableIterator<RunnerEvent> {
    return this.#events.iterate()
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<RunnerEvent> {
    return this.events()
  }

  /** The canonical config: every update merged, with the newest resumable handle. */
  get config(): RealtimeConfig {
    return this.#canonical
  }

  get sessionId(): string | undefined {
    return this.#session?.id
  }

  isConnected(): boolean {
    return this.#connection === 'connected' && this.#session?.isConnected() === true
  }

  // --- lifecycle ---------------------------------------------------------------------------

  /**
   * Opens the session. Calling it again while connecting returns the same promise, and while
   * connected (or reconnecting) does nothing, so it never leaks a session. Rejects with a typed
   * error; the connection status becomes `failed`.
   */
  connect(): Promise<void> {
    if (this.#connecting) return this.#connecting
    if (this.#connection === 'connected' || this.#connection === 'reconnecting') {
      return Promise.resolve()
    }
    this.#mailbox.reopen()
    const connecting = this.#open().finally(() => {
      this.#connecting = undefined
    })
    this.#connecting = connecting
    return connecting
  }

  /** Connects if needed, then resolves when the runner is closed (rejects when it fails). */
  async run(): Promise<void> {
    await this.connect()
    if (this.#connection === 'closed') return
    if (this.#connection === 'failed' && this.#lastError) throw this.#lastError
    return new Promise((resolve, reject) => this.#runWaiters.push({ resolve, reject }))
  }

  /**
   * Closes the session and stops everything: timers, tools (their signals abort), connects in
   * flight, iterators and `run()`. Snapshot and event subscribers stay, and see `closed`.
   */
  async close(): Promise<void> {
    this.#attempt += 1
    this.#connectAbort?.abort(new RealtimeError('cancelled', 'The runner was closed'))
    this.#connectAbort = undefined
    this.#timers.clearAll()
    this.#tools.cancelAll('The runner was closed')
    this.#mailbox.close()
    const session = this.#detach()
    this.#outbox.clear()
    this.#deferredBridge = undefined
    this.#state = transition(this.#state, { type: 'closed' }, this.#transitionOptions).state
    this.#setConnection('closed')
    this.#events.end()
    this.#events = new EventStream<RunnerEvent>()
    for (const waiter of this.#runWaiters.splice(0)) waiter.resolve()
    if (session) await session.close('client closed')
  }

  // --- sending -----------------------------------------------------------------------------

  /** PCM16 mono at the provider's input rate. Buffered (bounded) while reconnecting. */
  sendAudio(pcm: Uint8Array): void {
    this.#send({ type: 'audio.append', pcm })
  }

  sendText(text: string): void {
    this.#send({ type: 'text', text })
  }

  commitAudio(): void {
    this.#send({ type: 'audio.commit' })
  }

  clearAudio(): void {
    this.#send({ type: 'audio.clear' })
  }

  createResponse(options?: ResponseOptions): void {
    this.#send(
      options === undefined ? { type: 'response.create' } : { type: 'response.create', options },
    )
  }

  /**
   * Stops the assistant now: local playback first, then the provider's response, then a
   * truncation to what the user heard (where supported).
   */
  interrupt(): InterruptionResult {
    return this.#interrupt(false)
  }

  /** Answers a tool call the runner did not answer itself. */
  sendToolResponse(response: ToolResponseInput): void {
    this.#tools.respond(response)
  }

  /**
   * Any client event; `session.update` is turned into `updateSession` (the crate's
   * `UpdateSession` intent), `tool.result` into `sendToolResponse`.
   */
  async sendClientEvent(event: ClientEvent): Promise<void> {
    if (event.type === 'session.update') {
      const options =
        event.bridgeMessage === undefined ? {} : { bridgeMessage: event.bridgeMessage }
      await this.updateSession(event.update, options)
      return
    }
    if (event.type === 'tool.result') {
      this.sendToolResponse(event.result)
      return
    }
    this.#send(event)
  }

  /**
   * Changes the session mid-call. The delta is validated (a bad one throws `invalid_config` and
   * changes nothing), merged into the canonical config, then applied: in place where the provider
   * can (OpenAI), otherwise through a resumption — now if the session is quiet, else queued until
   * it is (a newer update replaces a queued one). The bridge message is sent as a user message
   * after either path, exactly once.
   */
  async updateSession(
    delta: RunnerSessionUpdate,
    options: { bridgeMessage?: string } = {},
  ): Promise<UpdateSessionResult> {
    const { tools: toolInputs, ...fields } = delta
    const parsed = parseSessionUpdate(fields)
    const tools = toolInputs === undefined ? undefined : compileTools(toolInputs)
    const previous = { config: this.#canonical, tools: this.#pendingTools }
    this.#canonical = mergeSessionUpdate(
      this.#canonical,
      tools === undefined ? parsed : { ...parsed, tools: definitionsOf(tools) },
    )
    if (tools !== undefined) this.#pendingTools = tools
    this.#version += 1
    this.#notify()
    return this.#applyCanonical(options.bridgeMessage, previous)
  }

  /**
   * Hands the conversation to a sub-agent of the active agent (what its `transfer_to_<name>`
   * tool does). Throws `unknown_agent` for anything else.
   */
  async transferTo(name: string): Promise<UpdateSessionResult> {
    if (!this.#agent) {
      throw new RealtimeError(
        'unknown_agent',
        `Cannot transfer to "${name}": the runner has no agent`,
      )
    }
    return this.#transfer(this.#agent.transferTarget(name))
  }

  // --- internals ---------------------------------------------------------------------------

  /** What a `transfer_to_<name>` tool runs: the output reaches the model once this settles. */
  async #handoff(target: RealtimeAgent<TContext>): Promise<void> {
    await this.#transfer(target)
  }

  async #transfer(target: RealtimeAgent<TContext>): Promise<UpdateSessionResult> {
    const from = this.#agent?.name ?? ''
    this.#agent = target
    const resolved = target.resolve(this.#context, (next) => this.#handoff(next))
    this.#emit({ type: 'agent.changed', from, to: target.name })
    this.#notify()
    return this.updateSession(
      {
        instruction: resolved.instruction,
        tools: resolved.tools,
        ...(resolved.voice === undefined ? {} : { voice: resolved.voice }),
      },
      target.handoffMessage === undefined ? {} : { bridgeMessage: target.handoffMessage },
    )
  }

  async #applyCanonical(
    bridgeMessage: string | undefined,
    previous?: { config: RealtimeConfig; tools: Map<string, CompiledTool> },
  ): Promise<UpdateSessionResult> {
    const session = this.#session
    if (!session || this.#connection !== 'connected') {
      if (this.#state.status === 'resuming') {
        this.#requestResumption(bridgeMessage)
        return { kind: 'queued' }
      }
      if (bridgeMessage !== undefined) this.#deferredBridge = bridgeMessage
      return { kind: 'stored' }
    }
    const version = this.#version
    const tools = this.#pendingTools
    let outcome
    try {
      outcome = await session.mutateContext(this.#canonical)
    } catch (cause) {
      const error = RealtimeError.from(cause, 'update_rejected')
      // Undo only if no newer update landed meanwhile: the canonical config must describe what
      // the provider runs, and a later update must not be rolled back by this one's failure.
      if (previous && this.#version === version) {
        this.#canonical = { ...previous.config, ...sessionResumptionOf(this.#canonical) }
        this.#pendingTools = previous.tools
        this.#version += 1
        this.#sessionVersion = this.#version
      }
      this.#emitError(error)
      throw error
    }
    if (session !== this.#session) return this.#applyCanonical(bridgeMessage)
    if (outcome.kind === 'applied') {
      this.#sessionVersion = Math.max(this.#sessionVersion, version)
      this.#liveTools = tools
      if (bridgeMessage !== undefined) this.#deferBridge(bridgeMessage)
      return { kind: 'applied' }
    }
    const quiet = this.#state.status === 'idle'
    this.#requestResumption(bridgeMessage)
    return { kind: quiet ? 'resuming' : 'queued' }
  }

  #requestResumption(bridgeMessage: string | undefined): void {
    this.#mailbox.post({
      kind: 'machine',
      event: {
        type: 'resumption.requested',
        config: this.#canonical,
        at: this.#scheduler.now(),
        ...(bridgeMessage === undefined ? {} : { bridgeMessage }),
      },
    })
  }

  /** Injects now when idle; otherwise at the next idle, so it never collides with a response. */
  #deferBridge(message: string): void {
    this.#deferredBridge = message
    this.#flushBridge()
  }

  #flushBridge(): void {
    const message = this.#deferredBridge
    if (message === undefined || this.#state.status !== 'idle' || !this.#session) return
    this.#deferredBridge = undefined
    this.#injectBridge(message)
  }

  #injectBridge(message: string): void {
    try {
      this.#session?.sendText(message)
    } catch (cause) {
      // Not a resumption failure (the crate tore down a working session for this): report it.
      this.#emitError(RealtimeError.from(cause, 'not_connected'))
    }
  }

  #connectPlan(): ConnectPlan {
    const config = this.#canonical
    const canResume =
      this.model.capabilities.sessionResumption && config.sessionResumption?.handle !== undefined
    const plan: ConnectPlan = { config, version: this.#version, tools: this.#pendingTools }
    // Without a resumable handle the conversation would be lost: re-seed it as text items.
    if (!canResume) plan.seedItems = transcriptToSeedItems(this.#transcript)
    return plan
  }

  #connectOnce(plan: ConnectPlan, signal: AbortSignal): Promise<RealtimeSession> {
    return connectWithTimeout({
      model: this.model,
      config: plan.config,
      signal,
      scheduler: this.#scheduler,
      timeoutMs: this.#connectTimeoutMs,
      ...(plan.seedItems === undefined ? {} : { seedItems: plan.seedItems }),
    })
  }

  async #open(): Promise<void> {
    const attempt = ++this.#attempt
    const controller = new AbortController()
    this.#connectAbort = controller
    this.#setConnection('connecting')
    const plan = this.#connectPlan()
    let session: RealtimeSession
    try {
      session = await this.#connectOnce(plan, controller.signal)
    } catch (cause) {
      const error = RealtimeError.from(cause, 'connection_failed')
      if (attempt !== this.#attempt) throw error
      this.#outbox.clear()
      this.#setConnection('failed')
      this.#emitError(error)
      throw error
    }
    if (attempt !== this.#attempt) {
      void session.close('runner closed while connecting')
      throw new RealtimeError('cancelled', 'The runner was closed while connecting')
    }
    this.#bind(session, plan)
    this.#setConnection('connected')
    this.#mailbox.post({ kind: 'machine', event: { type: 'connected' } })
    this.#afterConnected()
  }

  #afterConnected(): void {
    this.#flushBridge()
    for (const event of this.#outbox.drain()) this.#deliver(event)
    if (this.#sessionVersion !== this.#version) {
      // An update landed while connecting with the older config: apply it now.
      this.#applyCanonical(undefined).catch(() => {})
    }
  }

  #startResumption(): void {
    const attempt = ++this.#attempt
    this.#connectAbort?.abort()
    const controller = new AbortController()
    this.#connectAbort = controller
    const old = this.#detach()
    this.#setConnection('reconnecting')
    void (async () => {
      // Break before make: Gemini rejects a resume while the old socket is still open.
      if (old) await old.close('resuming').catch(() => {})
      if (attempt !== this.#attempt) return
      // Read at execution time, so a handle that arrived after queueing is used.
      const plan = this.#connectPlan()
      try {
        const session = await this.#connectOnce(plan, controller.signal)
        if (attempt !== this.#attempt) {
          void session.close('superseded')
          return
        }
        this.#mailbox.post({ kind: 'resumed', attempt, session, plan })
      } catch (cause) {
        if (attempt !== this.#attempt) return
        const error = RealtimeError.from(cause, 'connection_failed')
        this.#mailbox.post({ kind: 'resumeFailed', attempt, error })
      }
    })()
  }

  #bind(session: RealtimeSession, plan: ConnectPlan): void {
    this.#epoch += 1
    const epoch = this.#epoch
    let bound = true
    const unsubscribe = session.subscribe((event) => {
      if (bound) this.#mailbox.post({ kind: 'server', epoch, event })
    })
    void session.closed.then((reason) => {
      if (bound) this.#mailbox.post({ kind: 'sessionClosed', epoch, reason })
    })
    this.#unbind = () => {
      bound = false
      unsubscribe()
    }
    this.#session = session
    this.#sessionVersion = plan.version
    this.#liveTools = plan.tools
    this.#audio.reset()
    this.#tools.connectionChanged()
    this.#notify()
  }

  #detach(): RealtimeSession | undefined {
    const session = this.#session
    this.#unbind?.()
    this.#unbind = undefined
    this.#session = undefined
    this.#epoch += 1
    if (session) this.#notify()
    return session
  }

  #handle(item: MailItem): void {
    switch (item.kind) {
      case 'server':
        if (item.epoch === this.#epoch) this.#onServerEvent(item.event)
        return
      case 'sessionClosed':
        if (item.epoch === this.#epoch) this.#onUnexpectedClose(item.reason)
        return
      case 'machine':
        this.#apply(item.event)
        return
      case 'tool.outcome':
        this.#tools.onOutcome(item.epoch, item.outcome)
        return
      case 'resumed':
        if (item.attempt !== this.#attempt) {
          void item.session.close('superseded')
          return
        }
        this.#bind(item.session, item.plan)
        this.#setConnection('connected')
        this.#apply({ type: 'resumption.succeeded' })
        this.#afterConnected()
        return
      case 'resumeFailed':
        if (item.attempt === this.#attempt)
          this.#apply({ type: 'resumption.failed', error: item.error })
        return
    }
  }

  #onServerEvent(event: ServerEvent): void {
    this.#audio.observe(event)
    switch (event.type) {
      case 'response.started':
      case 'response.done':
      case 'interrupted':
        this.#apply({ type: event.type })
        break
      case 'audio.delta':
      case 'text.delta':
      case 'transcript.delta':
        if (!activityOf(this.#state).responseActive) this.#apply({ type: 'model.output' })
        break
      case 'goAway':
        this.#apply({ type: 'goAway', timeLeftMs: event.timeLeftMs, at: this.#scheduler.now() })
        break
      case 'resumption.update':
        // Only a resumable update carries a usable handle (the crate read a field that does not
        // exist and never stored one). It lives in the canonical config, so no update drops it.
        if (event.resumable && event.handle !== undefined) {
          this.#canonical = withResumptionHandle(this.#canonical, event.handle)
        }
        break
      case 'error':
        this.#lastError = event.error
        this.#notify()
        break
      default:
        break
    }
    this.#emit(event)
    if (event.type === 'tool.call') this.#tools.onCall(event, this.#epoch)
    else if (event.type === 'tool.cancelled') this.#tools.onCancelled(event.callIds)
    else if (event.type === 'speech.started' && this.#shouldBargeIn()) this.#interrupt(true)
  }

  #shouldBargeIn(): boolean {
    if (this.#canonical.interruptionDetection !== 'automatic') return false
    return this.#audio.producing !== undefined || this.#playback?.isPlaying?.() === true
  }

  #interrupt(automatic: boolean): InterruptionResult {
    const result = interruptAssistant({
      session: this.#session,
      playback: this.#playback,
      tracker: this.#audio,
      responseActive: activityOf(this.#state).responseActive,
    })
    this.#emit({ type: 'playback.interrupted', automatic, ...result })
    return result
  }

  #onUnexpectedClose(reason: DisconnectReason): void {
    this.#detach()
    this.#emit({ type: 'disconnected', reason, expected: false })
    if (!this.#autoReconnect) {
      void this.close()
      return
    }
    this.#setConnection('reconnecting')
    this.#apply({ type: 'disconnected', at: this.#scheduler.now() })
  }

  #apply(event: RunnerMachineEvent): void {
    const { state, effects } = transition(this.#state, event, this.#transitionOptions)
    if (state !== this.#state) {
      this.#state = state
      this.#notify()
    }
    for (const effect of effects) this.#run(effect)
    this.#flushBridge()
  }

  #run(effect: RunnerEffect): void {
    switch (effect.type) {
      case 'startResumption':
        this.#startResumption()
        return
      case 'scheduleRetry': {
        const delay = jitterDelay(this.#policy, effect.delayMs, this.#random)
        this.#timers.start('retry', delay, () =>
          this.#mailbox.post({ kind: 'machine', event: { type: 'retry.due' } }),
        )
        return
      }
      case 'scheduleDeadline':
        this.#timers.start('deadline', effect.delayMs, () =>
          this.#mailbox.post({ kind: 'machine', event: { type: 'goAway.deadline' } }),
        )
        return
      case 'cancelDeadline':
        this.#timers.clear('deadline')
        return
      case 'cancelTimers':
        this.#timers.clearAll()
        return
      case 'requestResponse':
        try {
          this.#session?.createResponse()
        } catch (cause) {
          this.#emitError(RealtimeError.from(cause, 'not_connected'))
        }
        return
      case 'abortTools':
        this.#tools.cancelAll('The runner was closed')
        return
      case 'injectBridgeMessage':
        this.#deferBridge(effect.message)
        return
      case 'resumptionFailed':
        this.#resumptionFailed(effect.pending, effect.error)
        return
    }
  }

  #resumptionFailed(pending: PendingResumption, cause: RealtimeError): void {
    const error = new RealtimeError(
      'resumption_failed',
      `Could not reconnect after ${pending.attempts} attempt(s): ${cause.message}`,
      { cause, retriable: false },
    )
    this.#outbox.clear()
    this.#setConnection('failed')
    this.#emitError(error)
    for (const waiter of this.#runWaiters.splice(0)) waiter.reject(error)
  }

  #send(event: ClientEvent): void {
    if (this.#session && this.#connection === 'connected') {
      this.#deliver(event)
      return
    }
    if (this.#connection === 'connecting' || this.#connection === 'reconnecting') {
      const dropped = this.#outbox.dropped.chunks
      this.#outbox.push(event)
      if (this.#outbox.dropped.chunks !== dropped) this.#notify()
      return
    }
    throw new RealtimeError(
      'not_connected',
      `Cannot send "${event.type}": the runner is not connected (status "${this.#connection}")`,
    )
  }

  #deliver(event: ClientEvent): void {
    const session = this.#session
    if (!session) return
    switch (event.type) {
      case 'audio.append':
        return session.sendAudio(event.pcm)
      case 'text':
        return event.role === undefined ? session.sendText(event.text) : session.sendEvent(event)
      case 'audio.commit':
        return session.commitAudio()
      case 'audio.clear':
        return session.clearAudio()
      case 'response.create':
        return session.createResponse(event.options)
      default:
        return session.sendEvent(event)
    }
  }

  #emit(event: RunnerEvent): void {
    if (!lifecycleTypes.has(event.type)) {
      const next = reduceTranscript(this.#transcript, event as TranscriptEvent)
      if (next !== this.#transcript) {
        this.#transcript = next
        this.#notify()
      }
    }
    this.#callHandlers(event)
    for (const listener of [...this.#eventListeners]) {
      try {
        listener(event)
      } catch (error) {
        console.error(error)
      }
    }
    this.#events.push(event)
  }

  #callHandlers(event: RunnerEvent): void {
    const handlers = this.#handlers
    try {
      handlers.onEvent?.(event)
      switch (event.type) {
        case 'audio.delta':
          return handlers.onAudio?.(event.pcm, event)
        case 'text.delta':
          return handlers.onText?.(event.delta, event)
        case 'transcript.delta':
          return handlers.onTranscript?.(event.delta, event)
        case 'speech.started':
          return handlers.onSpeechStarted?.(event)
        case 'speech.stopped':
          return handlers.onSpeechStopped?.(event)
        case 'response.done':
          return handlers.onResponseDone?.(event)
        case 'tool.call':
          return handlers.onToolCall?.(event)
        case 'tool.finished':
          return handlers.onToolResult?.(event)
        case 'error':
          return handlers.onError?.(event.error)
        case 'disconnected':
          return handlers.onDisconnect?.(event.reason, event.expected)
        case 'connection.status':
          return handlers.onConnectionStatus?.(event.status)
        default:
          return
      }
    } catch (error) {
      // An app callback bug must not stop the runner, but it must not vanish either.
      console.error(error)
    }
  }

  #emitError(error: RealtimeError): void {
    this.#lastError = error
    this.#emit({ type: 'error', error })
    this.#notify()
  }

  #setConnection(status: ConnectionStatus): void {
    const previous = this.#connection
    if (previous === status) return
    this.#connection = status
    this.#notify()
    this.#emit({ type: 'connection.status', status, previous })
  }

  #notify(): void {
    this.#snapshot = this.#buildSnapshot()
    for (const listener of [...this.#snapshotListeners]) {
      try {
        listener(this.#snapshot)
      } catch (error) {
        console.error(error)
      }
    }
  }

  #buildSnapshot(): RunnerSnapshot {
    return {
      connection: this.#connection,
      state: this.#state,
      pendingResumption: pendingOf(this.#state),
      sessionId: this.#session?.id,
      agent: this.#agent?.name,
      items: this.#transcript.items,
      lastError: this.#lastError,
      droppedAudio: this.#outbox.dropped,
    }
  }
}

function definitionsOf(tools: Map<string, CompiledTool>) {
  return [...tools.values()].map((tool) => tool.definition)
}

function sessionResumptionOf(config: RealtimeConfig): Partial<RealtimeConfig> {
  return config.sessionResumption === undefined
    ? {}
    : { sessionResumption: config.sessionResumption }
}
