import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: {
    index: 'src/core/index.ts',
    react: 'src/hooks/index.ts',
    server: 'src/server/index.ts',
    testing: 'src/testing/index.ts',
  },
  format: ['esm'],
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  clean: true,
  sourcemap: true,
  external: ['react', 'react-dom', 'react/jsx-runtime', 'zustand', 'zod', 'ws', /^node:/],
})
