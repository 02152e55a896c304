import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ScenarioName } from '../../.storybook/scenarios'
import { Transcript } from './Transcript'

const meta = {
  title: 'Components/Transcript',
  component: Transcript,
  tags: ['autodocs'],
  decorators: [
    (Story) => (
      <div style={{ width: 420 }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof Transcript>

export default meta

type Story = StoryObj<typeof meta>

const inScenario = (scenario: ScenarioName, story: Story = {}): Story => ({
  ...story,
  parameters: { ...story.parameters, realtime: { scenario } },
})

export const Empty = inScenario('idle')
/** The user's words arrive as a partial (dimmed, italic) message. */
export const UserSpeaking = inScenario('userSpeaking')
export const Thinking = inScenario('thinking')
/** The agent's answer streams in; the view follows it unless you scroll up. */
export const Speaking = inScenario('speaking')
export const Interrupted = inScenario('interrupted')
/** Scroll up: new text stops pulling the view down and "Jump to latest" appears. */
export const LongTranscript = inScenario('longTranscript')
export const WithToolCalls = inScenario('executingTool', { args: { showToolCalls: true } })
