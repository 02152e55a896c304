import type { CSSProperties } from 'react'
import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ScenarioName } from '../../.storybook/scenarios'
import { VoiceAgent } from './VoiceAgent'

const meta = {
  title: 'Components/VoiceAgent',
  component: VoiceAgent,
  tags: ['autodocs'],
  args: { title: 'Travel assistant' },
  parameters: { layout: 'padded' },
} satisfies Meta<typeof VoiceAgent>

export default meta

type Story = StoryObj<typeof meta>

/** A story in one scenario of .storybook/scenarios.ts (a scripted live session). */
const inScenario = (scenario: ScenarioName, story: Story = {}): Story => ({
  ...story,
  parameters: { ...story.parameters, realtime: { scenario } },
})

export const Idle = inScenario('idle')
export const Connecting = inScenario('connecting')
export const Listening = inScenario('listening')
export const UserSpeaking = inScenario('userSpeaking')
export const Thinking = inScenario('thinking')
/** The agent's voice moves the visualizer; its words stream into the transcript. */
export const Speaking = inScenario('speaking')
export const ExecutingTool = inScenario('executingTool')
/** A change (new instructions) waits for the agent to finish: Gemini-like provider. */
export const PendingResumption = inScenario('pendingResumption')
export const Reconnecting = inScenario('reconnecting')
/** The first connect is refused; Retry connects. */
export const FailedWithRetry = inScenario('failed')
export const LongTranscript = inScenario('longTranscript')
export const Interrupted = inScenario('interrupted')
export const Muted = inScenario('muted')
export const MicrophoneDenied = inScenario('micDenied')
export const TextOnly = inScenario('textOnly')
export const AutoplayBlocked = inScenario('autoplayBlocked')
/** The camera (a canvas stream here) is on: the preview shows what the agent sees. */
export const WithCamera = inScenario('cameraOn')
export const SharingScreen = inScenario('screenSharing')
/** The model takes no video: no camera or screen toggles. */
export const NoVideo = inScenario('videoUnsupported')
export const Themed = inScenario('speaking', {
  args: { className: 'themed' },
  decorators: [
    (Story) => (
      <div
        style={
          {
            '--adk-accent': '#7c3aed',
            '--adk-bg': '#faf5ff',
            '--adk-radius': '16px',
            '--adk-font': 'Georgia, serif',
          } as CSSProperties
        }
      >
        <Story />
      </div>
    ),
  ],
})
