// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

/**
 * The core must run in Node, in SSR and in any framework, so it may not import React or
 * zustand's React binding. `zustand/vanilla` is the allowed store entry point.
 * Exported so the test in test/core/lint-boundary.test.ts can assert the exact message.
 */
export const coreBoundaryMessage =
  'src/core is framework-agnostic: import React only from src/hooks or src/components, and use zustand/vanilla instead of zustand.'

export default tseslint.config(
  {
    ignores: ['dist/**', 'storybook-static/**', 'node_modules/**', 'coverage/**', '!.storybook'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['src/hooks/**/*.{ts,tsx}', 'src/components/**/*.{ts,tsx}', 'demo/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['src/core/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'react', message: coreBoundaryMessage },
            { name: 'react-dom', message: coreBoundaryMessage },
            { name: 'zustand', message: coreBoundaryMessage },
            { name: 'zustand/react', message: coreBoundaryMessage },
            { name: 'zustand/traditional', message: coreBoundaryMessage },
          ],
          patterns: [
            { group: ['react/*', 'react-dom/*'], message: coreBoundaryMessage },
            { group: ['zustand/react/*'], message: coreBoundaryMessage },
            { group: ['**/hooks/**', '**/components/**'], message: coreBoundaryMessage },
          ],
        },
      ],
    },
  },
  {
    // AudioWorklet modules run in AudioWorkletGlobalScope, not in a window.
    files: ['**/*worklet*.js', '**/worklets/**/*.js'],
    languageOptions: {
      globals: {
        AudioWorkletProcessor: 'readonly',
        registerProcessor: 'readonly',
        sampleRate: 'readonly',
        currentTime: 'readonly',
        currentFrame: 'readonly',
        console: 'readonly',
      },
    },
  },
  {
    // Scripts and tests report to the terminal.
    files: ['bench/**', 'test/**', 'scripts/**', 'demo/start.ts', '.ci/**'],
    rules: { 'no-console': 'off' },
  },
)
