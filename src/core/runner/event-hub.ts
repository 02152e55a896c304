import { EventStream } from '../event-stream'
import type { RunnerEvent, RunnerEventHandlers } from './options'

/**
 * Delivers runner events to the three kinds of consumers, in this order: the handler callbacks
 * given as options, `onEvent` listeners (the store), and async iterators. A consumer that throws
 * is reported with `console.error` and does not stop delivery: an app bug must neither stop the
 * runner nor vanish.
 */
export class RunnerEventHub {
  readonly #handlers: RunnerEventHandlers
  readonly #listeners = new Set<(event: RunnerEvent) => void>()
  /** The listeners as of the last change, copied once per change rather than once per event. */
  #dispatch: ReadonlyArray<(event: RunnerEvent) => void> | undefined
  #stream = new EventStream<RunnerEvent>()

  constructor(handlers: RunnerEventHandlers = {}) {
    this.#handlers = handlers
  }

  emit(event: RunnerEvent): void {
    this.#callHandlers(event)
    this.#dispatch ??= [...this.#listeners]
    for (const listener of this.#dispatch) {
      try {
        listener(event)
      } catch (error) {
        console.error(error)
      }
    }
    this.#stream.push(event)
  }

  /** Listeners survive `close()`: a store keeps mirroring a runner that connects again. */
  subscribe(listener: (event: RunnerEvent) => void): () => void {
    const entry = (event: RunnerEvent): void => listener(event)
    this.#listeners.add(entry)
    this.#dispatch = undefined
    return () => {
      if (this.#listeners.delete(entry)) this.#dispatch = undefined
    }
  }

  iterate(): AsyncIterableIterator<RunnerEvent> {
    return this.#stream.iterate()
  }

  /** Completes every iterator (their `for await` loops end) and starts a fresh stream. */
  endIterators(): void {
    this.#stream.end()
    this.#stream = new EventStream<RunnerEvent>()
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
      console.error(error)
    }
  }
}
