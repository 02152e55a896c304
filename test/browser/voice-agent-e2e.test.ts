// <VoiceAgent> end to end in real Chromium: the public React entry with a get_weather tool, our
// OpenAI provider, the browser audio engine and the fake microphone (an espeak-ng WAV that asks
// for the weather, then loops) against the mock server. Connect with a click; the user's
// transcript and the assistant's reply stream into the Transcript; the tool run appears in
// ToolActivity; the next loop of the WAV talks over the long answer and interrupts it.
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createMockBrain, createMockRealtimeServer } from '../../src/testing'
import type { BrainContext, MockRealtimeServer } from '../../src/testing'
import { describeProblems, useChromium } from './support/chromium'
import { speechThenSilenceWav } from './support/padded-wav'
import { startStaticServer, type StaticServer } from './support/static-server'

const QUESTION = 'What is the weather in Paris?'
/** Long enough (about ten seconds of speech) that the next loop of the WAV talks over it. */
const ANSWER =
  'It is sunny and twenty one degrees in Paris. Expect a light breeze in the afternoon, a few ' +
  'clouds over the river in the evening, and a warm and pleasant night for a long walk.'

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>VoiceAgent e2e</title></head>
  <body><div id="root"></div><script type="module" src="/page.js"></script></body>
</html>
`

let mock: MockRealtimeServer | undefined
let site: StaticServer | undefined

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./fixtures/voice-agent-page.tsx', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    sourcemap: 'inline',
    logLevel: 'silent',
  })
  const js = bundle.outputFiles[0]?.text
  if (js === undefined) throw new Error('esbuild produced no output')
  site = await startStaticServer({
    routes: { '/index.html': { body: PAGE }, '/page.js': { body: js } },
  })
  const brain = createMockBrain({
    transcripts: [QUESTION, 'Stop, thank you.'],
    // After the tool result: a long spoken answer, streamed at twice real time.
    respond: (context: BrainContext) =>
      context.history.at(-1)?.role === 'toolResult' ? { type: 'message', text: ANSWER } : undefined,
    chunkIntervalMs: 50,
  })
  mock = await createMockRealtimeServer({ brain })
}, 120_000)

afterAll(async () => {
  await mock?.close()
  await site?.close()
})

// The question, then 2 s of silence: the mock's VAD ends the turn, and the WAV's next loop
// speaks while the answer is still playing.
const chromium = useChromium(async () => ({
  fakeAudioCaptureWav: await speechThenSilenceWav(QUESTION, 2),
}))

it('should connect, stream both transcripts, show the tool run and be interrupted by the user', async () => {
  if (mock === undefined || site === undefined) throw new Error('servers not started')
  const { page, problems } = await chromium.get().newPage()
  const since = mock.log.frames.length
  const ws = encodeURIComponent(`ws://127.0.0.1:${mock.port}/v1/realtime`)
  try {
    await page.goto(site.url(`/index.html?ws=${ws}`))
    const agent = page.getByRole('region', { name: 'Weather agent' })
    await expect.poll(() => agent.getAttribute('data-state')).toBe('idle')

    // Connect in a real click (the gesture unlocks audio).
    await page.getByRole('button', { name: 'Start conversation' }).click()
    // Connected: the fake microphone speaks at once, so "listening" can last less than a
    // frame (the store publishes once per frame) and is not a reliable thing to wait for.
    await page.waitForSelector('.adk-connection-status[data-state="connected"]', {
      timeout: 20_000,
    })

    // The user's words, then the tool run in ToolActivity.
    const user = page.locator('[role="log"] [data-role="user"]').first()
    await expect.poll(() => user.textContent(), { timeout: 30_000 }).toContain(QUESTION)
    const tool = page.locator('.adk-tool-activity li').first()
    await expect.poll(() => tool.textContent()).toContain('get_weather')
    await expect.poll(() => tool.textContent()).toContain('{"city":"Paris"}')
    await expect.poll(() => tool.getAttribute('data-state'), { timeout: 20_000 }).toBe('completed')
    expect(await page.evaluate(() => (window as never as Page).__page.toolRuns())).toEqual([
      { city: 'Paris', callId: expect.any(String) },
    ])

    // The WAV's next loop talks over the answer: playback stops and the item is marked interrupted.
    const answer = page.locator('[role="log"] [data-role="assistant"]').first()
    await page.waitForSelector('[role="log"] [data-role="assistant"][data-status="interrupted"]', {
      timeout: 30_000,
    })
    const heard = (await answer.textContent()) ?? ''
    expect(heard).toContain('It is sunny')
    expect(heard).toContain('interrupted')
    // The page marks the item at once; the cancel or truncate reaches the mock a moment later.
    const cut = await mock.log.waitFor(
      (frame) =>
        frame.direction === 'in' &&
        (frame.kind === 'conversation.item.truncate' || frame.kind === 'response.cancel'),
      { since, signal: AbortSignal.timeout(10_000) },
    )
    expect(cut.kind).toMatch(/truncate|cancel/)

    // Before that, both transcripts streamed in. The user's arrives as a burst of deltas (the
    // store may coalesce them into one frame); the answer, paced, renders as growing partial text.
    const userDeltas = mock.log.frames.filter(
      (frame) =>
        frame.seq >= since && frame.kind === 'conversation.item.input_audio_transcription.delta',
    )
    expect(userDeltas.length).toBeGreaterThan(1)
    const partials = await page.evaluate(() => (window as never as Page).__page.partials())
    const streamed = partials.filter((p) => p.role === 'assistant' && p.text.startsWith('It is'))
    expect(streamed.length).toBeGreaterThan(3)
    expect(streamed.some((p) => p.text.length < ANSWER.length / 2)).toBe(true)

    // The agent went through every state of the turn, in order.
    const states = await page.evaluate(() => (window as never as Page).__page.states())
    // "listening" is left out: it can fall between two frames when speech starts at once.
    const order = ['idle', 'connecting', 'userSpeaking', 'executingTool', 'speaking']
    expect(states.filter((state) => order.includes(state)).filter(firstSeen)).toEqual(order)
    expect(states.slice(states.indexOf('speaking'))).toContain('userSpeaking') // barge-in

    // One socket and one microphone for the whole conversation, under StrictMode.
    const sockets = mock.log.frames.filter((f) => f.seq >= since && f.kind === 'session.created')
    expect(sockets).toHaveLength(1)
    const tracks = await page.evaluate(() => (window as never as Page).__page.tracks())
    expect(tracks).toEqual([{ kind: 'audio', readyState: 'live' }])

    // End the conversation: the microphone and the audio context are released.
    await page.getByRole('button', { name: 'End conversation' }).click()
    await page.waitForSelector('.adk-voice-agent[data-state="closed"]')
    await expect
      .poll(() => page.evaluate(() => (window as never as Page).__page.tracks()))
      .toSatisfy(
        (tracks: Array<{ readyState: string }>) =>
          tracks.length > 0 && tracks.every((track) => track.readyState === 'ended'),
      )
    await expect
      .poll(() => page.evaluate(() => (window as never as Page).__page.contexts()))
      .toSatisfy((contexts: Array<{ state: string }>) =>
        contexts.every((context) => context.state === 'closed'),
      )
    expect(problems, describeProblems(problems)).toEqual([])
  } catch (error) {
    // What the mock saw (audio appends left out) and what the page showed, for the failure.
    const frames = mock.log.frames.slice(since).filter((f) => !f.kind.endsWith('.append'))
    console.log(frames.map((frame) => `${frame.direction} ${frame.kind}`).join('\n'))
    console.log(
      await page
        .locator('.adk-voice-agent')
        .innerText()
        .catch(() => '(no agent)'),
    )
    console.log(describeProblems(problems))
    throw error
  } finally {
    await page.close()
  }
})

it('should release the microphone, the audio contexts and the socket when unmounted mid-call', async () => {
  if (mock === undefined || site === undefined) throw new Error('servers not started')
  const { page, problems } = await chromium.get().newPage()
  const connectionsBefore = mock.log.connections.length
  const ws = encodeURIComponent(`ws://127.0.0.1:${mock.port}/v1/realtime`)
  try {
    await page.goto(site.url(`/index.html?ws=${ws}`))
    await page.getByRole('button', { name: 'Start conversation' }).click()
    await page.waitForSelector('.adk-connection-status[data-state="connected"]', {
      timeout: 20_000,
    })
    // Mid-call: the microphone is live and the user is being heard.
    await expect
      .poll(() => page.evaluate(() => (window as never as Page).__page.tracks()))
      .toEqual([{ kind: 'audio', readyState: 'live' }])
    const contexts = await page.evaluate(() => (window as never as Page).__page.contexts())
    expect(contexts.some((context) => context.state === 'running')).toBe(true)

    await page.evaluate(() => (window as never as Page).__page.unmount())

    await expect
      .poll(() => page.evaluate(() => (window as never as Page).__page.tracks()))
      .toEqual([{ kind: 'audio', readyState: 'ended' }])
    await expect
      .poll(() => page.evaluate(() => (window as never as Page).__page.contexts()))
      .toSatisfy((all: Array<{ state: string }>) =>
        all.every((context) => context.state === 'closed'),
      )
    // One socket for the call (StrictMode included), closed by the client.
    const opened = mock.log.connections.slice(connectionsBefore)
    expect(opened).toHaveLength(1)
    const record = await mock.log.closed(opened[0]!.id)
    expect(record.close?.initiatedBy).toBe('client')
    expect(problems, describeProblems(problems)).toEqual([])
  } finally {
    await page.close()
  }
})

function firstSeen(value: string, index: number, all: string[]): boolean {
  return all.indexOf(value) === index
}

interface Page {
  __page: {
    tracks(): Array<{ kind: string; readyState: string }>
    contexts(): Array<{ state: string }>
    toolRuns(): Array<{ city: string; callId: string }>
    states(): string[]
    partials(): Array<{ role: string; text: string }>
    unmount(): void
  }
}
