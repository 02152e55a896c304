import type { Decorator, Preview } from '@storybook/react-vite'
import { ScriptedRealtime } from './realtime'
import type { RealtimeParameters } from './realtime'

/** Stories with `parameters.realtime` render inside a scripted live session. */
const withRealtime: Decorator = (Story, context) => {
  const realtime = context.parameters.realtime as RealtimeParameters | undefined
  if (realtime === undefined) return <Story />
  return (
    <ScriptedRealtime key={`${context.id}:${realtime.scenario}`} scenario={realtime.scenario}>
      <Story />
    </ScriptedRealtime>
  )
}

const preview: Preview = {
  decorators: [withRealtime],
  parameters: {
    layout: 'centered',
  },
}

export default preview
