import type { Meta, StoryObj } from '@storybook/react-vite'
import { Placeholder } from './Placeholder'

const meta = {
  title: 'Placeholder',
  component: Placeholder,
} satisfies Meta<typeof Placeholder>

export default meta

type Story = StoryObj<typeof meta>

export const Idle: Story = {}

export const Ready: Story = {
  args: { state: 'ready' },
}

export const CustomTitle: Story = {
  args: { title: 'Custom title', className: 'custom' },
}
