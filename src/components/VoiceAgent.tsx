'use client'
import { RealtimeProvider, useMaybeRealtimeController } from '../hooks/context'
import type { RealtimeSessionOptions } from '../hooks/session-controller'
import { useRealtimeSession } from '../hooks/useRealtimeSession'
import { VoiceAgentView } from './VoiceAgentView'
import type { VoiceAgentViewProps } from './VoiceAgentView'

export interface VoiceAgentProps
  extends VoiceAgentViewProps, Partial<Omit<RealtimeSessionOptions, 'tools'>> {}

/**
 * A complete voice UI: connect/disconnect, the agent's state, a visualizer, the transcript, a
 * mute toggle, camera and screen-share toggles with a preview (when the model takes video), tool
 * activity, and notices for pending changes, reconnection, failures (with
 * Retry), microphone problems and blocked sound. `data-state` is the voice state (`idle`,
 * `connecting`, `listening`, `userSpeaking`, `thinking`, `speaking`, `executingTool`,
 * `reconnecting`, `failed`, `closed`).
 *
 * Inside a `<RealtimeProvider>` it uses that session; otherwise give it a `model` (and any other
 * `useRealtimeSession` option) and it owns a session. `tools` are registered with `useTools`, so
 * their handlers see the latest props.
 *
 * @example
 * ```tsx
 * <VoiceAgent model={model} instruction="You are a weather assistant." tools={[getWeather]} />
 * ```
 */
export function VoiceAgent(props: VoiceAgentProps) {
  const context = useMaybeRealtimeController()
  if (context !== null) return <VoiceAgentView {...props} />
  if (props.model === undefined) {
    throw new Error('<VoiceAgent> needs a `model` prop, or a <RealtimeProvider> around it.')
  }
  return <OwnSession {...props} model={props.model} />
}

function OwnSession(props: VoiceAgentProps & Pick<RealtimeSessionOptions, 'model'>) {
  const {
    title,
    className,
    labels,
    showTranscript,
    showToolActivity,
    showVisualizer,
    showVideo,
    children,
    tools,
    ...options
  } = props
  const session = useRealtimeSession(options)
  return (
    <RealtimeProvider session={session}>
      <VoiceAgentView
        {...{
          title,
          className,
          labels,
          showTranscript,
          showToolActivity,
          showVisualizer,
          showVideo,
          children,
          tools,
        }}
      />
    </RealtimeProvider>
  )
}
