import { defineConfig } from 'vitest/config'

// Three layers, three environments (README "Testing"):
// - core: Node, no DOM — proves src/core runs outside the browser.
// - hooks: jsdom with Testing Library.
// - browser: Node tests that drive Debian's Chromium through playwright-core.
export default defineConfig({
  test: {
    // expect.poll's default of 1 s is tight for a real page or socket on a loaded 2-core CI box;
    // a poll that passes returns as soon as it holds, so a longer bound costs nothing.
    expect: { poll: { timeout: 10_000 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          environment: 'node',
          include: [
            'test/core/**/*.test.ts',
            'test/conformance/**/*.test.ts',
            'test/reliability/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'hooks',
          environment: 'jsdom',
          include: ['test/hooks/**/*.test.{ts,tsx}'],
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One Chromium at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
})
