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
 * `useRealtimeSession` option) and it owns a session, with the user's and the agent's speech
 * transcribed for its transcript unless `config` says otherwise (or `showTranscript={false}`). `tools` are registered with `useTools`, so
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
  const session = useRealtimeSession(
    showTranscript === false ? options : { ...options, config: withTranscripts(options.config) },
  )
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

/**
 * The transcript shows both sides only when the provider transcribes both: the user's speech
 * (off by default on OpenAI and Gemini) and the agent's (off by default on Gemini). A field the
 * app sets, even to `undefined`, wins.
 */
function withTranscripts(
  config: RealtimeSessionOptions['config'],
): NonNullable<RealtimeSessionOptions['config']> {
  return { inputAudioTranscription: {}, outputAudioTranscription: true, ...config }
}
