// MicrophoneCapture in real Chromium: the fake microphone plays an espeak-ng WAV, the capture
// worklet resamples it to the provider's rate, and the frames are compared with the WAV itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeProblems, useChromium } from './support/chromium'
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
import { speechWav } from './support/speech-wav'

interface CaptureInfo {
  frames: number
  sizes: number[]
  level: number
  status: string
  muted: boolean
  trackEnabled: boolean
}

interface StartResult {
  ok: boolean
  contextRate?: number
  code?: string
  name?: string
  message?: string
  cause?: string
}

type Tracked = Array<{ readyState: string }>
type Contexts = Array<{ state: string }>

/** Envelope resolution; crossings are located to ±half of it. */
const WINDOW_MS = 5
/** Speech on/off threshold, relative to the loudest window. */
const THRESHOLD_DB = -30

let servers: HarnessServers | undefined
beforeAll(async () => {
  servers = await startHarnessServers('../fixtures/audio-harness.ts')
})
afterAll(async () => {
  await servers?.close()
})

const chromium = useChromium(async () => ({ fakeAudioCaptureWav: await speechWav() }))

async function open(): Promise<OpenHarness> {
  if (servers === undefined) throw new Error('servers not started')
  return openHarness(chromium.get(), servers.plain)
}

async function expectReleased(h: OpenHarness): Promise<void> {
  const tracks = await h.call<Tracked>('tracks')
  expect(tracks.length).toBeGreaterThan(0)
  expect(tracks.every((t) => t.readyState === 'ended')).toBe(true)
  const contexts = await h.call<Contexts>('contexts')
  expect(contexts.every((c) => c.state === 'closed')).toBe(true)
}

describe('MicrophoneCapture', () => {
  it.each([
    ['OpenAI', 24_000],
    ['Gemini', 16_000],
  ])(
    "should deliver 20 ms PCM16 frames at %s's %i Hz whose envelope matches the WAV",
    async (_, rate) => {
      const h = await open()
      try {
        const started = await h.call<StartResult>('startCapture', { sampleRate: rate })
        expect(started).toMatchObject({ ok: true })
        // The context runs at the device's rate, not the provider's.
        expect(started.contextRate).not.toBe(rate)

        const wav = readWav(await speechWav())
        const loopMs = (wav.samples.length / wav.sampleRate) * 1000
        // Two and a half loops of the WAV: a wrong rate would stretch the second loop visibly.
        const framesWanted = Math.ceil((loopMs * 2.5) / 20)
        await h.until<CaptureInfo>('captureInfo', (i) => i.frames >= framesWanted, {
          timeoutMs: 30_000,
        })
        const info = await h.call<CaptureInfo>('captureInfo')
        expect(info.sizes).toEqual([(rate / 50) * 2]) // 20 ms of 16-bit samples, every frame
        const bytes = Buffer.from(await h.call<string>('takeCaptured'), 'base64')
        const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2)

        const captured = toRelativeDb(envelope(pcm, rate, WINDOW_MS))
        const reference = toRelativeDb(envelope(wav.samples, wav.sampleRate, WINDOW_MS))
        const { lag, score } = alignPeriodic(captured, reference)
        // Echo cancellation, noise suppression and AGC reshape levels a little, never timing.
        expect(score).toBeGreaterThan(0.85)

        // Timing: around every speech onset and offset of the WAV, in every loop captured, the
        // capture's envelope must line up with the WAV's to within 20 ms. Each event is matched
        // by local correlation (±100 ms search over a 300 ms stretch), which ignores the gain
        // changes that make threshold crossings on slow ramps wander.
        const period = reference.length
        const events: number[] = []
        for (let loop = -1; loop <= 3; loop++) {
          for (const index of crossings(reference, THRESHOLD_DB))
            events.push(index - lag + loop * period)
        }
        const shifts = localShifts(
          captured,
          reference,
          lag,
          events,
          300 / WINDOW_MS,
          100 / WINDOW_MS,
        )
        expect(shifts.length).toBeGreaterThanOrEqual(
          crossings(reference, THRESHOLD_DB).length * 1.5,
        )
        const worst = Math.max(...shifts.map((s) => Math.abs(s) * WINDOW_MS))
        console.log(
          `capture ${rate} Hz: context ${started.contextRate} Hz, envelope r=${score.toFixed(3)}, ` +
            `${shifts.length} onsets/offsets, worst timing error ${worst} ms`,
        )
        expect(worst).toBeLessThanOrEqual(20)

        // Control: the same frames read at a rate 2% off drift out of line, so the check can fail.
        const skewed = toRelativeDb(envelope(pcm, Math.round(rate * 1.02), WINDOW_MS))
        const skewedLag = alignPeriodic(skewed, reference).lag
        const skewedShifts = localShifts(skewed, reference, skewedLag, events, 60, 20)
        expect(Math.max(...skewedShifts.map((s) => Math.abs(s) * WINDOW_MS))).toBeGreaterThan(20)

        await h.call('stopCapture')
        await expectReleased(h)
        expect(h.problems, describeProblems(h.problems)).toEqual([])
      } finally {
        await h.page.close()
      }
    },
  )

  it('should keep sending frames of silence while muted, and the track disabled', async () => {
    const h = await open()
    try {
      await h.call('startCapture', { sampleRate: 24_000 })
      await h.until<CaptureInfo>('captureInfo', (i) => i.frames >= 10)
      await h.call('setMuted', true)
      await h.call('resetCaptured')
      const muted = await h.until<CaptureInfo>('captureInfo', (i) => i.frames >= 50)
      expect(muted.muted).toBe(true)
      expect(muted.trackEnabled).toBe(false)
      expect(muted.level).toBe(0)
      const bytes = Buffer.from(await h.call<string>('takeCaptured'), 'base64')
      // The first frame may hold a few samples from before the mute message arrived.
      expect(bytes.subarray(960 * 2).every((b) => b === 0)).toBe(true)

      await h.call('setMuted', false)
      await h.call('resetCaptured')
      await h.until<CaptureInfo>('captureInfo', (i) => i.frames >= 150 && i.level > 0)
      const live = Buffer.from(await h.call<string>('takeCaptured'), 'base64')
      expect(live.some((b) => b !== 0)).toBe(true)
      await h.call('stopCapture')
      await expectReleased(h)
    } finally {
      await h.page.close()
    }
  })

  it('should switch devices mid-capture without a gap in frames, and release the old track', async () => {
    const h = await open()
    try {
      await h.call('startCapture', { sampleRate: 16_000 })
      await h.until<CaptureInfo>('captureInfo', (i) => i.frames >= 10)
      const devices = await h.call<Array<{ id: string }>>('microphones')
      const other = devices.find((d) => d.id !== 'default' && d.id !== '')
      expect(other).toBeDefined()
      const before = await h.call<{ index: number; clock: number }>('captureProgress')
      await h.call('setDevice', other!.id)
      const snapshot = await h.call<{ status: string; deviceId: string; activeDeviceId: string }>(
        'snapshot',
      )
      expect(snapshot).toMatchObject({
        status: 'running',
        deviceId: other!.id,
        activeDeviceId: other!.id,
      })
      await h.until<number>('lastIndex', (i) => i >= before.index + 50)
      // No gap: frames kept coming at 50 per second of audio time through the swap.
      const after = await h.call<{ index: number; clock: number }>('captureProgress')
      const elapsedMs = (after.clock - before.clock) * 1000
      expect(Math.abs((after.index - before.index) * 20 - elapsedMs)).toBeLessThan(100)
      const tracks = await h.call<Tracked>('tracks')
      expect(tracks.map((t) => t.readyState)).toEqual(['ended', 'live'])
      await h.call('stopCapture')
      await expectReleased(h)
      expect(h.problems, describeProblems(h.problems)).toEqual([])
    } finally {
      await h.page.close()
    }
  })

  it('should re-open on the new default after devicechange, and fall back when a track is lost', async () => {
    const h = await open()
    try {
      await h.call('startCapture', { sampleRate: 24_000 })
      await h.until<CaptureInfo>('captureInfo', (i) => i.frames >= 5)
      await h.call('moveDefault')
      await h.until<Tracked>('tracks', (t) => t.length === 2 && t[1]!.readyState === 'live')
      expect((await h.call<Tracked>('tracks'))[0]!.readyState).toBe('ended')

      await h.call('loseTrack')
      await h.until<Tracked>('tracks', (t) => t.length === 3 && t[2]!.readyState === 'live')
      const index = await h.call<number>('lastIndex')
      await h.until<number>('lastIndex', (i) => i >= index + 10)
      expect(await h.call<string[]>('errors')).toEqual([])
      await h.call('stopCapture')
      await expectReleased(h)
    } finally {
      await h.page.close()
    }
  })

  it.each([
    ['NotAllowedError', 'permission_denied', /denied/],
    ['NotFoundError', 'media_unavailable', /No microphone was found/],
    ['NotReadableError', 'media_unavailable', /in use by another application/],
  ])('should turn %s into a typed %s error', async (name, code, message) => {
    const h = await open()
    try {
      const result = await h.call<StartResult>('startCapture', { sampleRate: 24_000, reject: name })
      expect(result).toMatchObject({ ok: false, name: 'RealtimeError', code, cause: name })
      expect(result.message).toMatch(message)
      expect(await h.call<Contexts>('contexts')).toEqual([
        { state: 'closed', sampleRate: expect.any(Number) },
      ])
    } finally {
      await h.page.close()
    }
  })

  it('should need `blob:` under a CSP, and run from a self-hosted module URL without it', async () => {
    if (servers === undefined) throw new Error('servers not started')
    const h = await openHarness(chromium.get(), servers.strictCsp)
    try {
      const blocked = await h.call<StartResult>('startCapture', { sampleRate: 24_000 })
      expect(blocked).toMatchObject({ ok: false, code: 'media_unavailable' })
      expect(blocked.message).toMatch(/script-src blob:/)
      await expectReleased(h)
      const hosted = await h.call<StartResult>('startCapture', {
        sampleRate: 24_000,
        workletUrl: '/adk-realtime-worklet.js',
      })
      expect(hosted).toMatchObject({ ok: true })
      await h.until<CaptureInfo>('captureInfo', (i) => i.frames >= 10 && i.level > 0)
      await h.call('stopCapture')
      await expectReleased(h)
    } finally {
      await h.page.close()
    }
  })

  it('should stop the track when the worklet cannot load after permission was granted', async () => {
    const h = await open()
    try {
      const result = await h.call<StartResult>('startCapture', {
        sampleRate: 24_000,
        workletUrl: '/missing-worklet.js',
      })
      expect(result).toMatchObject({ ok: false, code: 'media_unavailable' })
      expect(result.message).toMatch(/missing-worklet\.js/)
      await expectReleased(h)
    } finally {
      await h.page.close()
    }
  })
})
