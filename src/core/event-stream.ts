/**
 * An in-order event fan-out with both listener and async-iterator consumers. Sessions use it to
 * publish `ServerEvent`s; `end()` completes every iterator, so `for await` loops finish when the
 * connection closes instead of hanging.
 *
 * A listener that throws does not stop delivery to the others; the error is reported through
 * `onListenerError` (default: `console.error`) because swallowing it would hide app bugs.
 */
export class EventStream<TEvent> {
  #listeners = new Set<(event: TEvent) => void>()
  /** The listeners as of the last change, copied once per change rather than once per event. */
  #dispatch: ReadonlyArray<(event: TEvent) => void> | undefined
  #iterators = new Set<IteratorState<TEvent>>()
  #ended = false
  readonly #onListenerError: (error: unknown) => void

  constructor(onListenerError: (error: unknown) => void = (error) => console.error(error)) {
    this.#onListenerError = onListenerError
  }

  get ended(): boolean {
    return this.#ended
  }

  get listenerCount(): number {
    return this.#listeners.size + this.#iterators.size
  }

  push(event: TEvent): void {
    if (this.#ended) return
    // A snapshot: a listener added while this event is dispatched first sees the next one.
    this.#dispatch ??= [...this.#listeners]
    for (const listener of this.#dispatch) {
      try {
        listener(event)
      } catch (error) {
        this.#onListenerError(error)
      }
    }
    if (this.#iterators.size === 0) return
    for (const state of this.#iterators) {
      const waiter = state.waiters.shift()
      if (waiter) waiter({ value: event, done: false })
      else state.buffer.push(event)
    }
  }

  subscribe(listener: (event: TEvent) => void): () => void {
    if (this.#ended) return () => {}
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry = (event: TEvent): void => listener(event)
    this.#listeners.add(entry)
    this.#dispatch = undefined
    return () => {
      if (this.#listeners.delete(entry)) this.#dispatch = undefined
    }
  }

  /** Ends the stream: pending and future iterator reads complete, listeners are dropped. */
  end(): void {
    if (this.#ended) return
    this.#ended = true
    this.#listeners.clear()
    this.#dispatch = undefined
    for (const state of this.#iterators) {
      state.done = true
      for (const waiter of state.waiters.splice(0)) waiter({ value: undefined, done: true })
    }
  }

  /** An iterator that sees every event pushed after it was created, in order. */
  iterate(): AsyncIterableIterator<TEvent> {
    const state: IteratorState<TEvent> = { buffer: [], waiters: [], done: this.#ended }
    this.#iterators.add(state)
    const release = (): void => {
      state.done = true
      state.buffer.length = 0
      this.#iterators.delete(state)
      for (const waiter of state.waiters.splice(0)) waiter({ value: undefined, done: true })
    }
    const iterator: AsyncIterableIterator<TEvent> = {
      next: () => {
        if (state.buffer.length > 0) {
          return Promise.resolve({ value: state.buffer.shift() as TEvent, done: false })
        }
        if (state.done) {
          this.#iterators.delete(state)
          return Promise.resolve({ value: undefined, done: true })
        }
        return new Promise((resolve) => state.waiters.push(resolve))
      },
      return: () => {
        release()
        return Promise.resolve({ value: undefined, done: true })
      },
      [Symbol.asyncIterator]() {
        return iterator
      },
    }
    return iterator
  }
}

interface IteratorState<TEvent> {
  buffer: TEvent[]
  waiters: Array<(result: IteratorResult<TEvent, undefined>) => void>
  done: boolean
}
