import type { RealtimeError } from '../errors'
import type { ServerEvent } from '../events'
import type { DisconnectReason, RealtimeSession } from '../session'

/**
 * The runner's one session slot, and the bookkeeping that keeps stale work out of it.
 *
 * - Every bound session gets a new `epoch`; events and closes carry it, so anything that arrives
 *   from a replaced connection is recognised and ignored (the Rust crate had no such guard).
 * - Every connect attempt gets a new `attempt` id and signal; starting another attempt or
 *   `cancelAttempts()` supersedes it, and a session it still produces is closed, not leaked.
 */
export class SessionSlot {
  #session: RealtimeSession | undefined
  #unbind: (() => void) | undefined
  #epoch = 0
  #attempt = 0
  #abort: AbortController | undefined

  get session(): RealtimeSession | undefined {
    return this.#session
  }

  get epoch(): number {
    return this.#epoch
  }

  /** Starts a connect attempt, superseding (and aborting) any attempt in flight. */
  beginAttempt(): { attempt: number; signal: AbortSignal } {
    this.#abort?.abort()
    this.#abort = new AbortController()
    this.#attempt += 1
    return { attempt: this.#attempt, signal: this.#abort.signal }
  }

  isCurrent(attempt: number): boolean {
    return attempt === this.#attempt
  }

  /** Supersedes every attempt in flight (used by `close()`). */
  cancelAttempts(reason: RealtimeError): void {
    this.#attempt += 1
    this.#abort?.abort(reason)
    this.#abort = undefined
  }

  /** Puts a session in the slot and routes its events and its close, tagged with the epoch. */
  bind(
    session: RealtimeSession,
    routes: {
      event: (epoch: number, event: ServerEvent) => void
      closed: (epoch: number, reason: DisconnectReason) => void
    },
  ): void {
    this.#unbind?.()
    this.#epoch += 1
    const epoch = this.#epoch
    let bound = true
    const unsubscribe = session.subscribe((event) => {
      if (bound) routes.event(epoch, event)
    })
    void session.closed.then((reason) => {
      if (bound) routes.closed(epoch, reason)
    })
    this.#unbind = () => {
      bound = false
      unsubscribe()
    }
    this.#session = session
  }

  /** Empties the slot without closing the session; returns it so the caller can close it. */
  detach(): RealtimeSession | undefined {
    const session = this.#session
    this.#unbind?.()
    this.#unbind = undefined
    this.#session = undefined
    this.#epoch += 1
    return session
  }
}
