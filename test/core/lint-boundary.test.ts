import { ESLint } from 'eslint'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
// The rule's message, from eslint.config.js (kept in sync on purpose: the test pins the wording).
const coreBoundaryMessage = 'src/core is framework-agnostic'

async function lintAs(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root })
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message)
}

describe('core import boundary (eslint no-restricted-imports)', () => {
  it.each([
    "import { useState } from 'react'\nexport const x = useState",
    "import { createRoot } from 'react-dom/client'\nexport const x = createRoot",
    "import { create } from 'zustand'\nexport const x = create",
    "import { useStore } from 'zustand/react'\nexport const x = useStore",
    "import { useRealtimeSession } from '../hooks/useRealtimeSession'\nexport const x = useRealtimeSession",
  ])('should fire on %j in src/core', async (code) => {
    const messages = await lintAs('src/core/runner/violation.ts', code)
    expect(messages).toEqual([expect.stringContaining(coreBoundaryMessage)])
  })

  it('should allow zustand/vanilla in src/core', async () => {
    const code = "import { createStore } from 'zustand/vanilla'\nexport const x = createStore"
    expect(await lintAs('src/core/store-example.ts', code)).toEqual([])
  })

  it('should allow React in src/hooks', async () => {
    const code = "import { useState } from 'react'\nexport const x = useState"
    expect(await lintAs('src/hooks/useExample.ts', code)).toEqual([])
  })
})
