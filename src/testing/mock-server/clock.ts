/**
 * Time source for everything the mock server schedules: audio pacing, go-away and lifetime
 * timers, slow pongs, server pings. Injected so a test can drive a fake clock; the default is the
 * system clock. Voice-activity timing never uses it: it is measured in samples, so it does not
 * depend on how fast frames arrive.
 */
export interface MockClock {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(timer: unknown): void
}

/**
 * The real clock. Arrow wrappers, not direct references to the globals, so tests that replace
 * `setTimeout` (fake timers) after this module loaded are still honoured.
 */
export const systemClock: MockClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
}

/**
 * Resolves after `ms` on `clock`, or at once when `signal` aborts (the timer is then cleared, so a
 * cancelled response with a long first-audio delay does not keep anything alive).
 */
export function wait(clock: MockClock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve()
      return
    }
    const onAbort = (): void => {
      clock.clearTimeout(timer)
      resolve()
    }
    const timer = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      },
      Math.max(0, ms),
    )
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Runs `then` with what `produce` returns: at once for a plain value, after it settles for a
 * promise. A synchronous brain (the default) therefore keeps the mock's events in one
 * deterministic burst, while an async one (a real speech recogniser, say) still works.
 *
 * A brain that throws, at once or by rejecting, is handed to `fail`, which ends the turn the way
 * the protocol ends it on a server error: it runs inside a socket handler or a promise callback,
 * where an escaping error would take the whole process down. For the same reason an error thrown
 * by `then` after an async value is reported rather than left unhandled.
 */
export function whenReady<T>(
  produce: () => T | Promise<T>,
  then: (value: T) => void,
  fail: (error: unknown) => void = reportBrainFailure,
): void {
  let value: T | Promise<T>
  try {
    value = produce()
  } catch (error) {
    fail(error)
    return
  }
  if (value instanceof Promise) value.then(then, fail).catch(reportBrainFailure)
  else then(value)
}

/**
 * A pluggable brain that throws is a bug in the test or app that supplied it; the mock reports it
 * loudly rather than letting a turn silently never end.
 */
export function reportBrainFailure(error: unknown): void {
  console.error('adk-realtime mock server: the brain failed', error)
}
