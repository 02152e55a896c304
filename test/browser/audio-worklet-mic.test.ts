// Real Chromium, real AudioWorklet, fake microphone fed from a WAV made by espeak-ng: proves the
// capture path (getUserMedia → MediaStreamSource → AudioWorkletNode) delivers the audio in the
// file. The silent-WAV control proves the assertion can fail.
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeProblems, useChromium, type ChromiumSession } from './support/chromium'
import { silentWav, speechWav } from './support/speech-wav'
import { startStaticServer, type StaticServer } from './support/static-server'

interface MeterStats {
  frames: number
  emptyQuanta: number
  rms: number
  peak: number
  maxBlockRms: number
  lastBlockRms: number
  sampleRate: number
  currentTime: number
}

interface MeterState {
  status: 'starting' | 'running' | 'failed'
  sampleRate: number
  contextState?: string
  stats: MeterStats | null
  error: string | null
  track: { label: string; settings: Record<string, unknown> } | null
}

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

const dbfs = (amplitude: number): number => 20 * Math.log10(amplitude)

/** How much microphone audio the worklet must have seen before we judge it. */
const SECONDS_TO_MEASURE = 1.5

/**
 * The loudest 128-frame block must be above this to count as sound. Measured in Chromium 156
 * (default getUserMedia processing, AGC on): the espeak WAV peaks around -5 dBFS block RMS; the
 * all-zero WAV reads around -97 dBFS (processing adds a tiny noise floor, not exact zeros).
 */
const NON_SILENT_DBFS = -50

let server: StaticServer | undefined

beforeAll(async () => {
  server = await startStaticServer({
    routes: {
      '/index.html': { file: fixture('mic-meter.html') },
      '/meter-worklet.js': { file: fixture('meter-worklet.js') },
    },
  })
})

afterAll(async () => {
  await server?.close()
})

/** Opens the meter page and waits until the worklet has measured `seconds` of microphone audio. */
async function measure(session: ChromiumSession, seconds: number): Promise<MeterState> {
  if (server === undefined) throw new Error('static server not started')
  const { page, problems } = await session.newPage()
  try {
    await page.goto(server.url('/'))
    await page.waitForFunction(
      (wanted) => {
        const m = (window as unknown as { __meter?: MeterState }).__meter
        if (m === undefined) return false
        if (m.status === 'failed') return true
        return m.stats !== null && m.sampleRate > 0 && m.stats.frames >= m.sampleRate * wanted
      },
      seconds,
      { polling: 100, timeout: 60_000 },
    )
    const state = await page.evaluate(() => (window as unknown as { __meter: MeterState }).__meter)
    expect(state.error).toBeNull()
    expect(problems, describeProblems(problems)).toEqual([])
    return state
  } finally {
    await page.close()
  }
}

describe('fake microphone with speech', () => {
  const chromium = useChromium(async () => ({ fakeAudioCaptureWav: await speechWav() }))

  it('delivers non-silent audio to an AudioWorklet at the device rate', async () => {
    const state = await measure(chromium.get(), SECONDS_TO_MEASURE)
    const stats = state.stats
    if (stats === null) throw new Error('no stats')

    expect(state.status).toBe('running')
    expect(state.contextState).toBe('running')
    // The AudioContext runs at the device rate; the worklet sees the same rate.
    expect(state.sampleRate).toBeGreaterThanOrEqual(8_000)
    expect(state.sampleRate).toBeLessThanOrEqual(192_000)
    expect(stats.sampleRate).toBe(state.sampleRate)
    expect(stats.frames).toBeGreaterThanOrEqual(state.sampleRate * SECONDS_TO_MEASURE)

    // Speech, not silence: loud blocks, real peaks, and energy over the whole window.
    expect(dbfs(stats.maxBlockRms)).toBeGreaterThan(NON_SILENT_DBFS)
    expect(dbfs(stats.peak)).toBeGreaterThan(-40)
    expect(dbfs(stats.rms)).toBeGreaterThan(-60)
  })
})

describe('fake microphone with a silent WAV (control)', () => {
  const chromium = useChromium(async () => ({ fakeAudioCaptureWav: await silentWav() }))

  it('reads as silence, so the speech assertions above can fail', async () => {
    const state = await measure(chromium.get(), SECONDS_TO_MEASURE)
    const stats = state.stats
    if (stats === null) throw new Error('no stats')

    expect(state.status).toBe('running')
    expect(stats.frames).toBeGreaterThanOrEqual(state.sampleRate * SECONDS_TO_MEASURE)
    expect(dbfs(stats.maxBlockRms)).toBeLessThan(NON_SILENT_DBFS)
  })
})
