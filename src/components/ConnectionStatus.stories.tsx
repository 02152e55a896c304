import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ScenarioName } from '../../.storybook/scenarios'
import { ConnectionStatus } from './ConnectionStatus'

const meta = {
  title: 'Components/ConnectionStatus',
  component: ConnectionStatus,
  tags: ['autodocs'],
} satisfies Meta<typeof ConnectionStatus>

export default meta

type Story = StoryObj<typeof meta>

const inScenario = (scenario: ScenarioName, story: Story = {}): Story => ({
  ...story,
  parameters: { ...story.parameters, realtime: { scenario } },
})

export const Idle = inScenario('idle')
export const Connecting = inScenario('connecting')
export const Connected = inScenario('listening')
/** `data-pending-resumption` is set while a change waits for a new connection. */
export const PendingResumption = inScenario('pendingResumption')
export const Reconnecting = inScenario('reconnecting')
export const Failed = inScenario('failed')
export const CustomLabels = inScenario('listening', {
  args: { labels: { connected: 'En ligne', idle: 'Hors ligne' } },
})
