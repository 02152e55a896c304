// Autoplay: under Chromium's desktop policy (user activation required), a context
// created outside a gesture stays suspended; canPlayAudio says so, and startAudio() from a real
// click starts it.
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  CHROMIUM_EXECUTABLE,
  chromiumArgs,
  describeProblems,
  trackProblems,
} from './support/chromium'
import { startHarnessServers, type HarnessServers } from './support/harness'
import { silentWav } from './support/speech-wav'

interface GestureState {
  activatedAtPrepare: boolean
  canPlayAudio: boolean
  state: string
  changes: boolean[]
}

let servers: HarnessServers | undefined
let browser: Browser | undefined

beforeAll(async () => {
  servers = await startHarnessServers('../fixtures/audio-harness.ts')
  // Headless Chromium lets audio start anywhere unless told to apply the desktop default.
  const args = chromiumArgs(await silentWav())
    .filter((arg) => !arg.startsWith('--autoplay-policy'))
    .concat('--autoplay-policy=document-user-activation-required')
  browser = await chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args })
})

afterAll(async () => {
  await browser?.close()
  await servers?.close()
})

describe('SharedAudioContext under the autoplay policy', () => {
  it('should report canPlayAudio false until startAudio() runs in a click', async () => {
    const page = await browser!.newPage()
    const problems = trackProblems(page)
    try {
      await page.goto(servers!.plain.url('/#autoplay'))
      await page.waitForFunction(() => (window as { __harness?: unknown }).__harness !== undefined)
      const read = () =>
        page.evaluate(() =>
          (
            window as unknown as { __harness: { gestureState(): GestureState } }
          ).__harness.gestureState(),
        )
      const before = await read()
      expect(before.activatedAtPrepare).toBe(false)
      expect(before.state).toBe('suspended')
      expect(before.canPlayAudio).toBe(false)
      await page.click('#gesture')
      await page.waitForFunction(
        () =>
          (
            window as unknown as { __harness: { gestureState(): GestureState } }
          ).__harness.gestureState().canPlayAudio,
        undefined,
        { timeout: 10_000 },
      )
      const after = await read()
      expect(after.state).toBe('running')
      expect(after.changes.at(-1)).toBe(true)
      // Chromium warns about the blocked start on the console; that warning is the point here.
      expect(
        problems.filter((p) => p.kind !== 'console'),
        describeProblems(problems),
      ).toEqual([])
    } finally {
      await page.close()
    }
  })
})
