import type { ServerEvent } from '../events'

/**
 * Where the runner learns that the assistant is audible:
 * - `player`: the local player (`PlaybackController.onPlayingChange`, e.g. the browser audio
 *   engine) — its worklet starts and stops rendering, so this follows the speakers exactly;
 * - `server`: the provider plays the audio itself (OpenAI over WebRTC) and reports its output
 *   buffer (`outputAudio.started` / `stopped` / `cleared`);
 * - `network`: neither is available, so audio arriving (`audio.delta`) until the provider says it
 *   is done (`audio.done`, `response.done`, `interrupted`) is the best approximation.
 */
export type PlaybackSource = 'player' | 'server' | 'network'

/**
 * The assistant became audible (`playback.started`) or silent (`playback.stopped`). The store's
 * `agentSpeaking` follows these, so a UI shows "speaking" while the user hears the agent — also
 * after the provider finished sending, while the player drains its buffer.
 */
export type PlaybackChangeEvent = PlaybackStartedEvent | PlaybackStoppedEvent

interface PlaybackChange {
  source: PlaybackSource
  /** The response being heard (known from the provider's events, not from a local player). */
  responseId?: string
}
export interface PlaybackStartedEvent extends PlaybackChange {
  type: 'playback.started'
}
export interface PlaybackStoppedEvent extends PlaybackChange {
  type: 'playback.stopped'
}

/**
 * Decides, from the best source available, whether the assistant is audible, and reports each
 * change once. Sources are not mixed: with a player that reports, network events are ignored.
 * @internal
 */
export class PlaybackState {
  readonly #emit: (event: PlaybackChangeEvent) => void
  readonly #playerReports: boolean
  #playing = false
  #source: PlaybackSource = 'network'

  /** @param playerReports - the playback controller reports start and stop (`onPlayingChange`). */
  constructor(emit: (event: PlaybackChangeEvent) => void, playerReports: boolean) {
    this.#emit = emit
    this.#playerReports = playerReports
  }

  get playing(): boolean {
    return this.#playing
  }

  /** The local player started or stopped rendering. */
  report(playing: boolean): void {
    if (this.#playerReports) this.#set(playing, 'player')
  }

  /** A provider event; `serverPlays` when the session's transport plays the audio (WebRTC). */
  observe(event: ServerEvent, serverPlays: boolean): void {
    switch (event.type) {
      case 'outputAudio.started':
        if (!this.#playerReports) this.#set(true, 'server', event.responseId)
        return
      case 'outputAudio.stopped':
      case 'outputAudio.cleared':
        if (!this.#playerReports) this.#set(false, 'server', event.responseId)
        return
      case 'audio.delta':
        if (!this.#playerReports && !serverPlays) this.#set(true, 'network', event.responseId)
        return
      case 'audio.done':
      case 'response.done':
      case 'interrupted':
        if (!this.#playerReports && !serverPlays) this.#set(false, 'network', event.responseId)
        return
      default:
        return
    }
  }

  /**
   * Playback was stopped here (barge-in) or the connection is gone. A reporting player is left to
   * say so itself (within a render report): it knows whether anything is still audible, and a
   * forced `false` could miss its next start. `force` (the runner closed) resets regardless.
   */
  stop(force = false): void {
    if (this.#playerReports && !force) return
    this.#set(false, this.#source)
  }

  #set(playing: boolean, source: PlaybackSource, responseId?: string): void {
    if (playing === this.#playing) return
    this.#playing = playing
    this.#source = source
    const event: PlaybackChangeEvent = {
      type: playing ? 'playback.started' : 'playback.stopped',
      source,
    }
    if (responseId !== undefined) event.responseId = responseId
    this.#emit(event)
  }
}
