import { RealtimeError } from '../errors'

/** What `initializeSession` needs from a half-open session. */
interface Closable {
  close(reason?: string): Promise<void>
}

/**
 * Runs a session's setup handshake so that it can be cancelled and never leaks a socket: an abort
 * closes the session at once, any failure closes it, and the caller sees `cancelled` when it
 * aborted (whatever the handshake failed with) or the typed failure otherwise.
 *
 * @example
 * return initializeSession(session, options.signal, () => session.initialize(seedItems))
 */
export async function initializeSession<TSession extends Closable>(
  session: TSession,
  signal: AbortSignal | undefined,
  initialize: () => Promise<void>,
): Promise<TSession> {
  const onAbort = (): void => void session.close('aborted')
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    await initialize()
    if (signal?.aborted === true) throw cancelled(signal)
    return session
  } catch (error) {
    void session.close()
    if (signal?.aborted === true) throw cancelled(signal)
    throw RealtimeError.from(error, 'connection_failed')
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

function cancelled(signal: AbortSignal): RealtimeError {
  return new RealtimeError('cancelled', 'Connecting was aborted', { cause: signal.reason })
}
