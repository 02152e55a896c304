import { RealtimeRunner, createRealtimeStore } from '../core'
import type {
  RealtimeRunnerOptions,
  RealtimeStore,
  RealtimeStoreOptions,
  RunnerEventHandlers,
  ToolInput,
} from '../core'
import { noAudioState } from './audio'
import type { RealtimeAudio, RealtimeAudioState } from './audio'
import { createRealtimeAudio } from './realtime-audio'
import { SessionVideo } from './session-video'
import type { SessionVideoOptions } from './session-video'
import { ToolRegistry } from './tool-registry'

export interface RealtimeSessionOptions<TContext = unknown> extends Omit<
  RealtimeRunnerOptions<TContext>,
  'playback'
> {
  /**
   * `true` (default): the browser audio engine — microphone and speakers. `false`: text only.
   * Or an engine of your own (`createRealtimeAudio({...})`, `createSimulatedAudio()` in stories).
   * Read once, when the session is created.
   */
  audio?: boolean | RealtimeAudio | undefined
  /** Connect on mount (and on a remount after an unmount). Default `false`. */
  autoConnect?: boolean | undefined
  /** Options of the store (e.g. the frame scheduler that coalesces notifications). */
  store?: RealtimeStoreOptions | undefined
  /** Camera and screen capture (`useCamera`, `useScreenShare`): rate, size, stand-in streams. */
  video?: SessionVideoOptions | undefined
}

const handlerNames = [
  'onEvent',
  'onAudio',
  'onText',
  'onTranscript',
  'onSpeechStarted',
  'onSpeechStopped',
  'onResponseDone',
  'onToolCall',
  'onToolResult',
  'onError',
  'onDisconnect',
  'onConnectionStatus',
] as const satisfies ReadonlyArray<keyof RunnerEventHandlers>
// Fails to compile when the runner gains a callback this list does not forward.
type Unforwarded = Exclude<keyof RunnerEventHandlers, (typeof handlerNames)[number]>
const _everyHandler: [Unforwarded] extends [never] ? true : false = true

/** Handlers that call whatever the latest render passed. */
function forwardHandlers(latest: {
  current: RunnerEventHandlers | undefined
}): RunnerEventHandlers {
  const forwarded: Record<string, (...args: never[]) => void> = {}
  for (const name of handlerNames) {
    forwarded[name] = (...args: never[]) =>
      (latest.current?.[name] as ((...a: never[]) => void) | undefined)?.(...args)
  }
  return forwarded as RunnerEventHandlers
}

const controllers = new WeakMap<object, RealtimeSessionController>()

/** The controller that owns `store` (how a session handle finds its way into a provider). */
export function controllerOf(store: RealtimeStore): RealtimeSessionController | undefined {
  return controllers.get(store)
}

/**
 * One session's runner, store, audio engine and tools, outside React. React owns nothing here:
 * hooks subscribe to it and call its (stable) methods, and its lifetime follows `retain` and
 * `release` from the owning component's effect.
 *
 * - `connect`/`disconnect` are serialized: a connect starts only after the previous operation
 *   settled, a disconnect aborts a connect in flight, and a connect followed by a disconnect
 *   before it started is skipped — so a StrictMode remount or a fast double click can never
 *   have two connects (two sockets, two microphones) in flight.
 * - `release` waits until the end of the task before closing: StrictMode's simulated unmount is
 *   followed by a remount in the same task and cancels it, so the session is not torn down and
 *   rebuilt; a real unmount closes the runner and releases the microphone.
 * - The audio engine is attached to the runner on the first `retain` (or `connect`), not on
 *   construction, and detached after the final release: a controller React discarded never
 *   holds it.
 */
export class RealtimeSessionController<TContext = unknown> {
  readonly runner: RealtimeRunner<TContext>
  readonly store: RealtimeStore
  readonly audio: RealtimeAudio | undefined
  readonly video: SessionVideo
  readonly tools: ToolRegistry
  readonly handlers: { current: RunnerEventHandlers | undefined }
  #queue: Promise<void> = Promise.resolve()
  /** Counts disconnects: a connect queued before one is skipped. */
  #generation = 0
  #wanted = false
  #retained = 0
  #noAudio: RealtimeAudioState = noAudioState(false)
  /** Unbinds the audio engine from the runner; set while the engine is attached. */
  #detachAudio: (() => void) | undefined
  readonly #listeners = new Set<() => void>()

  constructor(options: RealtimeSessionOptions<TContext>) {
    const {
      audio = true,
      autoConnect: _autoConnect,
      store,
      handlers,
      video,
      ...runnerOptions
    } = options
    this.audio = audio === true ? createRealtimeAudio() : audio === false ? undefined : audio
    this.handlers = { current: handlers }
    this.runner = new RealtimeRunner<TContext>({
      ...runnerOptions,
      handlers: forwardHandlers(this.handlers),
      ...(this.audio?.playback === undefined ? {} : { playback: this.audio.playback }),
    })
    this.video = new SessionVideo(this.runner, video)
    this.store = createRealtimeStore(this.runner, store)
    this.tools = new ToolRegistry(options.tools ?? [], (tools: ToolInput[]) => {
      // Unmounted (all components gone): nothing to update, and nothing may be left scheduled.
      if (this.#retained === 0) return false
      this.runner.updateSession({ tools }).catch((error: unknown) => console.error(error))
      return true
    })
    controllers.set(this.store, this as RealtimeSessionController)
  }

  /** Opens the session (and the microphone). Call it from a click: audio unlocks synchronously. */
  connect = (): Promise<void> => {
    this.#wanted = true
    const generation = this.#generation
    this.#attachAudio() // a child's effect may connect before the owner's effect retained
    try {
      this.audio?.unlock()
    } catch {
      // No Web Audio here: start() reports it in the audio state.
    }
    return this.#serial(async () => {
      if (generation !== this.#generation) return // a disconnect came after it: skip
      const microphone = this.audio?.start().catch(() => {}) // its error is in the audio state
      try {
        await this.runner.connect()
      } catch (error) {
        await this.audio?.stop()
        throw error
      }
      await microphone
    })
  }

  /**
   * Closes the session and releases the microphone. It acts at once — a connect in flight is
   * aborted (its promise rejects with `cancelled`) rather than waited for — and a later `connect`
   * runs only after the close completed.
   */
  disconnect = (): Promise<void> => {
    this.#wanted = false
    this.#generation += 1
    const closing = Promise.all([this.audio?.stop(), this.runner.close(), this.video.stopAll()])
    return this.#serial(async () => {
      await closing
      this.store.flush() // publish "closed" now: nothing left scheduled after an unmount
    })
  }

  setMuted = (muted: boolean): void => {
    if (this.audio !== undefined) return this.audio.setMuted(muted)
    if (this.#noAudio.muted === muted) return
    this.#noAudio = noAudioState(muted)
    for (const listener of [...this.#listeners]) listener()
  }

  getAudioState = (): RealtimeAudioState => this.audio?.getSnapshot() ?? this.#noAudio

  subscribeAudio = (listener: () => void): (() => void) => {
    if (this.audio !== undefined) return this.audio.subscribe(listener)
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** A component now owns the session (effect mount). */
  retain(autoConnect: boolean): void {
    this.#retained += 1
    this.#attachAudio()
    if (autoConnect && !this.#wanted) this.connect().catch(() => {}) // the error is in the store
  }

  /** The owner let go (effect cleanup); closes at the end of the task unless retained again. */
  release(): void {
    this.#retained -= 1
    queueMicrotask(() => {
      if (this.#retained > 0) return
      const { connection } = this.runner.getState()
      const open =
        connection === 'connecting' || connection === 'connected' || connection === 'reconnecting'
      const closing =
        this.#wanted || open
          ? this.disconnect()
          : Promise.all([this.audio?.stop(), this.video.stopAll()])
      // Unbound once stopped, so the engine's last state (`stopped`) still reaches the UI.
      void closing.finally(this.#detachIfReleased)
    })
  }

  /**
   * Binds the audio engine to the runner once a component owns the session — never in the
   * constructor: React may build a controller and throw it away (StrictMode runs the `useState`
   * initializer twice), and an engine serves one runner, so only the live one may have it.
   */
  #attachAudio(): void {
    if (this.audio !== undefined && this.#detachAudio === undefined) {
      this.#detachAudio = this.audio.attach(this.runner)
    }
  }

  #detachIfReleased = (): void => {
    if (this.#retained > 0) return // owned again (a remount) while it was closing
    this.#detachAudio?.()
    this.#detachAudio = undefined
  }

  #serial(operation: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(operation)
    this.#queue = run.catch(() => {})
    return run
  }
}
