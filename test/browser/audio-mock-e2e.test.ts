// End to end in real Chromium: the fake microphone speaks (espeak-ng WAV), MicrophoneCapture
// sends it through a RealtimeRunner and our OpenAI / Gemini providers to the mock server, whose
// energy VAD hears the turns and whose brain answers with synthesized speech that the AudioPlayer
// plays; when the looping WAV speaks again during the answer, the runner barges in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockBrain, createMockRealtimeServer } from '../../src/testing'
import type { MockBrain, MockRealtimeServer } from '../../src/testing'
import { describeProblems, useChromium, type ChromiumSession } from './support/chromium'
import {
  alignPeriodic,
  crossings,
  envelope,
  localShifts,
  readWav,
  toRelativeDb,
} from './support/envelope'
import {
  openHarness,
  startHarnessServers,
  type HarnessServers,
  type OpenHarness,
} from './support/harness'
import { speechThenSilenceWav } from './support/padded-wav'

interface InterruptReport {
  itemId: string | undefined
  playedMs: number
  silenceLatencyMs: number
  /** Context time of the first silent frame. */
  silentAt: number
}
type Events = Array<{ type: string; itemId?: string; status?: string }>
type Items = Array<{ id: string; status: string; role?: string }>

const SPEECH = 'Hello, what is the weather in Paris today'
const WINDOW_MS = 5

let servers: HarnessServers | undefined
let mock: MockRealtimeServer | undefined
let brain: MockBrain | undefined
/** What the mock's brain answers; each test sets it (and the pacing, in `brain.timing`). */
let reply = ''
const SHORT_REPLY = 'It is sunny in Paris today.'
/** About eleven seconds of speech: the next loop of the WAV talks over it. */
const LONG_REPLY =
  'Once upon a time there was a small voice agent that lived inside a browser tab and ' +
  'answered every question with a long and very patient story about the weather.'

beforeAll(async () => {
  servers = await startHarnessServers('../fixtures/runner-harness.ts')
  brain = createMockBrain({ respond: () => ({ type: 'message', text: reply }) })
  mock = await createMockRealtimeServer({ brain })
})

afterAll(async () => {
  await mock?.close()
  await servers?.close()
})

function wsBase(): string {
  if (mock === undefined) throw new Error('mock not started')
  return `ws://127.0.0.1:${mock.port}`
}

async function open(
  setup: Record<string, unknown>,
  session: ChromiumSession,
): Promise<OpenHarness> {
  if (servers === undefined) throw new Error('servers not started')
  const h = await openHarness(session, servers.plain)
  await h.call('setup', setup)
  expect(await h.call('connect')).toBe('running')
  return h
}

/** Worst local timing error (ms) of `pcm` at `rate` against the WAV, after best alignment. */
function timingError(
  pcm: Int16Array,
  rate: number,
  wavPath: string,
): { worst: number; score: number } {
  const wav = readWav(wavPath)
  const captured = toRelativeDb(envelope(pcm, rate, WINDOW_MS))
  const reference = toRelativeDb(envelope(wav.samples, wav.sampleRate, WINDOW_MS))
  const { lag, score } = alignPeriodic(captured, reference)
  const events: number[] = []
  for (let loop = -1; loop <= 2; loop++) {
    for (const index of crossings(reference, -30))
      events.push(index - lag + loop * reference.length)
  }
  const shifts = localShifts(captured, reference, lag, events, 300 / WINDOW_MS, 100 / WINDOW_MS)
  expect(shifts.length).toBeGreaterThan(5)
  return { worst: Math.max(...shifts.map((s) => Math.abs(s) * WINDOW_MS)), score }
}

describe('OpenAI over WebSocket to the mock server', () => {
  // Speech, then 9 s of silence: the answer plays out completely before the next turn.
  const chromium = useChromium(async () => ({
    fakeAudioCaptureWav: await speechThenSilenceWav(SPEECH, 9),
  }))

  it('should stream 24 kHz PCM16 the mock hears as a turn, and play the whole answer', async () => {
    reply = SHORT_REPLY
    brain!.timing.chunkIntervalMs = 0
    const h = await open({ provider: 'openai', url: `${wsBase()}/v1/realtime` }, chromium.get())
    try {
      const events = await h.until<Events>(
        'events',
        (e) => e.some((x) => x.type === 'speech.stopped') && e.some((x) => x.type === 'audio.done'),
        { timeoutMs: 30_000 },
      )
      // The mock's energy VAD heard the turn: speech started, then stopped.
      expect(events.findIndex((e) => e.type === 'speech.started')).toBeGreaterThanOrEqual(0)
      expect(events.findIndex((e) => e.type === 'speech.started')).toBeLessThan(
        events.findIndex((e) => e.type === 'speech.stopped'),
      )
      const itemId = events.find((e) => e.type === 'audio.done')!.itemId!
      // Heard: the output level (read by pull) rises while the answer plays.
      await h.until<AudioState>('audioState', (s) => s.isPlaying && s.outputLevel > 0)
      const done = await h.until<{ playedFrames: number; postedFrames: number }>(
        'itemPlayback',
        (p) => p !== undefined && p.playedFrames === p.postedFrames,
        { args: [itemId], timeoutMs: 30_000 },
      )
      const received = (await h.call<Record<string, number>>('received'))[itemId]! / 2
      const contextRate = (await h.call<Array<{ sampleRate: number }>>('contexts'))[0]!.sampleRate
      // Every sample the mock sent was played, to within one render quantum (128 frames).
      expect(
        Math.abs(done.playedFrames - Math.ceil((received * contextRate) / 24_000)),
      ).toBeLessThanOrEqual(128)
      const calls = mock!.log.frames.filter(
        (f) => f.direction === 'in' && f.kind === 'input_audio_buffer.append',
      )
      const bytes = Buffer.concat(
        calls.map((f) => Buffer.from((f.message as { audio: string }).audio, 'base64')),
      )
      expect(
        new Set(
          calls.map((f) => Buffer.from((f.message as { audio: string }).audio, 'base64').length),
        ),
      ).toEqual(new Set([960]))
      const { worst, score } = timingError(
        new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2),
        24_000,
        await speechThenSilenceWav(SPEECH, 9),
      )
      console.log(
        `mock (OpenAI) heard 24 kHz audio: envelope r=${score.toFixed(3)}, worst timing error ${worst} ms`,
      )
      expect(worst).toBeLessThanOrEqual(20)
      expect(h.problems, describeProblems(h.problems)).toEqual([])
      await h.call('close')
    } finally {
      await h.page.close()
    }
  })
})

interface AudioState {
  isPlaying: boolean
  outputLevel: number
}

async function expectReleased(h: OpenHarness): Promise<void> {
  await h.until<Array<{ readyState: string }>>(
    'tracks',
    (t) => t.length > 0 && t.every((x) => x.readyState === 'ended'),
  )
  await h.until<Array<{ state: string }>>('contexts', (c) => c.every((x) => x.state === 'closed'))
}

describe('barge-in against the mock server', () => {
  // Speech, then 2 s of silence: the next loop of the WAV speaks over the (long) answer.
  const chromium = useChromium(async () => ({
    fakeAudioCaptureWav: await speechThenSilenceWav(SPEECH, 2),
  }))

  it('should truncate on OpenAI to what the worklet played, after audio.done', async () => {
    reply = LONG_REPLY
    brain!.timing.chunkIntervalMs = 0 // the whole answer arrives at once, then plays locally
    const since = mock!.log.frames.length
    const h = await open({ provider: 'openai', url: `${wsBase()}/v1/realtime` }, chromium.get())
    try {
      await h.until<AudioState>('audioState', (s) => s.isPlaying && s.outputLevel > 0, {
        timeoutMs: 30_000,
      })
      const truncate = await mock!.log.waitFor(
        (f) => f.direction === 'in' && f.kind === 'conversation.item.truncate',
        { since },
      )
      const message = truncate.message as { item_id: string; audio_end_ms: number }
      const [report] = await h.until<InterruptReport[]>('interrupts', (r) => r.length >= 1)
      const speechAt = await h.call<number[]>('speechAt')
      console.log(
        `barge-in (OpenAI mock): audio_end_ms ${message.audio_end_ms}, worklet played ` +
          `${report!.playedMs.toFixed(1)} ms, silent ${report!.silenceLatencyMs.toFixed(2)} ms ` +
          `after the runner saw speech (context time ${speechAt.at(-1)?.toFixed(3)} s)`,
      )
      expect(report!.itemId).toBe(message.item_id)
      expect(Math.abs(message.audio_end_ms - report!.playedMs)).toBeLessThanOrEqual(30)
      expect(report!.silenceLatencyMs).toBeLessThanOrEqual(10)
      // Also from the moment the runner saw the mock's speech signal (the context clock read in
      // its event handler), not only from the interrupt call.
      expect((report!.silentAt - speechAt.at(-1)!) * 1000).toBeLessThanOrEqual(10)
      // Clamped to what was received; sent although the provider had finished sending.
      const received = (await h.call<Record<string, number>>('received'))[message.item_id]!
      expect(message.audio_end_ms).toBeLessThanOrEqual((received / 2 / 24_000) * 1000)
      const events = await h.call<Events>('events')
      const doneAt = events.findIndex(
        (e) => e.type === 'audio.done' && e.itemId === message.item_id,
      )
      const cutAt = events.findIndex((e) => e.type === 'playback.interrupted')
      expect(doneAt).toBeGreaterThanOrEqual(0)
      expect(doneAt).toBeLessThan(cutAt)
      // The mock confirms with conversation.item.truncated; the item is marked interrupted.
      await h.until<Items>('items', (items) =>
        items.some((i) => i.id === message.item_id && i.status === 'interrupted'),
      )
      expect(h.problems, describeProblems(h.problems)).toEqual([])
      await h.call('close')
      await expectReleased(h)
    } finally {
      await h.page.close()
    }
  })

  it('should stream 16 kHz to Gemini and stop playback when the mock interrupts', async () => {
    reply = LONG_REPLY
    brain!.timing.chunkIntervalMs = 100 // paced like the service: still generating at barge-in
    const since = mock!.log.frames.length
    const h = await open({ provider: 'gemini', url: wsBase() }, chromium.get())
    try {
      await h.until<AudioState>('audioState', (s) => s.isPlaying && s.outputLevel > 0, {
        timeoutMs: 30_000,
      })
      await mock!.log.waitFor((f) => f.direction === 'out' && f.kind.includes('interrupted'), {
        since,
      })
      const [report] = await h.until<InterruptReport[]>('interrupts', (r) => r.length >= 1)
      console.log(
        `barge-in (Gemini mock): worklet played ${report!.playedMs.toFixed(1)} ms, silent ` +
          `${report!.silenceLatencyMs.toFixed(2)} ms after the interrupted event`,
      )
      expect(report!.silenceLatencyMs).toBeLessThanOrEqual(10)
      await h.until<AudioState>('audioState', (s) => !s.isPlaying)

      const frames = mock!.log.frames.filter(
        (f) => f.seq >= since && f.direction === 'in' && f.kind === 'realtimeInput.audio',
      )
      const audio = frames.map(
        (f) =>
          (f.message as { realtimeInput: { audio: { data: string; mimeType: string } } })
            .realtimeInput.audio,
      )
      expect(new Set(audio.map((a) => a.mimeType))).toEqual(new Set(['audio/pcm;rate=16000']))
      const chunks = audio.map((a) => Buffer.from(a.data, 'base64'))
      expect(new Set(chunks.map((c) => c.length))).toEqual(new Set([640]))
      const bytes = Buffer.concat(chunks)
      const { worst, score } = timingError(
        new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2),
        16_000,
        await speechThenSilenceWav(SPEECH, 2),
      )
      console.log(
        `mock (Gemini) heard 16 kHz audio: envelope r=${score.toFixed(3)}, worst timing error ${worst} ms`,
      )
      expect(worst).toBeLessThanOrEqual(20)
      expect(h.problems, describeProblems(h.problems)).toEqual([])
      await h.call('close')
      await expectReleased(h)
    } finally {
      await h.page.close()
    }
  })
})
