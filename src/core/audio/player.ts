import { RealtimeError } from '../errors'
import type { PlaybackController, PlaybackInterruption } from '../runner/interruption'
import { pcm16BytesToFloat } from './pcm'
import { PlaybackTimeline } from './playback-timeline'
import { PlayerNode } from './player-node'
import { Resampler } from './resample'
import { SharedAudioContext } from './shared-audio-context'
import type { PlayerInterruptedMessage, PlayerStatsMessage } from './worklets/protocol'

export interface AudioPlayerOptions {
  /** The shared context (see `SharedAudioContext`); by default the player creates and owns one. */
  audio?: SharedAudioContext | AudioContext
  /** Rate of the PCM16 given to `enqueue` when it does not say: 24000 (both providers). */
  sampleRate?: number
  /**
   * Audio buffered before playback starts, and again after an underrun (default 60 ms). Larger
   * rides out a jittery network; smaller answers sooner.
   */
  prebufferMs?: number
  /** Self-hosted worklet module, for a CSP without `blob:` (see `loadAudioWorklet`). */
  workletUrl?: string | URL
  /** Where the output goes (default: the context's destination). */
  connect?: (output: AudioNode, context: AudioContext) => void
  /**
   * Output started or stopped (prebuffer filled; drained, ran dry, or interrupted), with the
   * context time of the change. Follows the speakers, not the network: a UI's "agent speaking"
   * and latency metrics ("speech end → first audible audio") want this.
   */
  onPlaying?: (playing: boolean, contextTime: number) => void
  /** The worklet's exact account of an interrupt, shortly after `interrupt()` returned. */
  onInterrupted?: (report: InterruptReport) => void
  onError?: (error: RealtimeError) => void
}

/** What the worklet measured for one `interrupt()`. */
export interface InterruptReport {
  itemId: string | undefined
  /** Exact played time of the item when output stopped, from the worklet's counter. */
  playedMs: number
  /** What `interrupt()` returned (estimated on the main thread). */
  estimatedPlayedMs: number | undefined
  /** Context time from the `interrupt()` call to the first silent render quantum. */
  silenceLatencyMs: number
  /** Context time (seconds) of the first silent render quantum. */
  silentAt: number
}

/** Per-item counters. */
export interface ItemPlayback {
  /** Frames at the context rate handed to the worklet (the item's audio, resampled). */
  postedFrames: number
  /** Frames the worklet reported played (at its latest report). */
  playedFrames: number
  playedMs: number
}

/**
 * Plays provider audio (PCM16, 24 kHz) through an AudioWorklet: resampled to the context rate on
 * the main thread, queued in the worklet behind a small jitter prebuffer, rendered with per-item
 * played counters. An underrun outputs silence and is counted; the node never stops.
 *
 * It is the runner's `PlaybackController`: `interrupt()` silences output from the next render
 * quantum and returns the item playing with how much of it was heard, which the runner turns into
 * `conversation.item.truncate`. The played position comes from the worklet's consumption counter
 * — shared memory when the page is cross-origin isolated (exact to a quantum), otherwise its
 * latest report (every ~20 ms) advanced by the context clock.
 *
 * @example
 * const player = new AudioPlayer()
 * button.onclick = () => player.start() // inside the gesture
 * runner.onEvent((e) => {
 *   if (e.type === 'audio.delta') player.enqueue(e.itemId, e.pcm, e.sampleRate)
 *   if (e.type === 'audio.done') player.end(e.itemId)
 * })
 */
export class AudioPlayer implements PlaybackController {
  readonly #options: AudioPlayerOptions
  readonly #audio: SharedAudioContext
  readonly #ownsAudio: boolean
  #timeline = new PlaybackTimeline()
  /** Items are numbered for the worklet; these maps are bounded to recent items. */
  readonly #seqOf = new Map<string, number>()
  readonly #itemOf = new Map<number, string>()
  readonly #posted = new Map<number, number>()
  readonly #played = new Map<string, number>()
  /** Interrupted items: their late deltas are dropped. */
  readonly #cut = new Set<string>()
  readonly #asked = new Map<number, { at: number; estimate: number | undefined }>()
  #context: AudioContext | undefined
  #node: PlayerNode | undefined
  #ready: Promise<void> | undefined
  /** Everything posted before the latest interrupt counts as consumed. */
  #floor = 0
  #resampler: Resampler | undefined
  #item: string | undefined
  #nextSeq = 0
  #interrupts = 0
  #playing = false
  readonly #playingListeners = new Set<(playing: boolean) => void>()

  constructor(options: AudioPlayerOptions = {}) {
    this.#options = options
    const audio = options.audio
    this.#ownsAudio = audio === undefined
    this.#audio =
      audio instanceof SharedAudioContext
        ? audio
        : new SharedAudioContext(audio === undefined ? {} : { context: audio })
  }

  /** True while the context runs, i.e. audio can be heard. */
  get canPlayAudio(): boolean {
    return this.#audio.canPlayAudio
  }

  /** Resumes audio blocked by autoplay rules; call it from a click or tap handler. */
  startAudio(): Promise<void> {
    return this.#audio.startAudio()
  }

  /** Creates the worklet node. Call it inside a user gesture (it unlocks the context first). */
  start(): Promise<void> {
    if (this.#ready !== undefined) return this.#ready
    let context: AudioContext
    try {
      context = this.#audio.unlock()
    } catch (error) {
      return Promise.reject(error)
    }
    this.#context = context
    const node = new PlayerNode(context, {
      prebufferMs: this.#options.prebufferMs ?? 60,
      workletUrl: this.#options.workletUrl,
      connect: this.#options.connect,
      onStats: (message) => this.#onStats(message),
      onInterrupted: (message) => this.#onInterrupted(message),
      onError: (message) => this.#fail(new Error(`The player worklet failed: ${message}`)),
    })
    this.#node = node
    this.#ready = node.create().catch((error: unknown) => {
      this.#ready = undefined
      throw RealtimeError.from(error, 'media_unavailable')
    })
    return this.#ready
  }

  /**
   * Queues PCM16 little-endian mono audio of `itemId`. Audio of an item that was interrupted is
   * dropped (deltas still in flight after a barge-in).
   */
  enqueue(itemId: string, pcm: Uint8Array, sampleRate = this.#options.sampleRate ?? 24_000): void {
    if (this.#cut.has(itemId) || pcm.byteLength === 0) return
    if (this.#ready === undefined) void this.start().catch((error: unknown) => this.#fail(error))
    const context = this.#context
    if (context === undefined) return
    if (this.#item !== itemId) this.#flushItem()
    if (this.#resampler?.inputRate !== sampleRate) {
      this.#resampler = new Resampler({ inputRate: sampleRate, outputRate: context.sampleRate })
    }
    this.#item = itemId
    this.#push(itemId, this.#resampler.process(pcm16BytesToFloat(pcm)))
  }

  /** No more audio for now (`audio.done`): plays the rest even if it is under the prebuffer. */
  end(itemId?: string): void {
    if (itemId === undefined || itemId === this.#item) this.#flushItem()
    this.#timeline.end()
    this.#node?.post({ type: 'end' })
  }

  /** True while audio is queued or playing (also after the provider finished sending it). */
  isPlaying(): boolean {
    return this.#consumedNow() < this.#timeline.posted
  }

  /**
   * Silences output from the next render quantum and returns the item that was playing with the
   * milliseconds heard, or `null` when nothing was playing. Later audio of that item is dropped.
   */
  interrupt(): PlaybackInterruption | null {
    const context = this.#context
    if (context === undefined || this.#node === undefined) return null
    const head = this.#timeline.headAt(this.#consumedNow())
    const id = ++this.#interrupts
    this.#node.post({ type: 'interrupt', id })
    this.#floor = this.#timeline.posted
    this.#timeline.clear()
    this.#resampler?.reset()
    this.#item = undefined
    const itemId = head === null ? undefined : this.#itemOf.get(head.seq)
    const playedMs = head === null ? undefined : (head.played / context.sampleRate) * 1000
    this.#asked.set(id, { at: context.currentTime, estimate: playedMs })
    if (itemId === undefined || playedMs === undefined) return null
    this.#cut.add(itemId)
    if (this.#cut.size > 32) this.#cut.delete(this.#cut.values().next().value!)
    return { itemId, playedMs }
  }

  /**
   * Called when output starts or stops (as `onPlaying`, without the time); returns the
   * unsubscribe function. The runner subscribes through `PlaybackController`, so its
   * `playback.started` / `playback.stopped` events — and the store's `agentSpeaking` — follow
   * the speakers rather than the network.
   */
  onPlayingChange(listener: (playing: boolean) => void): () => void {
    const entry = (playing: boolean): void => listener(playing)
    this.#playingListeners.add(entry)
    return () => this.#playingListeners.delete(entry)
  }

  /** Output RMS, 0–1, over the last ~20 ms. Cheap: read it every animation frame. */
  get level(): number {
    return this.#node?.level ?? 0
  }

  /** Times the queue ran dry before the provider said the audio was done. */
  get underruns(): number {
    return this.#node?.underruns ?? 0
  }

  /** The context's rate, once started. */
  get contextSampleRate(): number | undefined {
    return this.#context?.sampleRate
  }

  /** Counters for a recent item, as the worklet last reported them. */
  itemPlayback(itemId: string): ItemPlayback | undefined {
    const seq = this.#seqOf.get(itemId)
    const context = this.#context
    if (seq === undefined || context === undefined) return undefined
    const playedFrames = this.#played.get(itemId) ?? 0
    return {
      postedFrames: this.#posted.get(seq) ?? 0,
      playedFrames,
      playedMs: (playedFrames / context.sampleRate) * 1000,
    }
  }

  /**
   * Stops output and releases the node and (if owned) the AudioContext. Idempotent. The player
   * stays usable: `start()` (or the next `enqueue`) sets it up again, so a runner can reconnect
   * with the same playback controller.
   */
  async close(): Promise<void> {
    // Reported like any other stop (`onPlaying` too), at the context time of the close.
    this.#setPlaying(false, this.#context?.currentTime)
    this.#node?.dispose()
    this.#node = undefined
    this.#ready = undefined
    this.#context = undefined
    this.#timeline = new PlaybackTimeline()
    this.#floor = 0
    this.#resampler = undefined
    this.#item = undefined
    for (const map of [this.#seqOf, this.#itemOf, this.#posted, this.#played, this.#asked]) {
      map.clear()
    }
    this.#cut.clear()
    if (this.#ownsAudio) await this.#audio.close().catch(() => {})
  }

  #flushItem(): void {
    const item = this.#item
    const resampler = this.#resampler
    if (item === undefined || resampler === undefined) return
    // The resampler holds back ~1 ms of lookahead; an item's tail must not wait for the next one.
    this.#push(item, resampler.flush())
    this.#item = undefined
  }

  #push(itemId: string, samples: Float32Array<ArrayBuffer>): void {
    if (samples.length === 0) return
    let seq = this.#seqOf.get(itemId)
    if (seq === undefined) {
      seq = this.#nextSeq++
      this.#seqOf.set(itemId, seq)
      this.#itemOf.set(seq, itemId)
      if (this.#itemOf.size > 64) this.#forgetOldest()
    }
    this.#posted.set(seq, (this.#posted.get(seq) ?? 0) + samples.length)
    this.#timeline.append(seq, samples.length)
    this.#node?.post({ type: 'push', seq, samples }, [samples.buffer])
  }

  #forgetOldest(): void {
    const [seq, itemId] = this.#itemOf.entries().next().value!
    this.#itemOf.delete(seq)
    this.#seqOf.delete(itemId)
    this.#posted.delete(seq)
    this.#played.delete(itemId)
  }

  #consumedNow(): number {
    return this.#node?.consumed(this.#timeline.posted, this.#floor) ?? this.#timeline.posted
  }

  #onStats(message: PlayerStatsMessage): void {
    if (message.playing !== this.#playing) {
      const context = this.#context
      const frame = message.playing ? message.frame - message.quantum : message.frame
      this.#setPlaying(message.playing, context && frame / context.sampleRate)
    }
    for (const [seq, played] of message.items) {
      const itemId = this.#itemOf.get(seq)
      if (itemId !== undefined) this.#played.set(itemId, played)
    }
    this.#timeline.trim(message.consumed)
  }

  #setPlaying(playing: boolean, contextTime: number | undefined): void {
    if (playing === this.#playing) return
    this.#playing = playing
    if (contextTime !== undefined) this.#call(this.#options.onPlaying, playing, contextTime)
    for (const listener of [...this.#playingListeners]) this.#call(listener, playing)
  }

  #onInterrupted(message: PlayerInterruptedMessage): void {
    const context = this.#context
    const asked = this.#asked.get(message.id)
    this.#asked.delete(message.id)
    if (context === undefined) return
    const itemId = message.seq < 0 ? undefined : this.#itemOf.get(message.seq)
    if (itemId !== undefined) this.#played.set(itemId, message.played)
    const rate = context.sampleRate
    const report: InterruptReport = {
      itemId,
      playedMs: (message.played / rate) * 1000,
      estimatedPlayedMs: asked?.estimate,
      silenceLatencyMs:
        asked === undefined ? 0 : Math.max(0, (message.silentFrom / rate - asked.at) * 1000),
      silentAt: message.silentFrom / rate,
    }
    this.#call(this.#options.onInterrupted, report)
  }

  #call<TArgs extends unknown[]>(callback: ((...args: TArgs) => void) | undefined, ...args: TArgs) {
    try {
      callback?.(...args)
    } catch (error) {
      console.error(error) // an app callback bug must not break playback
    }
  }

  #fail(cause: unknown): void {
    const error = RealtimeError.from(cause, 'media_unavailable')
    try {
      this.#options.onError?.(error)
    } catch (callbackError) {
      console.error(callbackError)
    }
  }
}
