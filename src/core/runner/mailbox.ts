/**
 * An in-order, non-reentrant queue. Provider events, tool completions, timer callbacks and
 * connection results are all posted here and handled one at a time: an item posted while another
 * is being handled waits its turn instead of running inside it. That is what makes the runner's
 * state machine safe without locks (the Rust crate's races in reference §8.10 came from handling
 * events from several tasks at once).
 *
 * Handling is synchronous. Async work (a connect, a tool) is started by a handler and posts its
 * result back as a new item.
 */
export class Mailbox<TItem> {
  readonly #queue: TItem[] = []
  readonly #handle: (item: TItem) => void
  readonly #onError: (error: unknown) => void
  #draining = false
  #closed = false

  constructor(handle: (item: TItem) => void, onError: (error: unknown) => void) {
    this.#handle = handle
    this.#onError = onError
  }

  post(item: TItem): void {
    if (this.#closed) return
    this.#queue.push(item)
    if (this.#draining) return
    this.#draining = true
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const next = this.#queue.shift() as TItem
        try {
          this.#handle(next)
        } catch (error) {
          // One bad item (an app callback that throws) must not stop the ones behind it.
          this.#onError(error)
        }
      }
    } finally {
      this.#draining = false
    }
  }

  /** Drops everything queued and ignores later posts. */
  close(): void {
    this.#closed = true
    this.#queue.length = 0
  }

  /** Accepts posts again after `close()` (a runner can connect again after closing). */
  reopen(): void {
    this.#closed = false
  }
}
