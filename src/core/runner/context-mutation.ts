import { RealtimeError } from '../errors'
import type { RealtimeSession } from '../session'
import type { UpdateSessionResult } from './options'
import type { ConfigCheckpoint, SessionConfigState } from './session-config'
import type { RunnerMachineEvent, RunnerStatus } from './state'

export interface ContextMutationHost {
  settings: SessionConfigState
  /** The open session, when the connection status is `connected`. */
  liveSession(): RealtimeSession | undefined
  status(): RunnerStatus
  /** How many times `close()` has run. */
  closeCount(): number
  now(): number
  /** Feed the state machine (through the mailbox). */
  machine(event: RunnerMachineEvent): void
  emitError(error: RealtimeError): void
}

/**
 * Applies the canonical config to the live connection after a merge, and owns the bridge
 * message that follows a change.
 *
 * - Not connected: the change is stored and used by the next connect; the bridge waits for it.
 * - The session applies it in place (OpenAI): its tools go live; the bridge is sent at the next
 *   idle, so it never collides with a response in progress.
 * - The session needs a resumption (Gemini): the state machine runs it now or queues it.
 * - The provider refuses it: the merge is rolled back (unless a newer one landed) and the typed
 *   error is both thrown and emitted. A connection lost mid-change is not a refusal: the merge
 *   is kept for the next connection.
 *
 * Bridge messages: one waits at a time, and a newer one replaces one not yet sent (last write
 * wins, as for a queued resumption — the model only needs to hear about the newest change). It
 * is sent only once the live connection runs the canonical config, so it never reaches a
 * connection that is about to be replaced by the change it announces. `close()` discards it.
 */
export class ContextMutation {
  readonly #host: ContextMutationHost
  #bridge: string | undefined
  /** The last bridge sent, until the runner sees the conversation item it made. */
  sent: string | undefined

  constructor(host: ContextMutationHost) {
    this.#host = host
  }

  async apply(
    bridgeMessage: string | undefined,
    checkpoint?: ConfigCheckpoint,
  ): Promise<UpdateSessionResult> {
    const host = this.#host
    const session = host.liveSession()
    if (!session) {
      if (host.status() === 'resuming') {
        this.#requestResumption(bridgeMessage)
        return { kind: 'queued' }
      }
      if (bridgeMessage !== undefined) this.#bridge = bridgeMessage
      return { kind: 'stored' }
    }
    const { version, tools } = host.settings
    const closes = host.closeCount()
    let outcome
    try {
      outcome = await session.mutateContext(host.settings.config)
    } catch (cause) {
      if (host.closeCount() !== closes) return { kind: 'stored' } // closed meanwhile: merge kept, bridge dropped
      // The connection went away mid-change: keep the merge, the next connection starts from it.
      if (!session.isConnected() || session !== host.liveSession()) return this.apply(bridgeMessage)
      const error = RealtimeError.from(cause, 'update_rejected')
      if (checkpoint) host.settings.rollback(checkpoint, version)
      host.emitError(error)
      // A bridge that waited for this change goes out now: after a rollback the live config is
      // current again; without one (re-applying the canonical config on a new connection), the
      // live config is as current as the provider lets it be.
      this.flushBridge(checkpoint === undefined)
      throw error
    }
    if (host.closeCount() !== closes) return { kind: 'stored' } // closed meanwhile: merge kept, bridge dropped
    // The connection was replaced meanwhile; the new one started from the canonical config.
    if (session !== host.liveSession()) return this.apply(bridgeMessage)
    if (outcome.kind === 'applied') {
      host.settings.applied(version, tools)
      if (bridgeMessage !== undefined) this.#bridge = bridgeMessage
      // Also releases a bridge that waited for this config to go live.
      this.flushBridge()
      return { kind: 'applied' }
    }
    const quiet = host.status() === 'idle'
    this.#requestResumption(bridgeMessage)
    return { kind: quiet ? 'resuming' : 'queued' }
  }

  /**
   * The bridge of a resumption that completed. A bridge stored since (an update made while the
   * connection was down) is newer and stays.
   */
  offerBridge(message: string): void {
    this.#bridge ??= message
    this.flushBridge()
  }

  /** Sends the waiting bridge when the session is live, idle and runs the canonical config. */
  flushBridge(evenIfStale = false): void {
    const message = this.#bridge
    const session = this.#host.liveSession()
    if (message === undefined || !session || this.#host.status() !== 'idle') return
    if (this.#host.settings.liveIsStale && !evenIfStale) return
    this.#bridge = undefined
    this.sent = message
    try {
      session.sendText(message)
      // The model answers it: a resumption must wait for that answer.
      this.#host.machine({ type: 'response.requested' })
    } catch (cause) {
      // Not a resumption failure (the crate tore a working session down for this): report it.
      this.#host.emitError(RealtimeError.from(cause, 'not_connected'))
    }
  }

  discardBridge(): void {
    this.#bridge = undefined
    this.sent = undefined
  }

  #requestResumption(bridgeMessage: string | undefined): void {
    // The newer bridge travels with the resumption; one still waiting here is older.
    if (bridgeMessage !== undefined) this.#bridge = undefined
    const config = this.#host.settings.config
    const event: RunnerMachineEvent = { type: 'resumption.requested', config, at: this.#host.now() }
    this.#host.machine(bridgeMessage === undefined ? event : { ...event, bridgeMessage })
  }
}
