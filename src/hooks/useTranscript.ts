'use client'
import { useStore } from 'zustand'
import type { ConversationItem } from '../core'
import { useRealtimeController } from './context'

/**
 * The conversation so far: user and assistant messages (with live partial text while `status` is
 * `inProgress`, and `interrupted` when the user cut the assistant off) and tool calls, in order.
 * Items keep their identity until they change, so a memoized row re-renders only when its item
 * does; the list re-renders at most once per animation frame while text streams.
 *
 * @example
 * const items = useTranscript()
 * return items.map((item) => (item.kind === 'message' ? <p key={item.id}>{item.text}</p> : null))
 */
export function useTranscript(): readonly ConversationItem[] {
  return useStore(useRealtimeController('useTranscript').store, selectItems)
}

function selectItems(state: { items: readonly ConversationItem[] }): readonly ConversationItem[] {
  return state.items
}
