'use client'
// Public API of `adk-realtime/react`: hooks and components. Named exports only.

// --- session and context ---
export { useRealtimeSession } from './useRealtimeSession'
export type { RealtimeSessionHandle, RealtimeSessionActions } from './useRealtimeSession'
export type { RealtimeSessionOptions } from './session-controller'
export { RealtimeProvider } from './context'
export type { RealtimeProviderProps } from './context'

// --- hooks ---
export { useTools } from './useTools'
export { useTranscript } from './useTranscript'
export { useAgentState, useVoiceState } from './useAgentState'
export { selectVoiceState } from './voice-state'
export type { VoiceState } from './voice-state'
export { useAudioLevel } from './useAudioLevel'
export type { AudioLevel, AudioLevelOptions } from './useAudioLevel'
export { useMicrophone, useAudioPlayback } from './useMicrophone'
export type { MicrophoneControls } from './useMicrophone'
export { useRealtimeEvent } from './useRealtimeEvent'
export type { RunnerEventType, RunnerEventOf } from './useRealtimeEvent'
export { useRealtimeStore, useRealtimeRunner } from './useRealtimeStore'
export { useCamera } from './useCamera'
export { useScreenShare } from './useScreenShare'
export type { VideoControls } from './video-controls'
export type { SessionVideoOptions, SessionVideoSource } from './session-video'

// --- audio engines ---
export { createRealtimeAudio } from './realtime-audio'
export type {
  RealtimeAudio,
  RealtimeAudioState,
  AudioRunner,
  MicrophonePermission,
  RealtimeAudioStatus,
} from './audio'

// --- components ---
export { VoiceAgent } from '../components/VoiceAgent'
export type { VoiceAgentProps } from '../components/VoiceAgent'
export { VoiceAgentView, defaultVoiceAgentLabels } from '../components/VoiceAgentView'
export type { VoiceAgentViewProps, VoiceAgentLabels } from '../components/VoiceAgentView'
export { Transcript, defaultTranscriptLabels } from '../components/Transcript'
export type { TranscriptProps, TranscriptLabels } from '../components/Transcript'
export { MicToggle, defaultMicToggleLabels } from '../components/MicToggle'
export type { MicToggleProps, MicToggleLabels, MicToggleState } from '../components/MicToggle'
export { AudioVisualizer } from '../components/AudioVisualizer'
export type { AudioVisualizerProps } from '../components/AudioVisualizer'
export { ConnectionStatus, defaultConnectionLabels } from '../components/ConnectionStatus'
export type { ConnectionStatusProps, ConnectionStatusLabels } from '../components/ConnectionStatus'
export { VideoToggle, defaultVideoToggleLabels } from '../components/VideoToggle'
export type {
  VideoToggleProps,
  VideoToggleLabels,
  VideoToggleState,
} from '../components/VideoToggle'
export { VideoPreview, defaultVideoPreviewLabels } from '../components/VideoPreview'
export type { VideoPreviewProps, VideoPreviewLabels } from '../components/VideoPreview'
export { ToolActivity, defaultToolActivityLabels } from '../components/ToolActivity'
export type { ToolActivityProps, ToolActivityLabels } from '../components/ToolActivity'

// --- re-exported from the core for convenience: declaring tools ---
export { defineTool } from '../core'
export type { RealtimeTool, ToolCallContext, ToolInput } from '../core'
