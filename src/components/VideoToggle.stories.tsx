import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ScenarioName } from '../../.storybook/scenarios'
import { VideoToggle } from './VideoToggle'

const meta = {
  title: 'Components/VideoToggle',
  component: VideoToggle,
  tags: ['autodocs'],
} satisfies Meta<typeof VideoToggle>

export default meta

type Story = StoryObj<typeof meta>

const inScenario = (scenario: ScenarioName, story: Story = {}): Story => ({
  ...story,
  parameters: { ...story.parameters, realtime: { scenario } },
})

/** Click it: the story's camera is a canvas stream, not a real device. */
export const CameraOff = inScenario('videoOff')
/** The permission prompt is still open. */
export const CameraStarting = inScenario('cameraStarting')
export const CameraOn = inScenario('cameraOn')
export const CameraDenied = inScenario('cameraDenied')
export const ScreenOff = inScenario('videoOff', { args: { source: 'screen' } })
export const ScreenSharing = inScenario('screenSharing', { args: { source: 'screen' } })
/** The model takes no video: the toggle is disabled (or hidden with `hideWhenUnavailable`). */
export const Unavailable = inScenario('videoUnsupported')
/** Icon content: the label becomes the `aria-label`; `aria-pressed` still says on or off. */
export const CustomContent = inScenario('cameraOn', {
  args: { children: (state) => (state === 'on' ? '📹' : '📷') },
})
