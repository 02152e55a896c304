import { RealtimeError } from '../errors'

/** The error every connect path rejects with when its signal aborts. */
export function cancelled(signal: AbortSignal | undefined): RealtimeError {
  return new RealtimeError('cancelled', 'Connecting was aborted', { cause: signal?.reason })
}

/**
 * Runs `work` but settles with `cancelled` the moment `signal` aborts (or at once when it
 * already has). The work itself goes on unobserved: a key provider, a `fetch` that ignores its
 * signal or a peer stalling its close cannot be stopped from outside, and must not hold the
 * caller.
 *
 * @example
 * const key = await unlessAborted(signal, async () => await options.apiKey())
 */
export function unlessAborted<T>(
  signal: AbortSignal | undefined,
  work: () => Promise<T>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(cancelled(signal))
    if (signal?.aborted === true) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    void work()
      .then(resolve, reject)
      .then(() => signal?.removeEventListener('abort', onAbort))
  })
}
