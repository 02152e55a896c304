import type { RealtimeConfig } from '../config'
import { RealtimeError } from '../errors'
import type { SeedItem } from '../events'
import type { RealtimeModel, RealtimeSession } from '../session'
import type { Scheduler } from './scheduler'

/**
 * Opens a session with a deadline. A provider that never acknowledges the setup would otherwise
 * hang the runner in `connecting`; on timeout the attempt is aborted (closing any half-open
 * socket) and fails as a retriable `timeout`. Aborting `signal` (the runner closed) fails it as
 * `cancelled`; a session that arrives after that is closed, never leaked.
 */
export async function connectWithTimeout(options: {
  model: RealtimeModel
  config: RealtimeConfig
  seedItems?: readonly SeedItem[]
  signal: AbortSignal
  scheduler: Scheduler
  timeoutMs: number
}): Promise<RealtimeSession> {
  const { model, config, seedItems, signal, scheduler, timeoutMs } = options
  const attempt = new AbortController()
  const onAbort = (): void => attempt.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  let timer: unknown
  const timedOut = new Promise<never>((_, reject) => {
    timer = scheduler.setTimeout(() => {
      const error = new RealtimeError(
        'timeout',
        `The provider did not acknowledge the session within ${timeoutMs} ms`,
      )
      // Reject before aborting: the abort makes the model reject too, and the race must
      // report the timeout, not a cancellation.
      reject(error)
      attempt.abort(error)
    }, timeoutMs)
  })
  let fail = (): void => {}
  const cancelled = new Promise<never>((_, reject) => {
    fail = () =>
      reject(new RealtimeError('cancelled', 'Connect was cancelled', { cause: signal.reason }))
    if (signal.aborted) fail()
    else signal.addEventListener('abort', fail, { once: true })
  })
  const opening = model.connect(config, {
    signal: attempt.signal,
    ...(seedItems === undefined || seedItems.length === 0 ? {} : { seedItems }),
  })
  // If the race is lost, a session that still arrives must be closed.
  opening.then(
    (session) => {
      if (attempt.signal.aborted || signal.aborted) void session.close('connect abandoned')
    },
    () => {},
  )
  try {
    return await Promise.race([opening, timedOut, cancelled])
  } catch (error) {
    throw RealtimeError.from(error, 'connection_failed')
  } finally {
    scheduler.clearTimeout(timer)
    signal.removeEventListener('abort', onAbort)
    signal.removeEventListener('abort', fail)
    timedOut.catch(() => {})
    cancelled.catch(() => {})
  }
}
