import { RealtimeError } from '../errors'
import type { PlaybackController } from '../runner/interruption'
import type { ConnectionStatus, RunnerEvent, RunnerSnapshot } from '../runner/options'
import type { ProviderCapabilities } from '../session'
import { MicrophoneCapture } from './microphone'
import type { MicrophoneCaptureOptions, MicrophoneSnapshot } from './microphone'
import { AudioPlayer } from './player'
import type { AudioPlayerOptions } from './player'
import { SharedAudioContext } from './shared-audio-context'
import { SnapshotStore } from './snapshot-store'

/** The runner surface the glue uses (a `RealtimeRunner` satisfies it). */
export interface BrowserAudioRunner {
  readonly model: { readonly capabilities: Pick<ProviderCapabilities, 'inputSampleRate'> }
  getState(): Pick<RunnerSnapshot, 'connection'>
  onEvent(listener: (event: RunnerEvent) => void): () => void
  sendAudio(pcm: Uint8Array): void
}

export interface BrowserAudioOptions {
  /** Use this context (never closed by the library) instead of creating one. */
  context?: AudioContext
  /**
   * A self-hosted copy of `audioWorkletSource`, for a Content-Security-Policy without `blob:`
   * (see `loadAudioWorklet`). Used by both the microphone and the player.
   */
  workletUrl?: string | URL
  /** Microphone options; `false` for playback only (text input, or audio sent some other way). */
  microphone?: false | Omit<MicrophoneCaptureOptions, 'sampleRate' | 'onFrame' | 'audio'>
  player?: Omit<AudioPlayerOptions, 'audio'>
}

export type BrowserAudioStatus = 'idle' | 'starting' | 'running' | 'stopped'

/** What a UI shows; the same object until something changes. */
export interface BrowserAudioSnapshot {
  status: BrowserAudioStatus
  /** False when the browser blocks sound until a gesture: show a button calling `startAudio()`. */
  canPlayAudio: boolean
  /** The speakers are playing the agent (follows the player worklet, not the network). */
  playing: boolean
  microphone: MicrophoneSnapshot | undefined
  error: RealtimeError | undefined
}

/** Statuses in which the runner accepts audio (it buffers while connecting or reconnecting). */
const SENDING: ReadonlySet<ConnectionStatus> = new Set(['connecting', 'connected', 'reconnecting'])

/**
 * Wires the browser audio engine to a `RealtimeRunner`: microphone frames at the provider's input
 * rate go to `runner.sendAudio`, `audio.delta` events to the player, and barge-in goes through
 * the player (pass `audio.playback` to the runner). One AudioContext serves both directions; it is
 * unlocked in the gesture that calls {@link BrowserAudio.start}, and reused across reconnects.
 * When the runner closes or fails, the microphone and the context are released.
 *
 * With `interruptionDetection: 'automatic'`, user speech while the agent is audible stops the
 * speakers at once and, on OpenAI, truncates the assistant item to what was heard — measured by
 * the player worklet, not by a wall clock, and also after the provider finished sending.
 *
 * @example
 * const audio = createBrowserAudio()
 * const runner = new RealtimeRunner({
 *   model,
 *   config: { interruptionDetection: 'automatic' },
 *   playback: audio.playback,
 * })
 * audio.attach(runner)
 * button.onclick = () => audio.connect(runner) // unlock audio + microphone + connect, in the gesture
 * requestAnimationFrame(function draw() {
 *   meter.value = audio.inputLevel // pull, at animation-frame rate
 *   requestAnimationFrame(draw)
 * })
 */
export interface BrowserAudio {
  readonly audio: SharedAudioContext
  readonly player: AudioPlayer
  /** Created by `attach` (it needs the provider's input rate); `undefined` with `microphone: false`. */
  readonly microphone: MicrophoneCapture | undefined
  /** Give this to the runner as its `playback` option. */
  readonly playback: PlaybackController
  /** Subscribes to the runner's events; returns the detach function. */
  attach(runner: BrowserAudioRunner): () => void
  /**
   * Unlocks audio (synchronously — call it in a gesture), starts the player and the microphone.
   * A start that `stop()` overtook resolves without starting; the status stays 'stopped'.
   */
  start(): Promise<void>
  /**
   * `start()` and `runner.connect()` together, from one gesture. If either fails, both are undone
   * (a refused microphone closes the runner) and the first error is thrown.
   */
  connect(
    runner: BrowserAudioRunner & { connect(): Promise<void>; close(): Promise<void> },
  ): Promise<void>
  /** Resumes audio the browser blocked; call it from a click or tap handler. */
  startAudio(): Promise<void>
  /** Releases the microphone, the player and (if created here) the AudioContext. Idempotent. */
  stop(): Promise<void>
  getSnapshot(): BrowserAudioSnapshot
  subscribe(listener: () => void): () => void
  /** Microphone RMS, 0–1 (0 while muted). */
  readonly inputLevel: number
  /** Speaker RMS, 0–1. */
  readonly outputLevel: number
}

export function createBrowserAudio(options: BrowserAudioOptions = {}): BrowserAudio {
  const audio = new SharedAudioContext(
    options.context === undefined ? {} : { context: options.context },
  )
  const workletUrl = options.workletUrl === undefined ? {} : { workletUrl: options.workletUrl }
  const player = new AudioPlayer({
    ...workletUrl,
    ...options.player,
    audio,
    onPlaying: (playing, contextTime) => {
      update({ playing })
      options.player?.onPlaying?.(playing, contextTime)
    },
  })
  const store = new SnapshotStore<BrowserAudioSnapshot>({
    status: 'idle',
    canPlayAudio: false,
    playing: false,
    microphone: undefined,
    error: undefined,
  })
  let microphone: MicrophoneCapture | undefined
  let runner: BrowserAudioRunner | undefined
  let starting: Promise<void> | undefined
  /** Bumped by every start and stop: only the latest start may report 'running' or fail. */
  let generation = 0

  /** Applies `patch` and re-reads the parts owned by the context and the microphone. */
  const update = (patch: Partial<BrowserAudioSnapshot>): void =>
    store.update({
      ...patch,
      canPlayAudio: audio.canPlayAudio,
      microphone: microphone?.getSnapshot(),
    })
  audio.subscribe(() => update({}))

  const onEvent = (event: RunnerEvent): void => {
    switch (event.type) {
      case 'audio.delta':
        return player.enqueue(event.itemId, event.pcm, event.sampleRate)
      case 'audio.done':
        return player.end(event.itemId)
      case 'response.done':
        // A response can end without `audio.done` (cancelled): let the buffered tail play out.
        return player.end()
      case 'interrupted':
        // The provider stopped the answer itself (Gemini barge-in): what is queued is stale.
        player.interrupt()
        return
      case 'connection.status':
        if (event.status === 'closed' || event.status === 'failed') void api.stop()
        return
      default:
        return
    }
  }

  const api: BrowserAudio = {
    audio,
    player,
    get microphone() {
      return microphone
    },
    playback: player,

    attach(target) {
      if (runner !== undefined && runner !== target) {
        throw new RealtimeError(
          'invalid_config',
          'This BrowserAudio is already attached to a runner',
        )
      }
      runner = target
      if (options.microphone !== false && microphone === undefined) {
        microphone = new MicrophoneCapture({
          ...workletUrl,
          ...options.microphone,
          sampleRate: target.model.capabilities.inputSampleRate,
          audio,
          onFrame: (pcm) => {
            if (runner !== undefined && SENDING.has(runner.getState().connection)) {
              runner.sendAudio(pcm)
            }
          },
        })
        microphone.subscribe(() => update({}))
      }
      const off = target.onEvent(onEvent)
      return () => {
        off()
        if (runner === target) runner = undefined
      }
    },

    start() {
      if (starting !== undefined) return starting
      try {
        audio.unlock() // synchronously, inside the gesture
      } catch (error) {
        return Promise.reject(error)
      }
      const current = ++generation
      update({ status: 'starting', error: undefined })
      starting = Promise.all([player.start(), microphone?.start()]).then(
        () => {
          if (current === generation) update({ status: 'running' })
        },
        async (cause: unknown) => {
          if (current !== generation) return // stop() came first and released everything
          const error = RealtimeError.from(cause, 'media_unavailable')
          update({ error })
          await api.stop()
          throw error
        },
      )
      return starting
    },

    async connect(target) {
      if (runner !== target) api.attach(target)
      const started = api.start()
      const connected = target.connect()
      // The first failure undoes the other side and is thrown at once: a refused microphone
      // closes the runner (cancelling its connect), a failed connect releases the audio.
      let failed = false
      const undoOnFailure = (side: Promise<void>, undo: () => Promise<void>) =>
        side.catch(async (error: unknown) => {
          if (failed) return // the other side failed first, and undid this one
          failed = true
          await undo()
          throw error
        })
      await Promise.all([
        undoOnFailure(started, () => target.close()),
        undoOnFailure(connected, () => api.stop()),
      ])
    },

    startAudio: () => audio.startAudio(),

    async stop() {
      // Every step is idempotent, so this also releases a player that restarted by itself
      // (audio arriving after a reconnect that did not go through start()).
      generation += 1
      starting = undefined
      update({ status: 'stopped' })
      // The microphone and the player let go first, then the context is closed — all before
      // the first await, so a start() right after this call (not awaited) gets a new context
      // instead of one closed under it.
      await Promise.all([microphone?.stop(), player.close(), audio.close().catch(() => {})])
      update({})
    },

    getSnapshot: () => store.get(),
    subscribe: (listener) => store.subscribe(listener),
    get inputLevel() {
      return microphone?.level ?? 0
    },
    get outputLevel() {
      return player.level
    },
  }
  return api
}
