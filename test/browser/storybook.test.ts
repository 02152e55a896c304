// Every story in the static Storybook renders in Chromium with no console errors and no page
// errors. Generic on purpose: story ids come from storybook-static/index.json, so new stories
// are covered without touching this file.
//
// CI builds Storybook before the tests (`npm run build-storybook`). When the build is missing,
// or older than the sources, this test builds it once in beforeAll.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeProblems, useChromium } from './support/chromium'
import { speechWav } from './support/speech-wav'
import { startStaticServer, type StaticServer } from './support/static-server'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const STATIC_DIR = join(ROOT, 'storybook-static')
const INDEX_JSON = join(STATIC_DIR, 'index.json')
/** What a story may import from; a build older than any file here is rebuilt. */
const SOURCE_DIRS = [join(ROOT, 'src'), join(ROOT, '.storybook')]

interface IndexEntry {
  readonly type: 'story' | 'docs'
  readonly id: string
  readonly title: string
  readonly name: string
}

/** Newest mtime of a tree, directories included (a deleted story changes its folder's). */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0
  let newest = statSync(dir).mtimeMs
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs
    if (mtime > newest) newest = mtime
  }
  return newest
}

function buildIsCurrent(): boolean {
  if (!existsSync(INDEX_JSON)) return false
  const built = statSync(INDEX_JSON).mtimeMs
  return SOURCE_DIRS.every((dir) => newestMtime(dir) <= built)
}

async function buildStorybook(): Promise<void> {
  try {
    await promisify(execFile)('npx', ['storybook', 'build', '-o', 'storybook-static', '--quiet'], {
      cwd: ROOT,
      env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' },
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    throw new Error(`storybook build failed:\n${stdout}\n${stderr}`, { cause: error })
  }
}

let server: StaticServer | undefined
let stories: IndexEntry[] = []

beforeAll(async () => {
  if (!buildIsCurrent()) await buildStorybook()
  const index = JSON.parse(await readFile(INDEX_JSON, 'utf8')) as {
    entries: Record<string, IndexEntry>
  }
  stories = Object.values(index.entries)
  server = await startStaticServer({ root: STATIC_DIR })
}, 300_000)

afterAll(async () => {
  await server?.close()
})

const chromium = useChromium(async () => ({ fakeAudioCaptureWav: await speechWav() }))

type RenderResult = { outcome: 'rendered' } | { outcome: 'error'; message: string }

/** How long one story may take to render. */
const RENDER_TIMEOUT_MS = 15_000

/**
 * Waits until Storybook has rendered the story into #storybook-root or shown its error display.
 * Storybook marks <body> with `sb-show-main` once the story rendered, and with
 * `sb-show-errordisplay` when it threw or was not found.
 */
async function waitForStory(page: Page): Promise<RenderResult> {
  try {
    const handle = await page.waitForFunction(
      (): RenderResult | false => {
        const body = document.body
        if (body.classList.contains('sb-show-errordisplay')) {
          const text = (id: string) => document.getElementById(id)?.textContent ?? ''
          return { outcome: 'error', message: `${text('error-message')}\n${text('error-stack')}` }
        }
        const root = document.getElementById('storybook-root')
        if (body.classList.contains('sb-show-main') && root && root.childElementCount > 0) {
          return { outcome: 'rendered' }
        }
        return false
      },
      undefined,
      { polling: 50, timeout: RENDER_TIMEOUT_MS },
    )
    return (await handle.jsonValue()) as RenderResult
  } catch (error) {
    const message = (error as Error).message
    return {
      outcome: 'error',
      message: message.includes('Timeout')
        ? `nothing rendered into #storybook-root within ${RENDER_TIMEOUT_MS} ms`
        : message,
    }
  }
}

/** Pages open at once: networkidle waits ~500 ms per page, so a small pool saves most of the time. */
const CONCURRENCY = 4

async function check(entry: IndexEntry, serverUrl: (path: string) => string): Promise<string[]> {
  const failures: string[] = []
  const { page, problems } = await chromium.get().newPage()
  try {
    await page.goto(
      serverUrl(`/iframe.html?id=${encodeURIComponent(entry.id)}&viewMode=${entry.type}`),
    )
    const result = entry.type === 'story' ? await waitForStory(page) : await waitForDocs(page)
    // Let lazy chunks and effects settle before judging the console.
    await page.waitForLoadState('networkidle')
    if (result.outcome === 'error') failures.push(`${entry.id}: ${result.message.trim()}`)
    if (problems.length > 0) failures.push(`${entry.id}:\n${describeProblems(problems)}`)
  } catch (error) {
    failures.push(`${entry.id}: ${(error as Error).message}\n${describeProblems(problems)}`)
  } finally {
    await page.close()
  }
  return failures
}

/** Docs pages (autodocs) render into #storybook-docs. */
async function waitForDocs(page: Page): Promise<RenderResult> {
  try {
    await page.waitForFunction(
      () => (document.getElementById('storybook-docs')?.textContent ?? '').trim().length > 0,
      undefined,
      { polling: 50, timeout: RENDER_TIMEOUT_MS },
    )
    return { outcome: 'rendered' }
  } catch {
    return { outcome: 'error', message: `no docs rendered within ${RENDER_TIMEOUT_MS} ms` }
  }
}

it('should render every story and docs page without console or page errors', async () => {
  const base = server
  if (base === undefined) throw new Error('static server not started')
  expect(
    stories.filter((entry) => entry.type === 'story').length,
    'index.json lists no stories',
  ).toBeGreaterThan(0)

  const failures: string[] = []
  const queue = [...stories]
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
        failures.push(...(await check(entry, (path) => base.url(path))))
      }
    }),
  )
  expect(failures, failures.join('\n\n')).toEqual([])
}, 300_000)
