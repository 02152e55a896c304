'use client'
import type { ReactNode } from 'react'
import type { ToolInput } from '../core'
import { useRealtimeController } from '../hooks/context'
import { useVoiceState } from '../hooks/useAgentState'
import { useTools } from '../hooks/useTools'
import type { VoiceState } from '../hooks/voice-state'
import { AudioVisualizer } from './AudioVisualizer'
import { ConnectionStatus } from './ConnectionStatus'
import { MicToggle } from './MicToggle'
import {
  baseStyle,
  buttonStyle,
  classNames,
  colors,
  primaryButtonStyle,
  radius,
  space,
} from './theme'
import { ToolActivity } from './ToolActivity'
import { Transcript } from './Transcript'
import { VideoPreview } from './VideoPreview'
import { VideoToggle } from './VideoToggle'
import { VoiceAgentNotices, defaultNoticeLabels } from './VoiceAgentNotices'
import type { VoiceAgentNoticeLabels } from './VoiceAgentNotices'

export interface VoiceAgentLabels extends VoiceAgentNoticeLabels, Record<VoiceState, string> {
  start: string
  stop: string
  cancel: string
}

export const defaultVoiceAgentLabels: VoiceAgentLabels = {
  ...defaultNoticeLabels,
  idle: 'Ready',
  connecting: 'Connecting…',
  listening: 'Listening',
  userSpeaking: 'Hearing you',
  thinking: 'Thinking…',
  speaking: 'Speaking',
  executingTool: 'Working on it…',
  reconnecting: 'Reconnecting…',
  failed: 'Failed',
  closed: 'Ended',
  start: 'Start conversation',
  stop: 'End conversation',
  cancel: 'Cancel',
}

export interface VoiceAgentViewProps {
  /** Heading and accessible name (default "Voice agent"). */
  title?: string | undefined
  className?: string | undefined
  labels?: Partial<VoiceAgentLabels> | undefined
  /** Tools the model may call while this is mounted (registered with `useTools`). */
  tools?: readonly ToolInput[] | undefined
  showTranscript?: boolean | undefined
  showToolActivity?: boolean | undefined
  showVisualizer?: boolean | undefined
  /** Camera and screen-share toggles and a preview, when the model takes video (default true). */
  showVideo?: boolean | undefined
  /** Extra controls, rendered next to the microphone toggle. */
  children?: ReactNode | undefined
}

const orbColors: Record<VoiceState, string> = {
  idle: colors.muted,
  connecting: colors.warning,
  listening: colors.success,
  userSpeaking: colors.success,
  thinking: colors.warning,
  speaking: colors.accent,
  executingTool: colors.warning,
  reconnecting: colors.warning,
  failed: colors.danger,
  closed: colors.muted,
}

/** The voice UI over the session of the nearest provider (see `VoiceAgent`). */
export function VoiceAgentView(props: VoiceAgentViewProps) {
  const { title = 'Voice agent', className, children, tools = [] } = props
  const controller = useRealtimeController('VoiceAgent')
  const state = useVoiceState()
  useTools(tools)
  const text = { ...defaultVoiceAgentLabels, ...props.labels }
  const live = state !== 'idle' && state !== 'closed' && state !== 'failed'
  const toggle = () =>
    live ? void controller.disconnect() : void controller.connect().catch(() => {})
  return (
    <section
      aria-label={title}
      className={classNames('adk-voice-agent', className)}
      data-state={state}
      style={{
        ...baseStyle,
        display: 'grid',
        gap: space,
        padding: space,
        border: `1px solid ${colors.border}`,
        borderRadius: radius,
        background: colors.bg,
        width: 'min(100%, 420px)',
      }}
    >
      <header style={{ display: 'flex', alignItems: 'center', gap: 10 }}>
        <span
          aria-hidden="true"
          className="adk-voice-agent__orb"
          data-state={state}
          style={{
            width: 14,
            height: 14,
            borderRadius: '50%',
            background: orbColors[state],
            flex: 'none',
          }}
        />
        <h2 style={{ margin: 0, fontSize: '1rem', flex: 1 }}>{title}</h2>
        <span data-agent-state={state} style={{ color: colors.muted }}>
          {text[state]}
        </span>
      </header>
      <ConnectionStatus />
      {props.showVisualizer === false ? null : <AudioVisualizer width={240} />}
      {props.showVideo === false ? null : <VideoPreview hideWhenOff showStats />}
      <VoiceAgentNotices labels={text} />
      {props.showTranscript === false ? null : <Transcript />}
      {props.showToolActivity === false ? null : <ToolActivity />}
      <footer style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        <button
          type="button"
          onClick={toggle}
          style={live ? buttonStyle : primaryButtonStyle}
          data-action={live ? 'disconnect' : 'connect'}
        >
          {state === 'connecting' ? text.cancel : live ? text.stop : text.start}
        </button>
        <MicToggle />
        {props.showVideo === false ? null : (
          <>
            <VideoToggle source="camera" hideWhenUnavailable />
            <VideoToggle source="screen" hideWhenUnavailable />
          </>
        )}
        {children}
      </footer>
    </section>
  )
}
