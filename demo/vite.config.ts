import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// demo/server.ts runs Vite in middleware mode with demo/ as its root and this config file.
export default defineConfig({
  plugins: [react()],
  server: { fs: { allow: ['..'] } },
  optimizeDeps: {
    // Pre-bundle everything the page imports up front. Otherwise Vite discovers a dependency on
    // first load, re-optimizes and reloads, and the page can briefly hold two copies of React and
    // of our React context.
    entries: ['main.tsx'],
    include: [
      'react',
      'react-dom',
      'react-dom/client',
      'react/jsx-runtime',
      'react/jsx-dev-runtime',
      'zustand',
      'zustand/vanilla',
      'zustand/shallow',
      'zustand/react/shallow',
      'zod',
    ],
  },
})
