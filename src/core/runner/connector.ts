import { RealtimeError } from '../errors'
import type { SeedItem } from '../events'
import type { RealtimeModel, RealtimeSession } from '../session'
import { connectWithTimeout } from './connect'
import type { Scheduler } from './scheduler'
import type { ConnectPlan, SessionConfigState } from './session-config'
import type { SessionSlot } from './session-slot'

export interface ConnectorHost {
  model: RealtimeModel
  scheduler: Scheduler
  timeoutMs: number
  slot: SessionSlot
  settings: SessionConfigState
  /** The conversation as text, for a connection that cannot be resumed by handle. */
  seedItems(): SeedItem[]
  /** A resumption attempt finished; called only if it is still the current attempt. */
  resumed(attempt: number, session: RealtimeSession, plan: ConnectPlan): void
  resumeFailed(attempt: number, error: RealtimeError): void
}

export type OpenResult =
  | { ok: true; session: RealtimeSession; plan: ConnectPlan }
  | { ok: false; error: RealtimeError; superseded: boolean }

/**
 * Opens connections for the runner: the first one (`open`) and replacements (`resume`). Each
 * attempt is planned when it starts — newest canonical config, newest resumable handle, or the
 * transcript as seed items — and a session produced by a superseded attempt is closed.
 */
export class Connector {
  readonly #host: ConnectorHost

  constructor(host: ConnectorHost) {
    this.#host = host
  }

  async open(): Promise<OpenResult> {
    const { slot } = this.#host
    const { attempt, signal } = slot.beginAttempt()
    const plan = this.#plan()
    try {
      const session = await this.#connect(plan, signal)
      if (slot.isCurrent(attempt)) return { ok: true, session, plan }
      void session.close('superseded')
      const error = new RealtimeError('cancelled', 'The runner was closed while connecting')
      return { ok: false, error, superseded: true }
    } catch (cause) {
      const error = RealtimeError.from(cause, 'connection_failed')
      return { ok: false, error, superseded: !slot.isCurrent(attempt) }
    }
  }

  /**
   * Replaces the connection, break before make: Gemini rejects a resume while the old socket is
   * still open, so the old session is closed before the new one is opened.
   */
  resume(old: RealtimeSession | undefined): void {
    const { slot } = this.#host
    const { attempt, signal } = slot.beginAttempt()
    void (async () => {
      if (old) await old.close('resuming').catch(() => {})
      if (!slot.isCurrent(attempt)) return
      // Planned now, not when queued, so a handle that arrived meanwhile is used.
      const plan = this.#plan()
      try {
        const session = await this.#connect(plan, signal)
        if (slot.isCurrent(attempt)) this.#host.resumed(attempt, session, plan)
        else void session.close('superseded')
      } catch (cause) {
        const error = RealtimeError.from(cause, 'connection_failed')
        if (slot.isCurrent(attempt)) this.#host.resumeFailed(attempt, error)
      }
    })()
  }

  #plan(): ConnectPlan {
    return this.#host.settings.plan(this.#host.model.capabilities, () => this.#host.seedItems())
  }

  #connect(plan: ConnectPlan, signal: AbortSignal): Promise<RealtimeSession> {
    const { model, scheduler, timeoutMs } = this.#host
    return connectWithTimeout({
      model,
      config: plan.config,
      signal,
      scheduler,
      timeoutMs,
      ...(plan.seedItems === undefined ? {} : { seedItems: plan.seedItems }),
    })
  }
}
