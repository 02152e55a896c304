import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ScenarioName } from '../../.storybook/scenarios'
import { VideoPreview } from './VideoPreview'

const meta = {
  title: 'Components/VideoPreview',
  component: VideoPreview,
  tags: ['autodocs'],
  args: { showStats: true, style: { width: 320 } },
} satisfies Meta<typeof VideoPreview>

export default meta

type Story = StoryObj<typeof meta>

const inScenario = (scenario: ScenarioName, story: Story = {}): Story => ({
  ...story,
  parameters: { ...story.parameters, realtime: { scenario } },
})

export const Off = inScenario('videoOff')
export const Starting = inScenario('cameraStarting')
/** A canvas stream stands in for the camera; frames go to the scripted session once a second. */
export const Camera = inScenario('cameraOn')
export const ScreenShare = inScenario('screenSharing')
/** The connection is behind: frames are skipped (never queued) and the counter shows it. */
export const SkippingFrames = inScenario('videoSkipping')
export const Denied = inScenario('cameraDenied')
