/**
 * An immutable snapshot with listeners, the shape `useSyncExternalStore` wants: `get()` returns
 * the same object until a field really changes, so React (or any UI) re-renders only then.
 * @internal
 */
export class SnapshotStore<T extends object> {
  #snapshot: T
  readonly #listeners = new Set<() => void>()

  constructor(initial: T) {
    this.#snapshot = initial
  }

  get(): T {
    return this.#snapshot
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Replaces the fields in `patch`; notifies only if one of them differs (`Object.is`). */
  update(patch: Partial<T>): void {
    const keys = Object.keys(patch) as Array<keyof T>
    if (keys.every((key) => Object.is(patch[key], this.#snapshot[key]))) return
    this.#snapshot = { ...this.#snapshot, ...patch }
    for (const listener of [...this.#listeners]) {
      try {
        listener()
      } catch (error) {
        console.error(error) // one broken subscriber must not starve the others
      }
    }
  }
}
