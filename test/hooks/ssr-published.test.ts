// @vitest-environment node
// The published entry, not the sources: the package is built with the project's tsdown config
// into a scratch copy (its package.json and dist/), and a plain Node process — no vitest, no
// TypeScript transform — imports `adk-realtime/react` through the exports map and renders a
// <VoiceAgent> to a string.
import { execFile } from 'node:child_process'
import { cp, mkdir, rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, expect, it } from 'vitest'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
// Inside node_modules, so the copy's imports (react, zod, zustand) resolve to the project's.
const scratch = `${root}node_modules/.cache/adk-realtime-published`

const CHECK = `
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { z } from 'zod'
import { VoiceAgent, defineTool } from 'adk-realtime/react'
import { createScriptedModel } from 'adk-realtime/testing/scripted'

const model = createScriptedModel()
const weather = defineTool({
  name: 'get_weather',
  parameters: z.object({ city: z.string() }),
  handler: ({ city }) => 'Sunny in ' + city,
})
const html = renderToString(
  createElement(VoiceAgent, { model, instruction: 'Be brief.', tools: [weather] }),
)
console.log(JSON.stringify({
  html,
  connects: model.connects.length,
  browserGlobals: ['window', 'document'].filter((name) => name in globalThis),
}))
`

beforeAll(async () => {
  await rm(scratch, { recursive: true, force: true })
  await mkdir(scratch, { recursive: true })
  await cp(`${root}package.json`, `${scratch}/package.json`)
  await run('npx', ['tsdown', '--no-dts', '--out-dir', `${scratch}/dist`], { cwd: root })
  await writeFile(`${scratch}/check.mjs`, CHECK)
}, 120_000)

it('should import adk-realtime/react from the built package and renderToString in Node', async () => {
  const { stdout } = await run(process.execPath, ['check.mjs'], { cwd: scratch })
  const result = JSON.parse(stdout) as { html: string; connects: number; browserGlobals: string[] }
  expect(result.browserGlobals).toEqual([])
  expect(result.html).toContain('class="adk-voice-agent"')
  expect(result.html).toContain('data-state="idle"')
  expect(result.html).toContain('role="log"')
  expect(result.html).toContain('aria-pressed="false"')
  expect(result.connects).toBe(0)
}, 60_000)
