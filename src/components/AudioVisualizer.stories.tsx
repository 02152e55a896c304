import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ScenarioName } from '../../.storybook/scenarios'
import { AudioVisualizer } from './AudioVisualizer'

const meta = {
  title: 'Components/AudioVisualizer',
  component: AudioVisualizer,
  tags: ['autodocs'],
  args: { width: 240, height: 48 },
} satisfies Meta<typeof AudioVisualizer>

export default meta

type Story = StoryObj<typeof meta>

const inScenario = (scenario: ScenarioName, story: Story = {}): Story => ({
  ...story,
  parameters: { ...story.parameters, realtime: { scenario } },
})

export const Idle = inScenario('idle')
export const Connecting = inScenario('connecting')
/** The microphone's floor noise. */
export const Listening = inScenario('listening')
/** Input levels move while the user speaks. */
export const UserSpeaking = inScenario('userSpeaking')
export const Thinking = inScenario('thinking')
/** Output levels move while the agent speaks. */
export const Speaking = inScenario('speaking')
export const ExecutingTool = inScenario('executingTool')
export const Muted = inScenario('muted')
/** With `prefers-reduced-motion` (forced here) the bars are drawn once per state, not animated. */
export const ReducedMotion = inScenario('speaking', { args: { reducedMotion: true } })
export const OutputOnly = inScenario('userSpeaking', { args: { source: 'output', bars: 32 } })
