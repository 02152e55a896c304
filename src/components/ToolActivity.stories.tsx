import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ScenarioName } from '../../.storybook/scenarios'
import { ToolActivity } from './ToolActivity'

const meta = {
  title: 'Components/ToolActivity',
  component: ToolActivity,
  tags: ['autodocs'],
  decorators: [
    (Story) => (
      <div style={{ width: 420 }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof ToolActivity>

export default meta

type Story = StoryObj<typeof meta>

const inScenario = (scenario: ScenarioName, story: Story = {}): Story => ({
  ...story,
  parameters: { ...story.parameters, realtime: { scenario } },
})

export const Empty = inScenario('listening')
/** One call finished, one still running (its handler waits). */
export const ExecutingTool = inScenario('executingTool')
/** Completed, failed (arguments that do not match the schema) and cancelled calls. */
export const Finished = inScenario('toolsFinished')
export const WithoutArguments = inScenario('toolsFinished', {
  args: { showArguments: false, limit: 2 },
})
