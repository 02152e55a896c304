/**
 * How the runner retries a resumption or reconnection. Attempts are counted per outage; the
 * first attempt of a context mutation or go-away runs at once, the first attempt after an
 * unexpected drop waits `initialDelayMs` (a network that just failed rarely works a millisecond
 * later).
 */
export interface ReconnectPolicy {
  /** Connection attempts per outage before the runner gives up with status `failed`. */
  maxAttempts: number
  /** Wait before the first retry. */
  initialDelayMs: number
  /** Upper bound for any single wait. */
  maxDelayMs: number
  /** Growth factor between waits. */
  multiplier: number
  /**
   * Random spread applied by the runner, as a fraction of the delay (0.2 = ±20 %), so many
   * clients dropped by the same outage do not reconnect in lockstep. 0 makes retries exact.
   */
  jitter: number
}

export const defaultReconnectPolicy: ReconnectPolicy = {
  maxAttempts: 5,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  multiplier: 2,
  jitter: 0.2,
}

/** The un-jittered wait before retry number `retry` (1-based). */
export function backoffDelay(
  policy: Pick<ReconnectPolicy, 'initialDelayMs' | 'maxDelayMs' | 'multiplier'>,
  retry: number,
): number {
  const exponent = Math.max(0, retry - 1)
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** exponent)
}

/** Applies the policy's jitter; `random` returns a number in [0, 1). */
export function jitterDelay(
  policy: ReconnectPolicy,
  delayMs: number,
  random: () => number,
): number {
  if (policy.jitter <= 0) return delayMs
  const spread = delayMs * policy.jitter
  return Math.max(0, Math.round(delayMs - spread + random() * 2 * spread))
}
