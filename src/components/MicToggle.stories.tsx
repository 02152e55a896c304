import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ScenarioName } from '../../.storybook/scenarios'
import { MicToggle } from './MicToggle'

const meta = {
  title: 'Components/MicToggle',
  component: MicToggle,
  tags: ['autodocs'],
} satisfies Meta<typeof MicToggle>

export default meta

type Story = StoryObj<typeof meta>

const inScenario = (scenario: ScenarioName, story: Story = {}): Story => ({
  ...story,
  parameters: { ...story.parameters, realtime: { scenario } },
})

/** Mute can be chosen before connecting; it carries into the connection. */
export const BeforeConnecting = inScenario('idle')
export const On = inScenario('listening')
export const UserSpeaking = inScenario('userSpeaking')
export const Muted = inScenario('muted')
export const PermissionDenied = inScenario('micDenied')
/** A text-only session has no microphone: the toggle is disabled. */
export const Unavailable = inScenario('textOnly')
/** Icon content: the label becomes the `aria-label`; `aria-pressed` still says muted. */
export const CustomContent = inScenario('listening', {
  args: {
    children: (state) => (state === 'muted' ? '🔇' : '🎙️'),
  },
})
