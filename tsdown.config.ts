import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: {
    index: 'src/core/index.ts',
    react: 'src/hooks/index.ts',
    server: 'src/server/index.ts',
    testing: 'src/testing/index.ts',
    'testing-scripted': 'src/testing/scripted-session.ts',
  },
  format: ['esm'],
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  clean: true,
  sourcemap: true,
  deps: {
    neverBundle: [
      /^react(\/|$)/,
      /^react-dom(\/|$)/,
      /^zustand(\/|$)/,
      /^zod(\/|$)/,
      'ws',
      /^node:/,
    ],
  },
})
