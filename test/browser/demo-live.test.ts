// `npm start` with a provider key: the demo talks to "the provider" through its relay, and the
// key stays on the server. The provider here is a mock server that accepts only that key
// (OPENAI_REALTIME_URL points the relay at it), so a connected call proves the relay added the
// key upstream; every frame and HTTP response the page received is scanned for it.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createMockBrain, createMockRealtimeServer } from '../../src/testing'
import type { MockRealtimeServer } from '../../src/testing'
import { describeProblems, useChromium } from './support/chromium'
import { npmStart, type RunningDemo } from './support/npm-start'
import { speechThenSilenceWav } from './support/padded-wav'

const KEY = 'sk-demo-live-0123456789abcdef'

let provider: MockRealtimeServer | undefined
let demo: RunningDemo | undefined

beforeAll(async () => {
  provider = await createMockRealtimeServer({
    keys: { openai: [KEY] },
    brain: createMockBrain({ transcripts: ["What's the weather in Paris?"] }),
  })
  demo = await npmStart({ OPENAI_API_KEY: KEY, OPENAI_REALTIME_URL: provider.openaiUrl })
}, 120_000)

afterAll(async () => {
  await demo?.stop()
  await provider?.close()
})

const chromium = useChromium(async () => ({
  fakeAudioCaptureWav: await speechThenSilenceWav('What is the weather in Paris?', 6),
}))

it('should talk to the provider through the relay without the key reaching the browser', async () => {
  if (demo === undefined || provider === undefined) throw new Error('servers not started')
  expect(demo.banner).toContain('talking to openai through the relay')
  const { page, problems } = await chromium.get().newPage()
  // Everything the page receives: WebSocket frames (both ways) and HTTP response bodies.
  const seen: string[] = []
  page.on('websocket', (socket) => {
    seen.push(socket.url())
    socket.on('framereceived', ({ payload }) => seen.push(payload.toString()))
    socket.on('framesent', ({ payload }) => seen.push(payload.toString()))
  })
  const bodies: Array<Promise<void>> = []
  page.on('response', (response) => {
    bodies.push(
      response
        .body()
        .then((body) => void seen.push(JSON.stringify(response.headers()), body.toString()))
        .catch(() => {}),
    )
  })
  try {
    await page.goto(demo.url)
    await expect
      .poll(() => page.locator('.demo').innerText(), { timeout: 60_000 })
      .not.toContain('Embedded mock server')
    await page.getByRole('button', { name: 'Start conversation' }).click()
    await page.waitForSelector('.adk-connection-status[data-state="connected"]', {
      timeout: 30_000,
    })
    // A spoken turn with a tool round, all through the relay.
    const weather = page.locator('.adk-tool-activity li', { hasText: 'get_weather' }).first()
    await expect
      .poll(() => weather.getAttribute('data-state'), { timeout: 60_000 })
      .toBe('completed')
    const answer = page.locator('[role="log"] [data-role="assistant"]').first()
    await expect.poll(() => answer.textContent(), { timeout: 30_000 }).toMatch(/Paris/)
    await page.getByRole('button', { name: 'End conversation' }).click()
    await page.waitForSelector('.adk-voice-agent[data-state="closed"]')

    // The provider saw one OpenAI connection, which it accepts only with the key.
    expect(provider.log.connections.filter((c) => c.protocol === 'openai')).toHaveLength(1)
    await Promise.all(bodies)
    expect(seen.length).toBeGreaterThan(50)
    expect(seen.filter((text) => text.includes(KEY))).toEqual([])
    expect(problems, describeProblems(problems)).toEqual([])
  } finally {
    await page.close()
  }
})
