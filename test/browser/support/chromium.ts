// Launches Debian's Chromium through playwright-core for the browser tests. `npx playwright
// install` cannot run here (no network beyond the npm registry), so the executable is fixed.
//
// Playwright's `chromium.launch` already gives every browser a fresh temporary user-data dir
// (removed on close), so no persistent context is needed.
import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'

export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium'

/** The exact Chromium switches the browser tests run with. */
export function chromiumArgs(fakeAudioCaptureWav: string, fakeVideoCaptureY4m?: string): string[] {
  const video =
    fakeVideoCaptureY4m === undefined
      ? []
      : [`--use-file-for-fake-video-capture=${fakeVideoCaptureY4m}`]
  return [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--autoplay-policy=no-user-gesture-required',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${fakeAudioCaptureWav}`,
    ...video,
  ]
}

export interface LaunchOptions {
  /** WAV file the fake microphone plays (looped). */
  readonly fakeAudioCaptureWav: string
  /** Y4M file the fake camera plays (looped); default Chromium's generated test pattern. */
  readonly fakeVideoCaptureY4m?: string
}

/** Something that went wrong inside a page: a console error, an uncaught error, a crash. */
export interface PageProblem {
  readonly kind: 'console' | 'pageerror' | 'crash'
  readonly text: string
}

export interface TrackedPage {
  readonly page: Page
  /** Problems seen so far on this page. Assert it is empty at the end of a test. */
  readonly problems: PageProblem[]
}

export interface ChromiumSession {
  readonly browser: Browser
  readonly context: BrowserContext
  /** A new page whose console errors, page errors and crashes are recorded. */
  newPage(): Promise<TrackedPage>
  close(): Promise<void>
}

/** Records console errors, uncaught page errors and renderer crashes of `page`. */
export function trackProblems(page: Page): PageProblem[] {
  const problems: PageProblem[] = []
  page.on('console', (message) => {
    if (message.type() !== 'error') return
    const { url, lineNumber } = message.location()
    const where = url ? ` (${url}:${lineNumber})` : ''
    problems.push({ kind: 'console', text: message.text() + where })
  })
  page.on('pageerror', (error) => {
    problems.push({ kind: 'pageerror', text: error.stack ?? error.message })
  })
  page.on('crash', () => {
    problems.push({ kind: 'crash', text: 'the page crashed' })
  })
  return problems
}

export async function launchChromium(options: LaunchOptions): Promise<ChromiumSession> {
  // Chromium silently captures digital silence when the file is missing; fail loudly instead.
  if (!existsSync(options.fakeAudioCaptureWav)) {
    throw new Error(`fake audio capture file not found: ${options.fakeAudioCaptureWav}`)
  }
  if (options.fakeVideoCaptureY4m !== undefined && !existsSync(options.fakeVideoCaptureY4m)) {
    throw new Error(`fake video capture file not found: ${options.fakeVideoCaptureY4m}`)
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: chromiumArgs(options.fakeAudioCaptureWav, options.fakeVideoCaptureY4m),
  })
  try {
    const context = await browser.newContext()
    return {
      browser,
      context,
      async newPage() {
        const page = await context.newPage()
        return { page, problems: trackProblems(page) }
      },
      close: () => browser.close(),
    }
  } catch (error) {
    await browser.close()
    throw error
  }
}

/**
 * Launches Chromium in `beforeAll` and closes it in `afterAll` (also when a later `beforeAll`
 * or a test fails). `options` is called in `beforeAll`, so it may await test-time setup such as
 * generating the WAV. Read the session through `get()` inside hooks and tests.
 */
export function useChromium(options: () => LaunchOptions | Promise<LaunchOptions>): {
  get(): ChromiumSession
} {
  let session: ChromiumSession | undefined
  beforeAll(async () => {
    session = await launchChromium(await options())
  })
  afterAll(async () => {
    await session?.close()
    session = undefined
  })
  return {
    get() {
      if (session === undefined) throw new Error('Chromium is not running (beforeAll failed?)')
      return session
    },
  }
}

/** Formats problems for an assertion message. */
export function describeProblems(problems: readonly PageProblem[]): string {
  return problems.map((p) => `[${p.kind}] ${p.text}`).join('\n')
}
