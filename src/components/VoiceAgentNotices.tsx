'use client'
import { useShallow } from 'zustand/react/shallow'
import type { RealtimeStoreState } from '../core'
import { useRealtimeController } from '../hooks/context'
import { useAudioPlayback, useMicrophone } from '../hooks/useMicrophone'
import { useRealtimeStore } from '../hooks/useRealtimeStore'
import { buttonStyle, colors, radius } from './theme'

export interface VoiceAgentNoticeLabels {
  pendingResumption: string
  goAway: string
  connectionLost: string
  attempt: string
  connectionFailed: string
  retry: string
  microphoneProblem: string
  enableAudio: string
}

export const defaultNoticeLabels: VoiceAgentNoticeLabels = {
  pendingResumption: 'Applying your changes when the agent finishes its turn…',
  goAway: 'Renewing the connection…',
  connectionLost: 'Connection lost — reconnecting…',
  attempt: 'attempt',
  connectionFailed: 'The connection failed.',
  retry: 'Retry',
  microphoneProblem: 'Microphone problem:',
  enableAudio: 'Enable sound',
}

const noticeStyle = (color: string) => ({
  margin: 0,
  padding: '6px 10px',
  borderRadius: radius,
  border: `1px solid ${color}`,
  display: 'flex',
  gap: 8,
  alignItems: 'center',
  flexWrap: 'wrap' as const,
})

/**
 * The notices of a voice UI, each with `data-notice`: a change waiting for a new connection
 * (`pending-resumption`), a dropped connection being restored (`reconnecting`), a failure with
 * Retry (`failed`, `role="alert"`), a microphone problem (`microphone`) and sound blocked by the
 * browser (`autoplay`).
 */
export function VoiceAgentNotices({ labels }: { labels: VoiceAgentNoticeLabels }) {
  const controller = useRealtimeController('VoiceAgentNotices')
  const { connection, pending, error } = useRealtimeStore(useShallow(selectNotices))
  const microphone = useMicrophone()
  const playback = useAudioPlayback()
  const attempts =
    pending !== null && pending.attempts > 0 ? ` (${labels.attempt} ${pending.attempts})` : ''
  return (
    <>
      {connection === 'connected' && pending !== null ? (
        <p role="status" data-notice="pending-resumption" style={noticeStyle(colors.warning)}>
          {pending.reason === 'goAway' ? labels.goAway : labels.pendingResumption}
        </p>
      ) : null}
      {connection === 'reconnecting' ? (
        <p role="status" data-notice="reconnecting" style={noticeStyle(colors.warning)}>
          {pending?.reason === 'contextMutation' ? labels.pendingResumption : labels.connectionLost}
          {attempts}
        </p>
      ) : null}
      {connection === 'failed' ? (
        <div role="alert" data-notice="failed" style={noticeStyle(colors.danger)}>
          <span>
            {labels.connectionFailed} {error?.message}
          </span>
          <button
            type="button"
            style={buttonStyle}
            onClick={() => void controller.connect().catch(() => {})}
          >
            {labels.retry}
          </button>
        </div>
      ) : null}
      {microphone.error !== undefined ? (
        <p role="alert" data-notice="microphone" style={noticeStyle(colors.danger)}>
          {labels.microphoneProblem} {microphone.error.message}
        </p>
      ) : null}
      {connection === 'connected' && microphone.available && !playback.canPlayAudio ? (
        <p data-notice="autoplay" style={noticeStyle(colors.warning)}>
          <button type="button" style={buttonStyle} onClick={() => void playback.startAudio()}>
            {labels.enableAudio}
          </button>
        </p>
      ) : null}
    </>
  )
}

function selectNotices(state: RealtimeStoreState) {
  return {
    connection: state.connection,
    pending: state.pendingResumption,
    error: state.lastError,
  }
}
