/**
 * Runs tasks in arrival order. A task runs at once unless an earlier one is still settling; a
 * task that returns a promise holds every later one until it settles. The relay uses it so that
 * an async check (a resumption handle looked up in a shared store) never lets a later frame
 * overtake the one being checked, while frames that need no check pay nothing.
 */
export interface OrderedTasks {
  /** Runs `task` now or after those before it; `bytes` is what it holds while it waits. */
  run(task: () => void | Promise<void>, bytes: number): void
  /** Bytes of the tasks waiting behind a pending one (bounded by the caller). */
  heldBytes(): number
}

export function createOrderedTasks(): OrderedTasks {
  let held: Array<{ task: () => void | Promise<void>; bytes: number }> | undefined
  let heldBytes = 0
  const run = (task: () => void | Promise<void>, bytes: number): void => {
    if (held !== undefined) {
      held.push({ task, bytes })
      heldBytes += bytes
      return
    }
    const result = task()
    if (!(result instanceof Promise)) return
    held = []
    void result
      .catch(() => {}) // a task reports its own failures; the queue only keeps the order
      .finally(() => {
        const queued = held ?? []
        held = undefined
        for (const next of queued) {
          heldBytes -= next.bytes
          run(next.task, next.bytes)
        }
      })
  }
  return { run, heldBytes: () => heldBytes }
}
