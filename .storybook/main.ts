import type { StorybookConfig } from '@storybook/react-vite'

// Storybook must build and run offline: no addons (the essentials are built into Storybook 10),
// no telemetry, no "what's new" fetches. CI builds it with `npm run build-storybook`, and
// test/browser/storybook.test.ts renders every story in Chromium.
const config: StorybookConfig = {
  stories: ['../src/**/*.stories.@(ts|tsx)'],
  addons: [],
  framework: { name: '@storybook/react-vite', options: {} },
  core: {
    disableTelemetry: true,
    disableWhatsNewNotifications: true,
    enableCrashReports: false,
  },
}

export default config
