// Browser audio latency, end to end in real Chromium against the mock server (run on demand,
// never as a test):
//
//   npx tsx bench/browser-latency.ts
//
// 1. Microphone frame → WebSocket.send: the fake microphone speaks an espeak-ng WAV; for every
//    distinct (speech) frame, main-thread arrival of the worklet's message → the `send()` of its
//    `input_audio_buffer.append`; plus the worklet → main-thread delivery, in audio time.
// 2. Audio delta arrival → audible output: the first `response.output_audio.delta` of each
//    answer → the moment its first sample reaches the speakers (the player's start, mapped to
//    performance.now() by AudioContext.getOutputTimestamp). Includes the 60 ms jitter prebuffer.
// 3. User-speech signal → silence: `input_audio_buffer.speech_started` arriving during playback
//    → the runner's barge-in → the first silent render quantum → audible silence at the speakers.
//
// Prints p50/p95 per figure and rows in bench/RESULTS.md's format.
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { createMockBrain, createMockRealtimeServer } from '../src/testing'
import { HARNESS_PAGE, bundleForBrowser } from '../test/browser/support/bundle'
import { launchChromium } from '../test/browser/support/chromium'
import { speechThenSilenceWav } from '../test/browser/support/padded-wav'
import { startStaticServer } from '../test/browser/support/static-server'

const SPEECH = 'Hello, what is the weather in Paris today'
const TURNS = Number(process.env.TURNS ?? 10)

interface Results {
  frameToSend: number[]
  frameDelivery: number[]
  deltaToAudible: number[]
  speechToInterrupt: number[]
  interruptToSilentMs: number[]
  speechToAudibleSilence: number[]
  outputLatencyMs: number
  baseLatencyMs: number
  sampleRate: number
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1))

async function phase(
  wavSilenceSeconds: number,
  reply: string,
  until: (r: Results) => boolean,
): Promise<Results> {
  const brain = createMockBrain({ respond: () => ({ type: 'message', text: reply }) })
  const mock = await createMockRealtimeServer({ brain })
  const js = await bundleForBrowser(
    fileURLToPath(new URL('./browser-latency-page.ts', import.meta.url)),
  )
  const site = await startStaticServer({
    routes: { '/index.html': { body: HARNESS_PAGE }, '/harness.js': { body: js } },
  })
  const chromium = await launchChromium({
    fakeAudioCaptureWav: await speechThenSilenceWav(SPEECH, wavSilenceSeconds),
  })
  try {
    const { page, problems } = await chromium.newPage()
    await page.goto(site.url('/'))
    await page.waitForFunction(() => (window as { __bench?: unknown }).__bench !== undefined)
    await page.evaluate(
      (url) =>
        (window as unknown as { __bench: { start(o: unknown): Promise<void> } }).__bench.start({
          provider: 'openai',
          url,
        }),
      `ws://127.0.0.1:${mock.port}/v1/realtime`,
    )
    const deadline = Date.now() + 10 * 60_000
    for (;;) {
      const results = await page.evaluate(() =>
        (window as unknown as { __bench: { results(): Results } }).__bench.results(),
      )
      if (until(results)) {
        if (problems.length > 0) console.warn(problems)
        return results
      }
      if (Date.now() > deadline) throw new Error('benchmark did not finish in 10 minutes')
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  } finally {
    await chromium.close()
    await site.close()
    await mock.close()
  }
}

// Phase 1: short answers that finish before the next turn (the WAV has 3 s of silence).
console.log(`phase 1: ${TURNS} turns with short answers…`)
const turns = await phase(3, 'It is sunny in Paris today.', (r) => r.deltaToAudible.length >= TURNS)
// Phase 2: long answers the next loop of the WAV talks over (2 s of silence).
console.log(`phase 2: ${TURNS} barge-ins…`)
const bargeIns = await phase(
  2,
  'Once upon a time there was a small voice agent that lived inside a browser tab and answered ' +
    'every question with a long and very patient story about the weather.',
  (r) => r.speechToAudibleSilence.length >= TURNS,
)

const date = new Date().toISOString().slice(0, 10)
const command = '`npx tsx bench/browser-latency.ts`'
const rows: Array<[string, number[]]> = [
  ['browser: mic frame (main-thread arrival) → WebSocket.send', turns.frameToSend],
  [
    'browser: mic frame end → main-thread arrival (context clock, ~10 ms steps)',
    turns.frameDelivery,
  ],
  ['browser: first audio delta arrival → audible (answer sent in one burst)', turns.deltaToAudible],
  [
    'browser: speech_started arrival → playback.interrupted (main thread)',
    bargeIns.speechToInterrupt,
  ],
  [
    'browser: interrupt() → first silent render quantum (context clock)',
    bargeIns.interruptToSilentMs,
  ],
  ['browser: speech_started arrival → audible silence', bargeIns.speechToAudibleSilence],
]
console.log(
  `\ncontext ${turns.sampleRate} Hz, baseLatency ${fmt(turns.baseLatencyMs)} ms, ` +
    `outputLatency ${fmt(turns.outputLatencyMs)} ms\n`,
)
for (const [name, values] of rows) {
  console.log(
    `| ${name} | p50 ${fmt(percentile(values, 50))} ms, p95 ${fmt(percentile(values, 95))} ms ` +
      `(n=${values.length}) | ${command} | ${date} | ${cpus().length} |`,
  )
}
