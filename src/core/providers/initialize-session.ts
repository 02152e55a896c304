import { RealtimeError } from '../errors'
import { cancelled, unlessAborted } from '../transport/abort'

/** What `initializeSession` needs from a half-open session. */
interface Closable {
  close(reason?: string): Promise<void>
}

/**
 * Runs a session's setup handshake so that it can be cancelled and never leaks a socket: an abort
 * rejects with `cancelled` at once (closing goes on in the background, where a stalled peer can
 * hold it for the close grace period), any failure closes the session, and the caller sees
 * `cancelled` when it aborted (whatever the handshake failed with) or the typed failure otherwise.
 *
 * @example
 * return initializeSession(session, options.signal, () => session.initialize(seedItems))
 */
export async function initializeSession<TSession extends Closable>(
  session: TSession,
  signal: AbortSignal | undefined,
  initialize: () => Promise<void>,
): Promise<TSession> {
  try {
    await unlessAborted(signal, initialize)
    if (signal?.aborted === true) throw cancelled(signal)
    return session
  } catch (error) {
    void session.close(signal?.aborted === true ? 'aborted' : '')
    if (signal?.aborted === true) throw cancelled(signal)
    throw RealtimeError.from(error, 'connection_failed')
  }
}
