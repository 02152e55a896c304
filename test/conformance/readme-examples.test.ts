import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, expect, it } from 'vitest'
import { z } from 'zod'
import {
  GeminiRealtimeModel,
  OpenAIRealtimeModel,
  RealtimeRunner,
  defineTool,
} from '../../src/core'
import type { RealtimeModel } from '../../src/core'
import { createMockRealtimeServer, type MockRealtimeServer } from '../../src/testing'

/** The README's "Node in 20 lines", with the model pointed at the mock server. */
let mock: MockRealtimeServer | undefined
let runner: RealtimeRunner | undefined
afterEach(async () => {
  await runner?.close()
  await mock?.close()
})

async function readmeExample(model: RealtimeModel): Promise<{ text: string; tools: unknown[] }> {
  let text = ''
  const tools: unknown[] = []
  runner = new RealtimeRunner({
    model,
    instruction: 'You are a terse weather assistant.',
    config: { modalities: ['text'] },
    tools: [
      defineTool({
        name: 'get_weather',
        parameters: z.object({ city: z.string() }),
        handler: async ({ city }) => {
          tools.push({ city })
          return { city, conditions: 'sunny', temperatureC: 21 }
        },
      }),
    ],
    handlers: { onText: (delta) => (text += delta), onTranscript: (delta) => (text += delta) },
  })
  await runner.connect()
  runner.sendText('What is the weather in Paris?')
  await expect.poll(() => text, { timeout: 10_000 }).toMatch(/sunny/)
  return { text, tools }
}

it('should run the README Node example on OpenAI', async () => {
  mock = await createMockRealtimeServer()
  const result = await readmeExample(
    new OpenAIRealtimeModel({ apiKey: 'test', url: mock.openaiUrl }),
  )
  expect(result.tools).toEqual([{ city: 'Paris' }])
  expect(result.text).toContain('21')
})

it('should run the README Node example on Gemini, changing only the model', async () => {
  mock = await createMockRealtimeServer()
  const result = await readmeExample(new GeminiRealtimeModel({ apiKey: 'test', baseUrl: mock.url }))
  expect(result.tools).toEqual([{ city: 'Paris' }])
})

const run = promisify(execFile)

/**
 * The README's complete examples — the blocks that start with an import, under the sections a
 * newcomer copies from — compiled as an app would compile them, with `adk-realtime/*` resolved
 * to this library's sources and the library's own strict settings.
 */
const checkedSections = [
  'React in 20 lines',
  'Node in 20 lines',
  'Testing your app against the mock server',
]

function readmeExamples(readme: string): Array<{ section: string; code: string; tsx: boolean }> {
  const examples: Array<{ section: string; code: string; tsx: boolean }> = []
  for (const part of readme.split(/^## /m).slice(1)) {
    const section = part.slice(0, part.indexOf('\n'))
    if (!checkedSections.includes(section)) continue
    for (const match of part.matchAll(/^```(tsx?)\n([\s\S]*?)^```$/gm)) {
      const code = match[2] ?? ''
      const firstCode = code.split('\n').find((line) => !line.startsWith('//') && line !== '')
      if (firstCode?.startsWith('import '))
        examples.push({ section, code, tsx: match[1] === 'tsx' })
    }
  }
  return examples
}

it('should type-check every complete README example against the library', async () => {
  const root = fileURLToPath(new URL('../..', import.meta.url))
  const scratch = `${root}node_modules/.cache/adk-realtime-readme`
  await rm(scratch, { recursive: true, force: true })
  await mkdir(scratch, { recursive: true })
  const examples = readmeExamples(await readFile(`${root}README.md`, 'utf8'))
  expect(new Set(examples.map((example) => example.section))).toEqual(new Set(checkedSections))
  const files = examples.map((example, index) => `example-${index}.${example.tsx ? 'tsx' : 'ts'}`)
  await Promise.all(
    examples.map((example, index) => writeFile(`${scratch}/${files[index]}`, example.code)),
  )
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023', 'DOM', 'DOM.Iterable'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      jsx: 'react-jsx',
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      paths: {
        'adk-realtime': [`${root}src/core/index.ts`],
        'adk-realtime/react': [`${root}src/hooks/index.ts`],
        'adk-realtime/server': [`${root}src/server/index.ts`],
        'adk-realtime/testing': [`${root}src/testing/index.ts`],
      },
    },
    files,
  }
  await writeFile(`${scratch}/tsconfig.json`, JSON.stringify(tsconfig))
  const result = await run(process.execPath, [
    `${root}node_modules/typescript/bin/tsc`,
    '-p',
    scratch,
  ]).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  )
  expect(result).toBe('')
}, 120_000)
