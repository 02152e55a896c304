'use client'
import { useStore } from 'zustand'
import type { RealtimeRunner, RealtimeStoreState } from '../core'
import { useRealtimeController } from './context'

/**
 * Reads the session's store through a selector; the component re-renders only when the selected
 * value changes (`Object.is`). A selector that builds a new object or array on every call must
 * be wrapped in zustand's `useShallow`, or it renders on every store change.
 *
 * Streaming deltas are coalesced by the store: it publishes at most once per animation frame.
 *
 * @example
 * const usage = useRealtimeStore((state) => state.usage)
 * const { connection, lastError } = useRealtimeStore(
 *   useShallow((state) => ({ connection: state.connection, lastError: state.lastError })),
 * )
 */
export function useRealtimeStore<T>(selector: (state: RealtimeStoreState) => T): T {
  return useStore(useRealtimeController('useRealtimeStore').store, selector)
}

/** Escape hatch: the session's core runner. */
export function useRealtimeRunner(): RealtimeRunner {
  return useRealtimeController('useRealtimeRunner').runner
}
