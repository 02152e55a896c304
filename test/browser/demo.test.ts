// `npm start` end to end, run as a child process: the demo server (Vite page + relay + embedded
// mock with the espeak-ng voice) in real Chromium with the fake microphone. The mock hears the
// first spoken turn as "What's the weather in Paris?" and the second as "Please switch to the
// dark theme.", so one conversation exercises a spoken turn, the get_weather tool and the
// set_theme UI tool.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeProblems, useChromium } from './support/chromium'
import { npmStart, type RunningDemo } from './support/npm-start'
import { speechThenSilenceWav } from './support/padded-wav'

let demo: RunningDemo | undefined

beforeAll(async () => {
  demo = await npmStart() // no provider keys: the embedded mock
}, 120_000)

afterAll(async () => {
  await demo?.stop()
})

// A short phrase, then silence long enough for the mock's VAD to end the turn and the reply to
// finish before the next loop speaks.
const chromium = useChromium(async () => ({
  fakeAudioCaptureWav: await speechThenSilenceWav('What is the weather in Paris?', 6),
}))

it('should serve the demo, complete a spoken get_weather turn and let set_theme change the page', async () => {
  if (demo === undefined) throw new Error('demo server not started')
  // One URL on 127.0.0.1, and the embedded mock when no key is set.
  expect(demo.banner).toContain('talking to the embedded mock server')
  const { page, problems } = await chromium.get().newPage()
  try {
    await page.goto(demo.url)
    await expect
      .poll(() => page.getByRole('note').textContent(), { timeout: 60_000 })
      .toContain('Embedded mock server')
    expect(await page.locator('.demo').getAttribute('data-theme')).toBe('light')

    await page.getByRole('button', { name: 'Start conversation' }).click()
    // Connected: the fake microphone speaks at once, so "listening" can last less than a
    // frame (the store publishes once per frame) and is not a reliable thing to wait for.
    await page.waitForSelector('.adk-connection-status[data-state="connected"]', {
      timeout: 30_000,
    })

    // First spoken turn: the user's transcript, the tool run, the spoken answer from its result.
    const user = page.locator('[role="log"] [data-role="user"]').first()
    await expect.poll(() => user.textContent(), { timeout: 60_000 }).toContain('weather in Paris')
    const weather = page.locator('.adk-tool-activity li', { hasText: 'get_weather' }).first()
    await expect
      .poll(() => weather.getAttribute('data-state'), { timeout: 30_000 })
      .toBe('completed')
    const answer = page.locator('[role="log"] [data-role="assistant"]').first()
    await expect.poll(() => answer.textContent(), { timeout: 30_000 }).toMatch(/Paris/)

    // Second spoken turn: set_theme runs in the page and the theme changes.
    await page.waitForSelector('.demo[data-theme="dark"]', { timeout: 90_000 })
    const theme = page.locator('.adk-tool-activity li', { hasText: 'set_theme' }).first()
    await expect.poll(() => theme.textContent()).toContain('dark')

    await page.getByRole('button', { name: 'End conversation' }).click()
    await page.waitForSelector('.adk-voice-agent[data-state="closed"]')
    expect(problems, describeProblems(problems)).toEqual([])
  } catch (error) {
    const state = await page.locator('.adk-voice-agent').getAttribute('data-state')
    const text = await page.locator('.demo').innerText()
    throw new Error(
      `${(error as Error).message}\nagent: ${state}\npage: ${text}\n${describeProblems(problems)}`,
      { cause: error },
    )
  } finally {
    await page.close()
  }
})

it('should switch persona on Gemini through a session resumption', async () => {
  if (demo === undefined) throw new Error('demo server not started')
  const { page, problems } = await chromium.get().newPage()
  try {
    await page.goto(demo.url)
    await page.getByRole('combobox', { name: 'Provider' }).selectOption('gemini')
    await page.getByRole('button', { name: 'Start conversation' }).click()
    // Connected: the fake microphone speaks at once, so "listening" can last less than a
    // frame (the store publishes once per frame) and is not a reliable thing to wait for.
    await page.waitForSelector('.adk-connection-status[data-state="connected"]', {
      timeout: 30_000,
    })

    await page.getByRole('button', { name: 'Switch persona' }).click()
    // Gemini fixes its setup per connection: the change runs as a resumption (now, or queued
    // until the agent is quiet), and the session comes back connected with the new persona.
    await expect
      .poll(() => page.locator('.demo-notice').textContent(), { timeout: 30_000 })
      .toMatch(/^Pirate: (resuming|queued)/)
    // The bridge message goes out on the resumed connection only, so seeing it in the transcript
    // proves the resumption finished (the status alone may never have left "connected" in a
    // frame the page rendered). It shows as a note: an instruction to the model, not the user's
    // words, so no "You" bubble carries it.
    await expect
      .poll(() => page.locator('[role="log"] [data-role="bridge"]').allInnerTexts(), {
        timeout: 30_000,
      })
      .toContainEqual(expect.stringContaining('You are now the Pirate.'))
    expect(
      await page.locator('[role="log"] [data-role="user"]').allInnerTexts(),
    ).not.toContainEqual(expect.stringContaining('You are now the Pirate.'))
    await expect
      .poll(() => page.locator('.adk-connection-status').getAttribute('data-state'), {
        timeout: 30_000,
      })
      .toBe('connected')
    await expect
      .poll(() => page.locator('.adk-connection-status').getAttribute('data-pending-resumption'))
      .toBe(null)
    expect(await page.getByRole('region', { name: /Pirate/ }).count()).toBe(1)
    if (process.env.DEMO_SCREENSHOT) await page.screenshot({ path: process.env.DEMO_SCREENSHOT })

    await page.getByRole('button', { name: 'End conversation' }).click()
    await page.waitForSelector('.adk-voice-agent[data-state="closed"]')
    expect(problems, describeProblems(problems)).toEqual([])
  } finally {
    await page.close()
  }
})
