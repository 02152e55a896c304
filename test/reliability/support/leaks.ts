/** Counts of the process's active handles that a case could leak. */
export interface ResourceCounts {
  sockets: number
  servers: number
  timeouts: number
}

/** Node's own view of what keeps the process alive (`process.getActiveResourcesInfo()`). */
export function resourceCounts(): ResourceCounts {
  const counts: ResourceCounts = { sockets: 0, servers: 0, timeouts: 0 }
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'TCPSocketWrap') counts.sockets++
    else if (kind === 'TCPServerWrap') counts.servers++
    else if (kind === 'Timeout') counts.timeouts++
  }
  return counts
}

/**
 * Waits (bounded, polling on the event loop) until the process holds no more sockets, servers and
 * wall-clock timers than `baseline`. Closing is asynchronous on both ends of a socket, so a leak is
 * only reported if the count does not come back within `limitMs`.
 */
export async function leakedResources(
  baseline: ResourceCounts,
  limitMs = 5_000,
): Promise<string[]> {
  const started = Date.now()
  for (;;) {
    const now = resourceCounts()
    const leaks = (Object.keys(baseline) as Array<keyof ResourceCounts>)
      .filter((key) => now[key] > baseline[key])
      .map((key) => `${now[key] - baseline[key]} ${key} left open`)
    if (leaks.length === 0 || Date.now() - started > limitMs) return leaks
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
