import { onTestFinished, vi } from 'vitest'
import {
  GeminiRealtimeModel,
  OpenAIRealtimeModel,
  RealtimeRunner,
  createRealtimeStore,
} from '../../../src/core'
import type {
  RealtimeConfigInput,
  RealtimeModel,
  RealtimeRunnerOptions,
  RealtimeStore,
} from '../../../src/core'
import { createMockRealtimeServer } from '../../../src/testing'
import type {
  MockBrainOptions,
  MockConnectionHandle,
  MockConnectionInfo,
  MockFault,
  MockRealtimeServer,
  MockRealtimeServerOptions,
} from '../../../src/testing'
import { caseBrain, caseTools, silence, tone } from './fixtures'
import type { Provider, ToolLog } from './fixtures'
import { Recorder } from './recorder'
import { SocketTracker } from './sockets'
import { TracingModel } from './tracing-model'
import type { TracedSession } from './tracing-model'
import { VirtualClock } from './virtual-clock'
import type { ClockView } from './virtual-clock'
import { WireLedger } from './wire-ledger'
import { resourceCounts } from './leaks'
import type { ResourceCounts } from './leaks'

export interface CaseOptions {
  provider: Provider
  seed?: number
  brain?: MockBrainOptions
  mock?: Partial<MockRealtimeServerOptions>
  runner?: Partial<RealtimeRunnerOptions>
  config?: RealtimeConfigInput
  /** Inbound frame limit of the model (over-size frames). */
  maxInboundFrameBytes?: number
  /** Events the recorder keeps (a long soak keeps the newest). */
  maxEvents?: number
}

/** The reconnect policy of every case: exact (no jitter), with room for two refused resumes. */
export const casePolicy = {
  maxAttempts: 4,
  initialDelayMs: 250,
  maxDelayMs: 2_000,
  multiplier: 2,
  jitter: 0,
}

/**
 * One reliability case: a mock server on 127.0.0.1, a provider model pointed at it, a runner with
 * a store, all on one simulated clock, and a recorder that sees every event, snapshot, store state
 * and frame. Faults are scripted per future connection (`faultsForNext`) or injected into the
 * live one (`inject`).
 */
export class ReliabilityCase {
  readonly provider: Provider
  readonly clock = new VirtualClock()
  readonly sockets = new SocketTracker()
  readonly toolLog: ToolLog = { started: [], aborted: [], finished: [] }
  readonly baseline: ResourceCounts
  server!: MockRealtimeServer
  ledger!: WireLedger
  model!: TracingModel
  runner!: RealtimeRunner
  store!: RealtimeStore
  recorder!: Recorder
  /** Faults for connections not opened yet, by connection index. */
  readonly #planned = new Map<number, MockFault[]>()
  #closedAtEvent: number | undefined
  #disposed = false
  /** PCM bytes the runner accepted from `stream()`. */
  audioSent = 0
  /** User text sent with `send()`/`say()`, in order. */
  readonly said: string[] = []

  private constructor(provider: Provider) {
    this.provider = provider
    this.baseline = resourceCounts()
  }

  static async start(options: CaseOptions): Promise<ReliabilityCase> {
    const test = new ReliabilityCase(options.provider)
    try {
      // A case that fails half-way still closes its runner and server (outside a test, in a
      // `beforeAll`, the caller disposes it).
      onTestFinished(() => test.#abandon())
    } catch {
      // Not inside a test.
    }
    await test.#start(options)
    return test
  }

  async #abandon(): Promise<void> {
    if (this.#disposed) return
    try {
      await this.runner.close()
      await this.dispose()
    } catch {
      // Started only half-way: close what exists.
      vi.mocked(console.error).mockRestore?.()
      await this.server?.close()
    }
  }

  get app(): ClockView {
    return this.clock.view('app')
  }

  get inputRate(): number {
    return this.model.capabilities.inputSampleRate
  }

  async #start(options: CaseOptions): Promise<void> {
    this.server = await createMockRealtimeServer({
      seed: options.seed ?? 7,
      clock: this.clock.view('mock'),
      pingIntervalMs: 0,
      brain: caseBrain(options.brain),
      faults: (info: MockConnectionInfo) => this.#planned.get(info.index),
      ...options.mock,
    })
    this.ledger = new WireLedger(this.server)
    const wireSeq = (): number => this.ledger.seq
    this.model = new TracingModel(this.#innerModel(options), wireSeq, () => this.clock.now())
    this.recorder = new Recorder({
      now: () => this.clock.now(),
      wireSeq,
      ...(options.maxEvents === undefined ? {} : { maxEvents: options.maxEvents }),
    })
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      this.recorder.consoleErrors.push(args)
    })
    const gemini = this.provider === 'gemini'
    this.runner = new RealtimeRunner({
      model: this.model,
      instruction: 'You are a test agent.',
      config: {
        inputAudioTranscription: gemini ? {} : { model: 'gpt-4o-mini-transcribe' },
        ...(gemini ? { outputAudioTranscription: true } : {}),
        ...options.config,
      },
      tools: caseTools(this.app, this.toolLog),
      scheduler: this.clock.view('runner'),
      reconnect: casePolicy,
      connectTimeoutMs: 15_000,
      handlers: this.recorder.handlers(),
      ...options.runner,
    })
    this.store = createRealtimeStore(this.runner, { now: () => this.clock.now() })
    this.recorder.attach(this.runner, this.store)
  }

  #innerModel(options: CaseOptions): RealtimeModel {
    const common = {
      webSocketFactory: this.sockets.factory,
      // The model's own (wall-clock) limits never decide a case: the runner's simulated
      // connect timeout does.
      connectTimeoutMs: 120_000,
      ...(options.maxInboundFrameBytes === undefined
        ? {}
        : { maxInboundFrameBytes: options.maxInboundFrameBytes }),
    }
    if (this.provider === 'openai') {
      return new OpenAIRealtimeModel({ apiKey: 'sk-test', url: this.server.openaiUrl, ...common })
    }
    return new GeminiRealtimeModel({ apiKey: 'TEST_KEY', baseUrl: this.server.url, ...common })
  }

  // --- driving ---------------------------------------------------------------------------------

  /**
   * Waits until nothing is in flight: no 0 ms timer pending, every socket settled, and a ping
   * round trip on every open socket has shown that all frames the server sent have arrived —
   * twice in a row with nothing new happening in between. Only then may simulated time move.
   */
  async quiet(): Promise<void> {
    for (let pass = 0; pass < 2_000; pass++) {
      const before = this.#fingerprint()
      while (this.clock.immediates() > 0) await nextTurn()
      await this.sockets.barrier()
      await nextTurn()
      await nextTurn()
      // Both ends must also agree on what is open: a socket the client has closed may still be
      // open on the server for an event-loop turn or two.
      const agreed = this.sockets.count('open') === this.server.connections().length
      if (this.clock.immediates() === 0 && this.#fingerprint() === before && agreed) return
    }
    throw new Error(`never quiet\n${this.describe()}`)
  }

  #fingerprint(): string {
    return [
      this.ledger.seq,
      this.recorder.eventCount,
      this.recorder.snapshots,
      this.clock.activity,
      this.sockets.fingerprint(),
      this.server.connections().length,
    ].join('|')
  }

  /**
   * Lets the session run until `done()` holds: whenever everything is quiet and it does not yet
   * hold, simulated time moves to the next timer (a backoff, a paced audio chunk, a slow tool, a
   * go-away deadline). Fails when nothing is left to happen or `maxMs` of simulated time pass.
   */
  async until(done: () => boolean, label: string, maxMs = 10 * 60_000): Promise<void> {
    const limit = this.clock.now() + maxMs
    for (;;) {
      await this.quiet()
      if (done()) return
      const due = this.clock.nextDueIn()
      if (due === undefined || this.clock.now() + due > limit) {
        throw new Error(`stuck waiting for ${label}\n${this.describe()}`)
      }
      this.clock.advance(due)
    }
  }

  /** Moves simulated time forward by `ms`, letting everything due on the way happen. */
  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + ms
    for (;;) {
      await this.quiet()
      const due = this.clock.nextDueIn()
      if (due === undefined || this.clock.now() + due > target) break
      this.clock.advance(due)
    }
    this.clock.advance(target - this.clock.now())
    await this.quiet()
  }

  async connect(): Promise<void> {
    await this.recorder.expectTyped('connect', () => this.runner.connect())
    await this.quiet()
  }

  /** Connected, nothing generating, no tool running, no resumption queued. */
  isSettled(): boolean {
    const state = this.runner.getState()
    return state.connection === 'connected' && state.state.status === 'idle'
  }

  /** Waits for the runner to be connected and idle (reconnecting first if it has to). */
  async settle(label = 'a settled session'): Promise<void> {
    await this.until(() => this.isSettled(), label)
  }

  /** Sends a typed user turn and waits until its answer is complete and the session idle. */
  async say(text: string): Promise<void> {
    const before = this.recorder.completedResponses
    this.send(text)
    await this.until(
      () => this.isSettled() && this.recorder.completedResponses > before,
      `an answer to "${text}"`,
    )
  }

  /** Sends a typed user turn (remembered for the transcript invariant). */
  send(text: string): void {
    this.runner.sendText(text)
    this.said.push(text)
  }

  /** Speaks `ms` of tone then enough silence to end the turn, in 100 ms frames, in real time. */
  async speak(ms = 600, silenceMs = 800): Promise<void> {
    await this.stream(tone(ms, this.inputRate))
    await this.stream(silence(silenceMs, this.inputRate))
  }

  /** Sends audio in 100 ms frames, moving simulated time 100 ms per frame like a microphone. */
  async stream(pcm: Uint8Array): Promise<void> {
    const frame = Math.round(this.inputRate / 10) * 2
    for (let offset = 0; offset < pcm.length; offset += frame) {
      const chunk = pcm.subarray(offset, Math.min(pcm.length, offset + frame))
      this.runner.sendAudio(chunk)
      this.audioSent += chunk.byteLength
      await this.advance(100)
    }
  }

  // --- faults --------------------------------------------------------------------------------

  /** Faults for the next connections the runner opens, one list per connection, in order. */
  faultsForNext(...perConnection: MockFault[][]): void {
    const next = this.server.log.connections.length
    perConnection.forEach((faults, offset) => this.#planned.set(next + offset, faults))
  }

  /** A refused resume: Gemini's own fault; for OpenAI, the service closing the new socket (1011). */
  refusal(): MockFault {
    return this.provider === 'gemini'
      ? { type: 'refuseResume' }
      : {
          type: 'drop',
          afterFrames: 1,
          close: { code: 1011, reason: 'The service is currently unavailable.' },
        }
  }

  /** The session the runner is listening to now, if any. */
  liveSession(): TracedSession | undefined {
    return this.model.sessions.findLast((traced) => traced.subscriptions > 0)
  }

  /** The mock's handle of the connection the runner is listening to. */
  liveConnection(): MockConnectionHandle {
    const key = this.liveSession()?.wireKey
    const id = this.ledger.byKey(key)?.id
    const handle = this.server.connections().find((connection) => connection.id === id)
    if (!handle) throw new Error(`no live connection\n${this.describe()}`)
    return handle
  }

  /** Records the transcript as it is, then injects a fault into the live connection. */
  inject(fault: MockFault, label: string = fault.type): void {
    this.recorder.mark(label, this.runner.getState())
    this.liveConnection().inject(fault)
  }

  /**
   * Drops the next connection the runner opens as soon as the mock reads its first message
   * (OpenAI `session.update`, Gemini `setup`), before it can answer: a network failure in the
   * middle of a (re)connect.
   */
  dropNextHandshake(): void {
    const index = this.server.log.connections.length
    const stop = this.server.log.subscribe((frame) => {
      if (frame.direction !== 'in') return
      const record = this.server.log.connections.find((entry) => entry.id === frame.connectionId)
      if (!record || record.index < index) return
      stop()
      this.server
        .connections()
        .find((handle) => handle.id === frame.connectionId)
        ?.drop()
    })
  }

  /** The text of the newest completed assistant message. */
  lastReply(): string | undefined {
    const item = this.runner
      .getState()
      .items.findLast(
        (item) =>
          item.kind === 'message' && item.role === 'assistant' && item.status === 'completed',
      )
    return item?.kind === 'message' ? item.text : undefined
  }

  /** Records the transcript as it is, then drops the live connection (1006). */
  drop(label = 'drop'): void {
    this.recorder.mark(label, this.runner.getState())
    this.liveConnection().drop()
  }

  // --- ending ----------------------------------------------------------------------------------

  /** Closes the runner and the store; `eventsAtClose` tells whether anything came after. */
  async closeRunner(): Promise<void> {
    await this.quiet()
    await this.recorder.expectTyped('close', () => this.runner.close())
    this.#closedAtEvent = this.recorder.eventCount
    await this.quiet()
    await this.until(() => this.server.connections().length === 0, 'the mock to see the close')
  }

  get eventsAfterClose(): number {
    return this.#closedAtEvent === undefined ? 0 : this.recorder.eventCount - this.#closedAtEvent
  }

  /** Stops the store, the recorder and the server. */
  async dispose(): Promise<void> {
    if (this.#disposed) return
    this.#disposed = true
    this.store.destroy()
    this.recorder.detach()
    this.ledger.stop()
    vi.mocked(console.error).mockRestore()
    await this.server.close()
  }

  /** A summary for failure messages. */
  describe(): string {
    const state = this.runner.getState()
    const recent = this.recorder.events
      .slice(-12)
      .map((event) => `${event.at}ms ${event.type}`)
      .join(', ')
    return [
      `provider ${this.provider}, t=${this.clock.now()}ms`,
      `connection ${state.connection}, state ${state.state.status}`,
      `timers runner=${this.clock.pending('runner')} mock=${this.clock.pending('mock')} app=${this.clock.pending('app')}`,
      `mock connections open ${this.server.connections().length} of ${this.server.log.connections.length}`,
      `recent events: ${recent}`,
    ].join('\n')
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
