import type { RealtimeStoreState } from '../core'

/**
 * What a voice UI shows: the connection while not connected, otherwise what the agent is doing.
 * `userSpeaking` is split out of the store's `listening` so a UI can react to the user's voice.
 */
export type VoiceState =
  | 'idle'
  | 'connecting'
  | 'listening'
  | 'userSpeaking'
  | 'thinking'
  | 'speaking'
  | 'executingTool'
  | 'reconnecting'
  | 'failed'
  | 'closed'

/** A store selector (pure): `useRealtimeStore(selectVoiceState)`. */
export function selectVoiceState(state: RealtimeStoreState): VoiceState {
  switch (state.connection) {
    case 'connected':
      if (state.agentState === 'listening' && state.userSpeaking) return 'userSpeaking'
      return state.agentState === 'disconnected' ? 'listening' : state.agentState
    default:
      return state.connection
  }
}
