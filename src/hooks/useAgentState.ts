'use client'
import { useStore } from 'zustand'
import type { AgentState, RealtimeStoreState } from '../core'
import { useRealtimeController } from './context'
import { selectVoiceState } from './voice-state'
import type { VoiceState } from './voice-state'

/**
 * What the agent is doing: `listening`, `thinking`, `speaking`, `executingTool`, or
 * `disconnected`. Re-renders only when it changes.
 *
 * @example
 * const state = useAgentState()
 * return <span data-state={state}>{state === 'thinking' ? '…' : null}</span>
 */
export function useAgentState(): AgentState {
  return useStore(useRealtimeController('useAgentState').store, selectAgentState)
}

/**
 * The connection and the agent in one value (see `VoiceState`), for a UI's main indicator:
 * `idle`, `connecting`, `listening`, `userSpeaking`, `thinking`, `speaking`, `executingTool`,
 * `reconnecting`, `failed` or `closed`.
 */
export function useVoiceState(): VoiceState {
  return useStore(useRealtimeController('useVoiceState').store, selectVoiceState)
}

function selectAgentState(state: RealtimeStoreState): AgentState {
  return state.agentState
}
