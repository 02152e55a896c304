import { audioContextConstructor } from './browser-env'

export interface SharedAudioContextOptions {
  /** Use this context instead of creating one; it is never closed by the library. */
  context?: AudioContext
  /**
   * Options for a created context. Leave `sampleRate` out: the context then runs at the device's
   * rate, and a microphone at another rate cannot be connected to it in Firefox ("Connecting
   * AudioNodes from AudioContexts with different sample-rate is currently not supported").
   */
  contextOptions?: AudioContextOptions
}

/**
 * The one AudioContext that capture and playback share, and its autoplay state.
 *
 * Browsers start audio only from a user gesture: iOS Safari keeps a context created or resumed
 * outside a tap silent (so the agent's first answer is lost), and Chrome suspends one created
 * before any interaction. Call {@link unlock} synchronously inside the click or tap handler —
 * before any `await` — and the context is created, resumed and primed there. Reconnecting
 * later reuses it, so a transport reconnect never needs a new gesture.
 *
 * When the browser still refuses (autoplay policy, an iOS audio interruption), `canPlayAudio` is
 * false: show a button whose handler calls {@link startAudio}.
 *
 * @example
 * const audio = new SharedAudioContext()
 * button.onclick = () => {
 *   audio.unlock() // first, synchronously
 *   void connect()
 * }
 * audio.subscribe(() => (playButton.hidden = audio.canPlayAudio))
 */
export class SharedAudioContext {
  readonly #options: SharedAudioContextOptions
  readonly #listeners = new Set<() => void>()
  #context: AudioContext | undefined
  #primed = false
  #closed = false

  constructor(options: SharedAudioContextOptions = {}) {
    this.#options = options
    if (options.context !== undefined) this.#adopt(options.context)
  }

  /** The context, once created. */
  get context(): AudioContext | undefined {
    return this.#context
  }

  /** Whether the library created the context (and so closes it). */
  get owned(): boolean {
    return this.#options.context === undefined
  }

  /** True while the context is running: audio will be heard. */
  get canPlayAudio(): boolean {
    return this.#context?.state === 'running'
  }

  /**
   * Creates the context if needed and starts it. Must run inside a user gesture's handler,
   * synchronously, for iOS Safari to allow sound.
   */
  unlock(): AudioContext {
    let context = this.#context
    // `#closed` is set at once by close(), whatever `state` says while the close completes.
    if (context === undefined || context.state === 'closed' || (this.#closed && this.owned)) {
      const Constructor = audioContextConstructor()
      context = new Constructor({ latencyHint: 'interactive', ...this.#options.contextOptions })
      this.#adopt(context)
      this.#closed = false
    }
    if (context.state !== 'running') {
      // Not awaited: the call itself has to happen inside the gesture; the result arrives as a
      // statechange (and canPlayAudio stays false if the browser refuses).
      context.resume().catch(() => {})
    }
    if (!this.#primed) {
      // Older iOS also wants a sound *started* within the gesture: one silent frame.
      this.#primed = true
      const source = context.createBufferSource()
      source.buffer = context.createBuffer(1, 1, context.sampleRate)
      source.connect(context.destination)
      source.start()
    }
    return context
  }

  /** Resumes a suspended or interrupted context; call it from a click or tap handler. */
  async startAudio(): Promise<void> {
    const context = this.unlock()
    if (context.state !== 'running') await context.resume()
  }

  /** Called on every change of `canPlayAudio` (the context's `statechange`). */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Closes the context if the library created it. Idempotent. */
  async close(): Promise<void> {
    const context = this.#context
    if (context === undefined || this.#closed) return
    this.#closed = true
    if (this.owned && context.state !== 'closed') await context.close()
  }

  #adopt(context: AudioContext): void {
    this.#context = context
    this.#primed = false
    context.addEventListener('statechange', () => {
      for (const listener of [...this.#listeners]) listener()
    })
  }
}
