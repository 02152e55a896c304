import type { RealtimeConfig } from '../config'
import type { ClientEvent, ResponseOptions } from '../events'
import type { RealtimeModel, VideoFrameOptions } from '../session'
import { RunnerEngine } from './engine'
import type { RunnerSessionUpdate } from './engine'
import type { InterruptionResult } from './interruption'
import type {
  RealtimeRunnerOptions,
  RunnerEvent,
  RunnerSnapshot,
  UpdateSessionResult,
} from './options'
import type { ToolResponseInput } from './tool-calls'
import type { VideoAttachment, VideoFrameSink, VideoSourceLink } from './video'

/**
 * Owns one realtime session at a time and keeps it useful: runs tools, keeps the transcript,
 * applies config changes (live, or through a resumption when the provider needs one), resumes
 * after go-aways and network drops, and stops the assistant on barge-in. The TypeScript port of
 * the Rust crate's `RealtimeRunner`, with the defects of its reference §8 fixed.
 *
 * Observe it three ways: `handlers` callbacks (options), `onEvent` listeners, or `for await`
 * over the runner; read its state with `getState()`/`subscribe()` (or a `createRealtimeStore`).
 *
 * @example
 * const runner = new RealtimeRunner({
 *   model,
 *   instruction: 'You are a friendly concierge.',
 *   tools: [weatherTool],
 *   config: { interruptionDetection: 'automatic' },
 *   handlers: { onAudio: (pcm) => player.enqueue(pcm) },
 * })
 * await runner.connect()
 * runner.sendAudio(microphoneFrame)
 * await runner.updateSession({ instruction: 'Speak French.' }, { bridgeMessage: 'Switch to French.' })
 * for await (const event of runner) if (event.type === 'transcript.delta') print(event.delta)
 * await runner.close()
 */
export class RealtimeRunner<TContext = unknown> implements VideoFrameSink {
  readonly model: RealtimeModel
  readonly #engine: RunnerEngine<TContext>

  /** Validates the options: a bad config or tool throws `invalid_config` naming the field. */
  constructor(options: RealtimeRunnerOptions<TContext>) {
    this.model = options.model
    this.#engine = new RunnerEngine(options)
  }

  // --- observation ----------------------------------------------------------------------------

  /** The current snapshot; the same object until something changes. */
  getState(): RunnerSnapshot {
    return this.#engine.snapshot
  }

  /** Called synchronously with every new snapshot. Returns the unsubscribe function. */
  subscribe(listener: (snapshot: RunnerSnapshot) => void): () => void {
    return this.#engine.subscribeSnapshots(listener)
  }

  /** Called synchronously with every event, in order. Returns the unsubscribe function. */
  onEvent(listener: (event: RunnerEvent) => void): () => void {
    return this.#engine.hub.subscribe(listener)
  }

  /** Iterates over events from now until `close()`, when the loop ends. */
  events(): AsyncIterableIterator<RunnerEvent> {
    return this.#engine.hub.iterate()
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<RunnerEvent> {
    return this.events()
  }

  /** The canonical config: every update merged in, with the newest resumable handle. */
  get config(): RealtimeConfig {
    return this.#engine.settings.config
  }

  /** The current connection's id (a reconnect gets a new one). */
  get sessionId(): string | undefined {
    return this.#engine.slot.session?.id
  }

  isConnected(): boolean {
    return (
      this.#engine.connection === 'connected' && this.#engine.slot.session?.isConnected() === true
    )
  }

  // --- lifecycle ------------------------------------------------------------------------------

  /**
   * Opens the session. While connecting it returns the same promise, and while connected or
   * reconnecting it does nothing, so calling it twice never leaks a session. Rejects with a
   * typed error (`connection_failed`, `auth_failed`, `timeout`, …); the status becomes `failed`.
   * After a failure or `close()` it connects again, with everything merged so far.
   */
  connect(): Promise<void> {
    return this.#engine.connect()
  }

  /**
   * Connects if needed, then resolves when the runner is closed, or rejects with
   * `resumption_failed` when it gives up reconnecting (the crate's `run()` loop, push-based).
   */
  run(): Promise<void> {
    return this.#engine.run()
  }

  /**
   * Closes the session and stops everything: timers, tools (their signals abort), connects in
   * flight, iterators and `run()`. Snapshot and event subscribers stay, and see `closed`.
   */
  close(): Promise<void> {
    return this.#engine.close()
  }

  // --- sending --------------------------------------------------------------------------------
  // Each throws `not_connected` when no connection is open or coming. While (re)connecting,
  // messages are held and sent in order once connected (audio bounded, drop-oldest, counted);
  // video frames are never held (see `sendVideoFrame`).

  /** PCM16 little-endian mono at `model.capabilities.inputSampleRate`. */
  sendAudio(pcm: Uint8Array): void {
    this.#engine.outgoing.send({ type: 'audio.append', pcm })
  }

  /**
   * One video frame (JPEG or PNG bytes, e.g. from a `VideoCapture`). Never held for later:
   * while (re)connecting, or while the socket has more than `maxBufferedVideoBytes` unsent, the
   * frame is dropped and counted in `video.framesSkipped`, and this returns `false`. Throws
   * `unsupported` when the model takes no video (`capabilities.video` is `null`), `not_connected`
   * when no connection is open or coming, and `invalid_video` for bytes that are not the
   * declared image type.
   *
   * @example
   * const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg' })).arrayBuffer())
   * runner.sendVideoFrame(jpeg, { mimeType: 'image/jpeg' })
   */
  sendVideoFrame(frame: Uint8Array, options: VideoFrameOptions): boolean {
    return this.#engine.video.send(frame, options)
  }

  /** Whether a video frame sent now would go out: connected, and the socket not behind. */
  canSendVideo(): boolean {
    return this.#engine.video.canSend()
  }

  /**
   * Registers a video source (a `VideoCapture` does this itself when given the runner as its
   * sink): its status and skipped frames show in the snapshot's `video`, and the runner stops it
   * when the session is closed or fails. One source at a time: attaching another stops the
   * previous one (switching from the camera to the screen).
   */
  attachVideo(source: VideoSourceLink): VideoAttachment {
    return this.#engine.video.attach(source)
  }

  /** A user text message. */
  sendText(text: string): void {
    this.#engine.outgoing.send({ type: 'text', text })
  }

  /** Ends the user's turn when turn detection is off. */
  commitAudio(): void {
    this.#engine.outgoing.send({ type: 'audio.commit' })
  }

  clearAudio(): void {
    this.#engine.outgoing.send({ type: 'audio.clear' })
  }

  /** Asks for a response (a no-op on providers that answer on their own). */
  createResponse(options?: ResponseOptions): void {
    this.#engine.outgoing.send(
      options ? { type: 'response.create', options } : { type: 'response.create' },
    )
  }

  /**
   * Stops the assistant now: the `playback` hook first (so the speakers go quiet at once), then
   * the response in progress, then a truncation to what the user heard where the provider
   * supports it. With `interruptionDetection: 'automatic'` the runner does this on user speech.
   */
  interrupt(): InterruptionResult {
    return this.#engine.interrupt()
  }

  /**
   * Answers a tool call the runner did not answer itself (auto-execution off, a tool without a
   * handler). Throws `session_closed` for a call of a connection that has been replaced.
   */
  sendToolResponse(response: ToolResponseInput): void {
    this.#engine.tools.respond(response)
  }

  /**
   * Any client event. `session.update` becomes `updateSession` (the crate's `UpdateSession`
   * intent), `tool.result` becomes `sendToolResponse`; the rest go to the session.
   */
  async sendClientEvent(event: ClientEvent): Promise<void> {
    if (event.type === 'session.update') {
      await this.#engine.updateSession(event.update, event.bridgeMessage)
    } else if (event.type === 'tool.result') this.sendToolResponse(event.result)
    else if (event.type === 'video.frame') {
      this.sendVideoFrame(event.frame, { mimeType: event.mimeType })
    } else this.#engine.outgoing.send(event)
  }

  // --- context mutation -----------------------------------------------------------------------

  /**
   * Changes the session mid-call. The delta is validated (a bad one throws `invalid_config` and
   * changes nothing) and merged into the canonical config, then applied in place where the
   * provider can (OpenAI), otherwise through a resumption: at once if the session is quiet, else
   * queued until it is (a newer update replaces a queued one). The bridge message is sent as a
   * user message after either path, at most once, on the first idle moment of a connection that
   * runs the change; a newer bridge replaces one not yet sent, and `close()` drops it. A refused
   * change throws (and emits) `update_rejected` and is rolled back.
   *
   * @example
   * await runner.updateSession(
   *   { instruction: 'You are now the billing assistant.', tools: [lookupInvoice] },
   *   { bridgeMessage: 'The caller was transferred to billing.' },
   * )
   */
  updateSession(
    delta: RunnerSessionUpdate,
    options: { bridgeMessage?: string } = {},
  ): Promise<UpdateSessionResult> {
    return this.#engine.updateSession(delta, options.bridgeMessage)
  }

  /** Hands the conversation to a sub-agent of the active agent; `unknown_agent` otherwise. */
  async transferTo(name: string): Promise<UpdateSessionResult> {
    return this.#engine.transferTo(name)
  }
}
