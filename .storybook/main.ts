import type { StorybookConfig } from '@storybook/react-vite'

// Storybook must build and run offline: only the docs addon (autodocs pages with prop tables;
// the other essentials are built into Storybook 10), no telemetry, no "what's new" fetches. CI builds it with `npm run build-storybook`, and
// test/browser/storybook.test.ts renders every story in Chromium.
const config: StorybookConfig = {
  stories: ['../src/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: {
    disableTelemetry: true,
    disableWhatsNewNotifications: true,
    enableCrashReports: false,
  },
}

export default config
