import type { RealtimeConfig } from '../config'
import type { ServerEvent } from '../events'
import type { RealtimeSession } from '../session'

/** What the user actually heard of an assistant item when playback stopped. */
export interface PlaybackInterruption {
  itemId: string
  /** Milliseconds of that item's audio played out of the speakers. */
  playedMs: number
  contentIndex?: number
}

/**
 * The hook between the runner and whatever plays the assistant's audio (the browser audio
 * engine, a LiveKit track, a test double). The runner calls it on barge-in, before it tells the
 * provider anything, so the speakers go quiet at once.
 *
 * @example
 * const runner = new RealtimeRunner({
 *   model,
 *   config: { interruptionDetection: 'automatic' },
 *   playback: {
 *     interrupt: () => player.stop(),      // → { itemId, playedMs } | null
 *     isPlaying: () => player.isPlaying,
 *   },
 * })
 */
export interface PlaybackController {
  /**
   * Silences output now and returns the item that was playing with how much of it was heard,
   * or `null` when nothing was playing.
   */
  interrupt(): PlaybackInterruption | null
  /**
   * Whether assistant audio is still audible. Lets the runner react to barge-in after the
   * provider finished sending audio but the speakers have not finished playing it.
   */
  isPlaying?(): boolean
  /**
   * Subscribes to output starting and stopping (prebuffer filled; drained, ran dry or
   * interrupted); returns the unsubscribe function. When present, the runner's
   * `playback.started` / `playback.stopped` events — and so the store's `agentSpeaking` — follow
   * the speakers instead of the network (`AudioPlayer` implements it).
   */
  onPlayingChange?(listener: (playing: boolean) => void): () => void
}

/** What a barge-in did. */
export interface InterruptionResult {
  itemId?: string
  playedMs?: number
  /** Whether the provider was asked to cancel the response in progress. */
  cancelled: boolean
  /** Whether the provider was told how much of the item was heard. */
  truncated: boolean
}

/**
 * Tracks assistant audio as it arrives: which item is being produced and how many milliseconds
 * of each item were received, so a reported `playedMs` can be clamped to what exists (a player
 * clock may run slightly ahead, and OpenAI rejects a truncation past the end of the audio).
 */
export class AssistantAudioTracker {
  readonly #receivedMs = new Map<string, number>()
  #producing: string | undefined
  #serverPlaying = false

  /** The item whose audio is arriving now, if any. */
  get producing(): string | undefined {
    return this.#producing
  }

  /**
   * The provider is playing the audio itself and says it is audible (OpenAI over WebRTC:
   * `outputAudio.started`, not yet `stopped` or `cleared`).
   */
  get serverPlaying(): boolean {
    return this.#serverPlaying
  }

  receivedMs(itemId: string): number {
    return this.#receivedMs.get(itemId) ?? 0
  }

  observe(event: ServerEvent): void {
    switch (event.type) {
      case 'audio.delta': {
        const ms = (event.pcm.byteLength / 2 / event.sampleRate) * 1000
        this.#receivedMs.set(event.itemId, this.receivedMs(event.itemId) + ms)
        this.#producing = event.itemId
        // Only recent items can still be playing; forget old ones so a long call stays small.
        if (this.#receivedMs.size > 32) {
          const oldest = this.#receivedMs.keys().next().value
          if (oldest !== undefined) this.#receivedMs.delete(oldest)
        }
        return
      }
      case 'audio.done':
        if (this.#producing === event.itemId) this.#producing = undefined
        return
      case 'response.done':
      case 'interrupted':
        this.#producing = undefined
        return
      case 'outputAudio.started':
        this.#serverPlaying = true
        return
      case 'outputAudio.stopped':
      case 'outputAudio.cleared':
        this.#serverPlaying = false
        return
      default:
        return
    }
  }

  reset(): void {
    this.#receivedMs.clear()
    this.#producing = undefined
    this.#serverPlaying = false
  }
}

/**
 * Stops the assistant: local playback first, then the provider's response (only when one is in
 * progress — OpenAI reports an error for a cancel without one — or when the provider is still
 * playing audio it finished generating, as over WebRTC, where the session then clears its output
 * buffer), then a truncation to what was heard where the provider supports it and something was
 * heard.
 */
export function interruptAssistant(options: {
  session: RealtimeSession | undefined
  playback: PlaybackController | undefined
  tracker: AssistantAudioTracker
  responseActive: boolean
}): InterruptionResult {
  const { session, playback, tracker, responseActive } = options
  const heard = playback?.interrupt() ?? null
  const result: InterruptionResult = { cancelled: false, truncated: false }
  if (!session) return result
  if (responseActive || tracker.serverPlaying) {
    session.interrupt()
    result.cancelled = true
  }
  if (heard) {
    const playedMs = Math.floor(Math.min(heard.playedMs, tracker.receivedMs(heard.itemId)))
    result.itemId = heard.itemId
    result.playedMs = playedMs
    if (session.capabilities.truncation && playedMs > 0) {
      session.truncate(heard.itemId, playedMs, heard.contentIndex)
      result.truncated = true
    }
  }
  return result
}

/**
 * Barge-in for the runner: tracks the assistant's audio and decides, on user speech, whether the
 * assistant is audible (audio still arriving, or the playback hook says it is still playing).
 */
export class BargeIn {
  readonly #playback: PlaybackController | undefined
  readonly #tracker = new AssistantAudioTracker()

  constructor(playback: PlaybackController | undefined) {
    this.#playback = playback
  }

  observe(event: ServerEvent): void {
    this.#tracker.observe(event)
  }

  /** A new connection: nothing of the old one is playing or being produced. */
  reset(): void {
    this.#tracker.reset()
  }

  /** `interruptionDetection: 'automatic'` and the assistant is audible. */
  shouldInterrupt(config: RealtimeConfig): boolean {
    if (config.interruptionDetection !== 'automatic') return false
    return (
      this.#tracker.producing !== undefined ||
      this.#tracker.serverPlaying ||
      this.#playback?.isPlaying?.() === true
    )
  }

  interrupt(session: RealtimeSession | undefined, responseActive: boolean): InterruptionResult {
    return interruptAssistant({
      session,
      playback: this.#playback,
      tracker: this.#tracker,
      responseActive,
    })
  }
}
