import { RealtimeError } from '../errors'
import type { ClientEvent } from '../events'
import type { RealtimeSession } from '../session'
import type { ConnectionStatus } from './options'
import { Outbox } from './outbox'

/**
 * The app's outgoing messages: delivered at once on an open connection, held in the bounded
 * outbox while (re)connecting and replayed in order afterwards, refused with `not_connected`
 * when no connection is open or coming (so a caller never believes a message went out).
 */
export interface OutgoingHost {
  session(): RealtimeSession | undefined
  connection(): ConnectionStatus
  /** The dropped-audio counters changed. */
  dropped(): void
  /** A message that the provider answers with a response went out. */
  responseRequested(): void
  /** A held message the session refused when it was replayed. */
  refused(error: RealtimeError): void
}

export class Outgoing {
  readonly #host: OutgoingHost
  readonly #outbox: Outbox

  constructor(host: OutgoingHost, maxAudioBytes: number) {
    this.#host = host
    this.#outbox = new Outbox(maxAudioBytes)
  }

  get dropped(): { chunks: number; bytes: number } {
    return this.#outbox.dropped
  }

  send(event: ClientEvent): void {
    const connection = this.#host.connection()
    if (this.#host.session() && connection === 'connected') return this.#deliver(event)
    if (connection === 'connecting' || connection === 'reconnecting') {
      const before = this.#outbox.dropped.chunks
      this.#outbox.push(event)
      if (this.#outbox.dropped.chunks !== before) this.#host.dropped()
      return
    }
    throw new RealtimeError(
      'not_connected',
      `Cannot send "${event.type}": the runner is not connected (status "${connection}")`,
    )
  }

  /**
   * Replays what was held while connecting, oldest first. Its senders have long returned, so a
   * message the session refuses (say, text a model cannot take mid-session) is reported, and
   * the ones behind it still go out.
   */
  flush(): void {
    for (const event of this.#outbox.drain()) {
      try {
        this.#deliver(event)
      } catch (cause) {
        this.#host.refused(RealtimeError.from(cause, 'not_connected'))
      }
    }
  }

  /** Discards what was held (the connection failed or the runner closed); audio is counted. */
  discard(): void {
    this.#outbox.clear()
  }

  #deliver(event: ClientEvent): void {
    const session = this.#host.session()
    if (!session) return
    switch (event.type) {
      case 'audio.append':
        return session.sendAudio(event.pcm)
      case 'text':
        if (event.role !== undefined) return session.sendEvent(event)
        session.sendText(event.text)
        return this.#host.responseRequested()
      case 'audio.commit':
        return session.commitAudio()
      case 'audio.clear':
        return session.clearAudio()
      case 'response.create':
        session.createResponse(event.options)
        // Where the provider answers on its own (Gemini) this request is a no-op.
        if (session.capabilities.responseAfterToolOutputs) this.#host.responseRequested()
        return
      default:
        return session.sendEvent(event)
    }
  }
}
