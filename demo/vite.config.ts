import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// `npm start` runs `vite demo …`: Vite takes demo/ as its root and loads this file from there.
export default defineConfig({
  plugins: [react()],
})
