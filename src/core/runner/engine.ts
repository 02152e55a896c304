import type { RealtimeAgent } from '../agent'
import { parseSessionUpdate } from '../config'
import type { SessionUpdateInput } from '../config'
import { RealtimeError } from '../errors'
import type { ServerEvent } from '../events'
import type { DisconnectReason, RealtimeModel, RealtimeSession } from '../session'
import { emptyTranscript, reduceTranscript, transcriptToSeedItems } from '../transcript'
import type { TranscriptEvent } from '../transcript'
import { defaultReconnectPolicy } from './backoff'
import { runEffect } from './effects'
import type { EffectHost } from './effects'
import { AgentBinding } from './agent-binding'
import { Connector } from './connector'
import { ContextMutation } from './context-mutation'
import { RunnerEventHub } from './event-hub'
import { BargeIn } from './interruption'
import type { InterruptionResult } from './interruption'
import { Mailbox } from './mailbox'
import type {
  ConnectionStatus,
  RealtimeRunnerOptions,
  RunnerEvent,
  RunnerSnapshot,
  UpdateSessionResult,
} from './options'
import { Outgoing } from './outgoing'
import { PlaybackState } from './playback-state'
import { TimerSet, defaultScheduler } from './scheduler'
import type { Scheduler } from './scheduler'
import { createSessionSettings } from './session-config'
import type { SessionConfigState } from './session-config'
import type { ConnectPlan } from './session-config'
import { SessionSlot } from './session-slot'
import { activityOf, idleState, machineEventOf, pendingOf } from './state'
import type { RunnerMachineEvent, RunnerState } from './state'
import { ToolCalls } from './tool-calls'
import { ToolExecutor } from './tool-executor'
import type { ToolOutcome } from './tool-executor'
import { compileTools } from './tools'
import type { ToolInput } from './tools'
import { transition } from './transition'
import type { TransitionOptions } from './transition'
import { VideoOutlet } from './video'

/** A sparse session change; `tools` may carry handlers. */
export type RunnerSessionUpdate = Omit<SessionUpdateInput, 'tools'> & {
  tools?: readonly ToolInput[] | undefined
}

type MailItem =
  | { kind: 'opened'; session: RealtimeSession; plan: ConnectPlan }
  | { kind: 'server'; epoch: number; event: ServerEvent }
  | { kind: 'closed'; epoch: number; reason: DisconnectReason }
  | { kind: 'machine'; event: RunnerMachineEvent }
  | { kind: 'tool'; epoch: number; outcome: ToolOutcome }
  | { kind: 'resumed'; attempt: number; session: RealtimeSession; plan: ConnectPlan }
  | { kind: 'resumeFailed'; attempt: number; error: RealtimeError }
  | { kind: 'playback'; playing: boolean }

// Runner events the transcript ignores. Not `connection.status`: a connection that ends closes
// whatever was still in progress on it.
const lifecycleEvents = new Set([
  'disconnected',
  'agent.changed',
  'playback.started',
  'playback.stopped',
])

/**
 * The runner's engine (internal; `RealtimeRunner` is its public face). Everything it reacts to —
 * provider events, tool outcomes, timers, connect results — goes through one in-order mailbox
 * into the pure state machine (`transition`), and it runs the effects that come back.
 *
 * @internal
 */
export class RunnerEngine<TContext = unknown> {
  readonly model: RealtimeModel
  readonly #scheduler: Scheduler
  readonly #machineOptions: TransitionOptions
  readonly #autoReconnect: boolean
  readonly #effects: EffectHost
  readonly #mailbox = new Mailbox<MailItem>(
    (item) => this.#handle(item),
    (error) => console.error(error),
  )
  readonly hub: RunnerEventHub
  readonly #snapshotListeners = new Set<(snapshot: RunnerSnapshot) => void>()
  readonly slot = new SessionSlot()
  readonly settings: SessionConfigState
  readonly outgoing: Outgoing
  readonly video: VideoOutlet
  readonly tools: ToolCalls
  readonly #agent: AgentBinding<TContext>
  readonly #connector: Connector
  readonly #mutation: ContextMutation
  readonly #bargeIn: BargeIn
  readonly #playback: PlaybackState
  #state: RunnerState = idleState
  #connection: ConnectionStatus = 'idle'
  #connecting: Promise<void> | undefined
  #closeCount = 0
  readonly #listenToPlayback: () => (() => void) | undefined
  #stopListeningToPlayback: (() => void) | undefined
  #transcript = emptyTranscript
  #lastError: RealtimeError | undefined
  #snapshot: RunnerSnapshot
  #runWaiters: Array<{ resolve: () => void; reject: (error: RealtimeError) => void }> = []

  constructor(options: RealtimeRunnerOptions<TContext>) {
    this.model = options.model
    this.#scheduler = options.scheduler ?? defaultScheduler
    const policy = { ...defaultReconnectPolicy, ...options.reconnect }
    this.#autoReconnect = options.autoReconnect ?? true
    this.#bargeIn = new BargeIn(options.playback)
    const onPlayingChange = options.playback?.onPlayingChange?.bind(options.playback)
    this.#playback = new PlaybackState((event) => this.#emit(event), onPlayingChange !== undefined)
    // Through the mailbox: a player's report is ordered with the provider's events. Listened to
    // from connect() to close() only: a runner that never connects (React may build one and
    // throw it away) must not stay subscribed to a shared player.
    this.#listenToPlayback = () =>
      onPlayingChange?.((playing) => this.#mailbox.post({ kind: 'playback', playing }))
    this.#agent = new AgentBinding(options.agent, options.context as TContext, async (target) => {
      await this.#transfer(target)
    })
    this.#machineOptions = {
      responseAfterToolOutputs: this.model.capabilities.responseAfterToolOutputs,
      reconnect: policy,
      goAwayMarginMs: options.goAwayMarginMs ?? 2_000,
    }
    this.hub = new RunnerEventHub(options.handlers)
    this.settings = createSessionSettings(options, this.#agent.resolve())
    const bytesPerMs = (this.model.capabilities.inputSampleRate * 2) / 1000
    this.outgoing = new Outgoing(
      {
        session: () => this.slot.session,
        connection: () => this.#connection,
        dropped: () => this.#notify(),
        responseRequested: () =>
          this.#mailbox.post({ kind: 'machine', event: { type: 'response.requested' } }),
        refused: (error) => this.#emitError(error),
      },
      (options.maxBufferedAudioMs ?? 5_000) * bytesPerMs,
    )
    this.video = new VideoOutlet(
      {
        session: () => this.slot.session,
        connection: () => this.#connection,
        supported: () => this.model.capabilities.video !== null,
        changed: () => this.#notify(),
      },
      options.maxBufferedVideoBytes ?? 64 * 1024,
    )
    this.#connector = new Connector({
      model: this.model,
      scheduler: this.#scheduler,
      timeoutMs: options.connectTimeoutMs ?? 15_000,
      slot: this.slot,
      settings: this.settings,
      seedItems: () => transcriptToSeedItems(this.#transcript),
      resumed: (attempt, session, plan) =>
        this.#mailbox.post({ kind: 'resumed', attempt, session, plan }),
      resumeFailed: (attempt, error) =>
        this.#mailbox.post({ kind: 'resumeFailed', attempt, error }),
    })
    this.#mutation = new ContextMutation({
      settings: this.settings,
      liveSession: () => {
        const session = this.slot.session
        return this.#connection === 'connected' && session?.isConnected() ? session : undefined
      },
      status: () => this.#state.status,
      closeCount: () => this.#closeCount,
      now: () => this.#scheduler.now(),
      machine: (event) => this.#mailbox.post({ kind: 'machine', event }),
      emitError: (error) => this.#emitError(error),
    })
    const executor = new ToolExecutor({
      maxConcurrentTools: Math.max(1, options.maxConcurrentTools ?? 4),
      toolTimeoutMs: options.toolTimeoutMs ?? 30_000,
      scheduler: this.#scheduler,
    })
    this.tools = new ToolCalls(
      {
        epoch: () => this.slot.epoch,
        session: () => this.slot.session,
        tool: (name) => this.settings.liveTool(name),
        callbacks: () => this.#agent.callbacks(),
        autoExecute: options.autoExecuteTools ?? true,
        autoRespond: options.autoRespondTools ?? true,
        now: () => this.#scheduler.now(),
        machine: (event) => this.#mailbox.post({ kind: 'machine', event }),
        outcome: (epoch, outcome) => this.#mailbox.post({ kind: 'tool', epoch, outcome }),
        emit: (event) => this.#emit(event),
      },
      executor,
    )
    this.#effects = {
      timers: new TimerSet(this.#scheduler),
      policy,
      random: options.random ?? Math.random,
      post: (event) => this.#mailbox.post({ kind: 'machine', event }),
      resume: () => {
        const old = this.slot.detach()
        this.#setConnection('reconnecting')
        this.#connector.resume(old)
      },
      requestResponse: () => {
        try {
          this.slot.session?.createResponse()
        } catch (cause) {
          this.#emitError(RealtimeError.from(cause, 'not_connected'))
        }
      },
      abortTools: () => this.tools.cancelAll('The runner was closed'),
      queueBridge: (message) => this.#mutation.offerBridge(message),
      fail: (error) => {
        this.outgoing.discard()
        this.#setConnection('failed')
        this.#emitError(error)
        for (const waiter of this.#runWaiters.splice(0)) waiter.reject(error)
      },
    }
    this.#snapshot = this.#buildSnapshot()
  }

  get snapshot(): RunnerSnapshot {
    return this.#snapshot
  }

  get connection(): ConnectionStatus {
    return this.#connection
  }

  subscribeSnapshots(listener: (snapshot: RunnerSnapshot) => void): () => void {
    const entry = (snapshot: RunnerSnapshot): void => listener(snapshot)
    this.#snapshotListeners.add(entry)
    return () => this.#snapshotListeners.delete(entry)
  }

  // --- lifecycle ------------------------------------------------------------------------------

  connect(): Promise<void> {
    if (this.#connecting) return this.#connecting
    if (this.#connection === 'connected' || this.#connection === 'reconnecting') {
      return Promise.resolve()
    }
    this.#mailbox.reopen()
    this.#stopListeningToPlayback ??= this.#listenToPlayback()
    const connecting = this.#open().finally(() => {
      if (this.#connecting === connecting) this.#connecting = undefined
    })
    this.#connecting = connecting
    return connecting
  }

  async run(): Promise<void> {
    await this.connect()
    if (this.#connection === 'closed') return
    return new Promise((resolve, reject) => this.#runWaiters.push({ resolve, reject }))
  }

  async close(): Promise<void> {
    this.#closeCount += 1
    // A connect() after this one starts afresh instead of returning the attempt cancelled here.
    this.#connecting = undefined
    this.slot.cancelAttempts(new RealtimeError('cancelled', 'The runner was closed'))
    this.#mailbox.close()
    const session = this.slot.detach()
    this.outgoing.discard()
    this.#mutation.discardBridge()
    this.#playback.stop(true)
    this.#stopListeningToPlayback?.()
    this.#stopListeningToPlayback = undefined
    const { state, effects } = transition(this.#state, { type: 'closed' }, this.#machineOptions)
    this.#state = state
    for (const effect of effects) runEffect(effect, this.#effects)
    this.#setConnection('closed')
    this.hub.endIterators()
    for (const waiter of this.#runWaiters.splice(0)) waiter.resolve()
    if (session) await session.close('client closed')
  }

  async updateSession(
    delta: RunnerSessionUpdate,
    bridgeMessage: string | undefined,
  ): Promise<UpdateSessionResult> {
    const { tools, ...fields } = delta
    const parsed = parseSessionUpdate(fields)
    const compiled = tools === undefined ? undefined : compileTools(tools)
    const checkpoint = this.settings.merge(parsed, compiled)
    this.#notify()
    return this.#mutation.apply(bridgeMessage, checkpoint)
  }

  async transferTo(name: string): Promise<UpdateSessionResult> {
    return this.#transfer(this.#agent.target(name))
  }

  interrupt(automatic = false): InterruptionResult {
    const responseActive = activityOf(this.#state).responseActive
    const result = this.#bargeIn.interrupt(this.slot.session, responseActive)
    // Gemini withdraws the calls of a turn it abandons itself (toolCallCancellation); a
    // cancelled OpenAI response leaves its calls to the client.
    if (responseActive && result.cancelled && this.model.capabilities.responseAfterToolOutputs) {
      this.tools.cancelResponse('The user interrupted the response')
    }
    this.#emit({ type: 'playback.interrupted', automatic, ...result })
    this.#playback.stop()
    return result
  }

  // --- configuration, agents and connections -------------------------------------------------

  /**
   * A transfer is a context mutation with the target's instructions, tools and voice. The target
   * is bound while the change is on its way (its tool callbacks apply to calls from then on); a
   * refused change binds the previous agent again, and only an accepted one is announced.
   */
  async #transfer(target: RealtimeAgent<TContext>): Promise<UpdateSessionResult> {
    const { from, resolved, undo } = this.#agent.switchTo(target)
    const { instruction, tools, voice } = resolved
    let result: UpdateSessionResult
    try {
      result = await this.updateSession(
        { instruction, tools, ...(voice === undefined ? {} : { voice }) },
        target.handoffMessage,
      )
    } catch (error) {
      undo()
      this.#notify()
      throw error
    }
    this.#emit({ type: 'agent.changed', from, to: target.name })
    return result
  }

  async #open(): Promise<void> {
    this.#setConnection('connecting')
    const closes = this.#closeCount
    const result = await this.#connector.open()
    if (!result.ok) {
      if (!result.superseded) {
        this.outgoing.discard()
        this.#setConnection('failed')
        this.#emitError(result.error)
      }
      throw result.error
    }
    if (this.#closeCount !== closes) {
      // `close()` ran while the connect was resolving (and perhaps a new connect() started
      // since, which must not get this session too): the session is nobody's.
      void result.session.close('superseded')
      throw new RealtimeError('cancelled', 'The runner was closed while connecting')
    }
    // Through the mailbox: binding releases the events the session held while connecting (a
    // server may already have sent a tool call), and they must queue behind the binding, the
    // `connected` transition and the flush — not be handled halfway through them.
    this.#mailbox.post({ kind: 'opened', session: result.session, plan: result.plan })
  }

  #bind(session: RealtimeSession, plan: ConnectPlan): void {
    this.slot.bind(session, {
      event: (epoch, event) => this.#mailbox.post({ kind: 'server', epoch, event }),
      closed: (epoch, reason) => this.#mailbox.post({ kind: 'closed', epoch, reason }),
    })
    this.settings.opened(plan)
    this.#bargeIn.reset()
    this.tools.connectionChanged()
    this.#setConnection('connected')
    this.#notify()
  }

  #afterConnected(): void {
    this.#mutation.flushBridge()
    this.outgoing.flush()
    // An update landed while connecting with the older config: apply it now.
    if (this.settings.liveIsStale) this.#mutation.apply(undefined).catch(() => {})
  }

  // --- the mailbox ----------------------------------------------------------------------------

  #handle(item: MailItem): void {
    switch (item.kind) {
      case 'opened':
        this.#bind(item.session, item.plan)
        this.#apply({ type: 'connected' })
        return this.#afterConnected()
      case 'server':
        if (item.epoch === this.slot.epoch) this.#onServerEvent(item.event)
        return
      case 'closed':
        if (item.epoch === this.slot.epoch) this.#onUnexpectedClose(item.reason)
        return
      case 'machine':
        return this.#apply(item.event)
      case 'tool':
        return this.tools.onOutcome(item.epoch, item.outcome)
      case 'resumed':
        if (!this.slot.isCurrent(item.attempt)) {
          void item.session.close('superseded')
          return
        }
        this.#bind(item.session, item.plan)
        this.#apply({ type: 'resumption.succeeded' })
        return this.#afterConnected()
      case 'resumeFailed':
        if (this.slot.isCurrent(item.attempt))
          this.#apply({ type: 'resumption.failed', error: item.error })
        return
      case 'playback':
        return this.#playback.report(item.playing)
    }
  }

  #onServerEvent(received: ServerEvent): void {
    const event = this.#markBridge(received)
    this.#bargeIn.observe(event)
    // The state changes before the event is dispatched, as in the crate.
    const now = this.#scheduler.now()
    const machineEvent = machineEventOf(event, activityOf(this.#state).responseActive, now)
    if (machineEvent?.type === 'response.started' || machineEvent?.type === 'model.output') {
      this.tools.responseStarted()
    }
    if (machineEvent) this.#apply(machineEvent)
    if (event.type === 'resumption.update' && event.resumable && event.handle !== undefined) {
      // Only a resumable update carries a usable handle (the crate read a field that does not
      // exist). Kept in the canonical config, so no later update drops it.
      this.settings.storeHandle(event.handle)
    } else if (event.type === 'error') {
      this.#lastError = event.error
      this.#notify()
    }
    const epoch = this.slot.epoch
    const runs = event.type === 'tool.call' && this.tools.admit(event, epoch)
    this.#emit(event)
    this.#playback.observe(
      event,
      this.slot.session?.capabilities.transports.includes('webrtc') === true,
    )
    if (event.type === 'tool.call') {
      if (runs) this.tools.run(event, epoch)
    } else if (event.type === 'tool.cancelled') this.tools.onCancelled(event.callIds)
    else if (
      event.type === 'speech.started' &&
      this.#bargeIn.shouldInterrupt(this.settings.config)
    ) {
      this.interrupt(true)
    }
  }

  /** The user item a bridge message created is marked, so a transcript can leave it out. */
  #markBridge(event: ServerEvent): ServerEvent {
    const bridge = this.#mutation.sent
    if (bridge === undefined || event.type !== 'item.added') return event
    if (event.role !== 'user' || event.text !== bridge) return event
    this.#mutation.sent = undefined
    return { ...event, bridge: true }
  }

  #onUnexpectedClose(reason: DisconnectReason): void {
    this.slot.detach()
    this.#emit({ type: 'disconnected', reason, expected: false })
    this.#playback.stop()
    if (!this.#autoReconnect) {
      void this.close()
      return
    }
    this.#setConnection('reconnecting')
    this.#apply({ type: 'disconnected', at: this.#scheduler.now() })
  }

  // --- the state machine's effects ------------------------------------------------------------

  #apply(event: RunnerMachineEvent): void {
    const { state, effects } = transition(this.#state, event, this.#machineOptions)
    if (state !== this.#state) {
      this.#state = state
      this.#notify()
    }
    for (const effect of effects) runEffect(effect, this.#effects)
    this.#mutation.flushBridge()
  }

  // --- plumbing -------------------------------------------------------------------------------

  #emit(event: RunnerEvent): void {
    if (!lifecycleEvents.has(event.type)) {
      const next = reduceTranscript(this.#transcript, event as TranscriptEvent)
      if (next !== this.#transcript) {
        this.#transcript = next
        this.#notify()
      }
    }
    this.hub.emit(event)
  }

  #emitError(error: RealtimeError): void {
    this.#lastError = error
    this.#notify()
    this.#emit({ type: 'error', error })
  }

  #setConnection(status: ConnectionStatus): void {
    const previous = this.#connection
    if (previous === status) return
    this.#connection = status
    // A session that ended or failed releases the camera or screen it was sending.
    if (status === 'closed' || status === 'failed') this.video.stopSource()
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
      sessionId: this.slot.session?.id,
      agent: this.#agent.name,
      items: this.#transcript.items,
      lastError: this.#lastError,
      droppedAudio: this.outgoing.dropped,
      video: this.video.state,
    }
  }
}
