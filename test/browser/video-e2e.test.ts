// Video in, end to end in real Chromium: the fake camera plays a Y4M file we write here (a blue
// picture with a band of noise, 1280×720), VideoCapture samples, scales and encodes it, the
// runner sends it through our Gemini and OpenAI providers to the mock server, which decodes each
// frame and answers "what do you see". The mock's throttleReads fault slows the socket to show
// that frames are skipped, not queued; and every end path leaves the video tracks ended.
import type { CDPSession } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockRealtimeServer, readVideoFrame } from '../../src/testing'
import type { MockFault, MockFrame, MockRealtimeServer } from '../../src/testing'
import { describeProblems, useChromium } from './support/chromium'
import { openHarness, startHarnessServers, type HarnessServers } from './support/harness'
import type { OpenHarness } from './support/harness'
import { silentWav } from './support/speech-wav'
import { writeY4m } from './support/y4m'

interface State {
  connection: string
  capture?: {
    status: string
    source: string
    framesSent: number
    framesSkipped: number
    frameSize?: { width: number; height: number }
    encoder?: string
    error?: string
  }
  storeVideo: { status: string; source: string | null; framesSent: number; framesSkipped: number }
  bufferedAmount: number
  maxFrameBytes: number
  framesOffered: number
}
type Tracks = Array<{ kind: string; readyState: string }>
type Items = Array<{ role: string; text: string; status: string }>

/** The camera's picture: 70 % this blue, the bottom 30 % noise (so frames weigh ~80–230 kB). */
const BLUE = { r: 30, g: 80, b: 200 }
const y4m = writeY4m({ width: 1280, height: 720, frames: 10, fps: 10, color: BLUE, noise: 0.3 })
const chromium = useChromium(async () => ({
  fakeAudioCaptureWav: await silentWav(),
  fakeVideoCaptureY4m: y4m,
}))

let servers: HarnessServers | undefined
beforeAll(async () => {
  servers = await startHarnessServers('../fixtures/video-harness.ts')
})
afterAll(async () => {
  await servers?.close()
})

async function withMock<T>(
  faults: MockFault[] | ((connection: { index: number }) => MockFault[]),
  run: (mock: MockRealtimeServer) => Promise<T>,
): Promise<T> {
  const mock = await createMockRealtimeServer({ faults })
  try {
    return await run(mock)
  } finally {
    await mock.close()
  }
}

async function open(
  mock: MockRealtimeServer,
  setup: { provider: 'openai' | 'gemini'; reconnect?: object; resumable?: boolean },
): Promise<OpenHarness> {
  if (servers === undefined) throw new Error('servers not started')
  const h = await openHarness(chromium.get(), servers.plain)
  const url =
    setup.provider === 'openai'
      ? `${mock.openaiUrl.split('?')[0]}`
      : `http://127.0.0.1:${mock.port}`
  await h.call('setup', { ...setup, url })
  expect(await h.call('connect')).toBe('connected')
  return h
}

/** The video frames the mock read on its newest connection. */
function framesIn(mock: MockRealtimeServer): MockFrame[] {
  const connection = mock.log.connections.at(-1)?.id
  return mock.log.frames.filter(
    (frame) =>
      frame.connectionId === connection &&
      frame.direction === 'in' &&
      (frame.kind === 'realtimeInput.video' ||
        JSON.stringify(frame.message).includes('input_image')),
  )
}

/** A logged frame's image bytes and type, from either protocol's message. */
function imageOf(frame: MockFrame): { bytes: Uint8Array; mimeType: string } {
  const message = frame.message as {
    realtimeInput?: { video: { data: string; mimeType: string } }
    item?: { content: Array<{ image_url: string }> }
  }
  if (message.realtimeInput) {
    const { data, mimeType } = message.realtimeInput.video
    return { bytes: Buffer.from(data, 'base64'), mimeType }
  }
  const [, mimeType = '', data = ''] = /^data:([^;]+);base64,(.*)$/s.exec(
    message.item!.content[0]!.image_url,
  )!
  return { bytes: Buffer.from(data, 'base64'), mimeType }
}

/** Milliseconds per frame: the least-squares slope of `times` against their index. */
function slope(times: readonly number[]): number {
  const n = times.length
  const meanIndex = (n - 1) / 2
  const meanTime = times.reduce((sum, t) => sum + t, 0) / n
  let covariance = 0
  let variance = 0
  times.forEach((t, i) => {
    covariance += (i - meanIndex) * (t - meanTime)
    variance += (i - meanIndex) ** 2
  })
  return covariance / variance
}

async function allEnded(h: OpenHarness): Promise<Tracks> {
  return h.until<Tracks>('tracks', (t) => t.length > 0 && t.every((x) => x.readyState === 'ended'))
}

describe.each([
  { provider: 'gemini' as const, frameRate: 2, windowMs: 8_000 },
  { provider: 'openai' as const, frameRate: 1, windowMs: 8_000 },
])('camera frames over $provider', ({ provider, frameRate, windowMs }) => {
  it(`should arrive at ${frameRate} frame/s, 768×432, and the answer should name the colour`, async () => {
    await withMock([], async (mock) => {
      const h = await open(mock, { provider })
      try {
        expect(await h.call('startVideo', { frameRate })).toBe('running')
        const wanted = Math.round((frameRate * windowMs) / 1000) + 1
        await h.until<State>('state', () => framesIn(mock).length >= wanted, { timeoutMs: 30_000 })
        const frames = framesIn(mock).slice(0, wanted)
        // The rate, from the mock's own timestamps of the frames it read: the slope of a
        // least-squares line through (index, time), so one late frame does not skew it.
        const span = frames.at(-1)!.at - frames[0]!.at
        const rate = 1000 / slope(frames.map((frame) => frame.at))
        const decoded = frames.map((frame) => {
          const { bytes, mimeType } = imageOf(frame)
          return readVideoFrame(bytes, mimeType)
        })
        const state = await h.call<State>('state')
        console.log(
          `${provider}: ${frames.length} frames over ${span} ms = ${rate.toFixed(3)} frame/s ` +
            `(configured ${frameRate}); ${decoded[0]!.width}×${decoded[0]!.height} JPEG, ` +
            `${Math.min(...decoded.map((d) => d.bytes))}–${Math.max(...decoded.map((d) => d.bytes))} ` +
            `bytes, average ${JSON.stringify(decoded[0]!.averageColor)}, ` +
            `dominant ${decoded[0]!.dominantColor}, encoded in: ${state.capture?.encoder}`,
        )
        expect(Math.abs(rate - frameRate) / frameRate).toBeLessThanOrEqual(0.1)
        for (const frame of decoded) {
          expect(frame).toMatchObject({
            mimeType: 'image/jpeg',
            width: 768,
            height: 432,
            dominantColor: 'blue',
          })
        }
        expect(state.capture).toMatchObject({ frameSize: { width: 768, height: 432 } })

        await h.call('sendText', 'What do you see?')
        const items = await h.until<Items>('items', (list) =>
          list.some((item) => item.role === 'assistant' && item.status === 'completed'),
        )
        const answer = items.find((item) => item.role === 'assistant')!.text
        console.log(`${provider}: "What do you see?" → "${answer}"`)
        expect(answer).toBe('I see a 768 by 432 picture. It is mostly blue.')

        await h.call('stopVideo')
        await allEnded(h)
        expect(h.problems, describeProblems(h.problems)).toEqual([])
        await h.call('close')
      } finally {
        await h.page.close()
      }
    })
  })
})

describe('a slow socket', () => {
  it('should skip frames instead of queueing them, and show the skips in the store', async () => {
    await withMock([], async (mock) => {
      const h = await open(mock, { provider: 'gemini' })
      const cdp: CDPSession = await h.page.context().newCDPSession(h.page)
      const heap = async (): Promise<number> => {
        await cdp.send('HeapProfiler.collectGarbage')
        return (await cdp.send('Runtime.getHeapUsage')).usedSize
      }
      try {
        // 10 frame/s of 1280×720 (no scaling): ~2 MB/s, far more than the throttled socket
        // takes, for a full minute once the socket has backed up.
        await h.call('startVideo', { frameRate: 10, maxEdge: 1280 })
        await h.until<State>('state', (s) => (s.capture?.framesSent ?? 0) >= 5)
        const connection = mock.connections().at(-1)!
        connection.inject({ type: 'throttleReads', bytesPerSecond: 64_000 })
        // Once the OS buffers are full, the socket backs up and the capture starts skipping.
        const backed = await h.until<State>('state', (s) => (s.capture?.framesSkipped ?? 0) > 0, {
          timeoutMs: 60_000,
        })
        // 60 s: the socket state every second, the heap (after a full GC) every 15 s.
        const heaps = [await heap()]
        const samples: State[] = []
        for (let second = 1; second <= 60; second++) {
          await new Promise((resolve) => setTimeout(resolve, 1_000))
          samples.push(await h.call<State>('state'))
          if (second % 15 === 0) heaps.push(await heap())
        }
        const last = samples.at(-1)!
        const skipped = last.capture!.framesSkipped - backed.capture!.framesSkipped
        const sent = last.capture!.framesSent - backed.capture!.framesSent
        const maxBuffered = Math.max(...samples.map((s) => s.bufferedAmount))
        // A frame on the wire: base64 (4/3) in a small JSON envelope.
        const frameOnWire = Math.ceil((last.maxFrameBytes * 4) / 3) + 1_024
        console.log(
          `throttled 60 s: ${skipped} frames skipped, ${sent} sent; bufferedAmount max ` +
            `${maxBuffered} B (limit 65536 + one frame ${frameOnWire}); heap every 15 s ` +
            `${heaps.map((bytes) => (bytes / 1e6).toFixed(1)).join(' → ')} MB, while the ` +
            `skipped frames weigh ${((skipped * last.maxFrameBytes) / 1e6).toFixed(1)} MB`,
        )
        expect(skipped).toBeGreaterThanOrEqual(150) // of ~600 ticks (fewer when the CPU is busy)
        // Flat, not growing: at most the limit plus the one frame admitted under it, all along.
        for (const sample of samples) {
          expect(sample.bufferedAmount).toBeLessThanOrEqual(65_536 + frameOnWire)
        }
        // The heap stays within a few MB of where it started, at every reading of the minute:
        // queued frames would add ~200 kB each.
        for (const bytes of heaps) expect(bytes - heaps[0]!).toBeLessThan(4_000_000)
        // The store shows what the capture counted: every skip, wherever it happened. (It
        // publishes once per animation frame, so it is read when it has caught up.)
        const shown = await h.until<State>(
          'state',
          (s) =>
            s.storeVideo.framesSkipped === s.capture!.framesSkipped &&
            s.storeVideo.framesSent === s.capture!.framesSent,
        )
        expect(shown.storeVideo).toMatchObject({ status: 'running', source: 'camera' })
        expect(shown.storeVideo.framesSkipped).toBeGreaterThanOrEqual(last.capture!.framesSkipped)
        // Once the throttle is lifted and the backlog drains, frames flow again.
        connection.inject({ type: 'throttleReads', bytesPerSecond: 64_000, durationMs: 0 })
        const recovered = await h.until<State>(
          'state',
          (s) => s.capture!.framesSent >= last.capture!.framesSent + 10,
          { timeoutMs: 60_000 },
        )
        expect(recovered.bufferedAmount).toBeLessThanOrEqual(65_536 + frameOnWire)
        await h.call('stopVideo')
        await allEnded(h)
        expect(h.problems, describeProblems(h.problems)).toEqual([])
      } finally {
        await cdp.detach().catch(() => {})
        await h.page.close()
      }
    })
  })
})

describe('every end path leaves the video tracks ended', () => {
  it('should end the camera track when the session fails', async () => {
    // Resumes of the dropped connection are refused: after two attempts the runner fails.
    await withMock(
      ({ index }) => (index > 0 ? [{ type: 'refuseResume' }] : []),
      async (mock) => {
        const h = await open(mock, {
          provider: 'gemini',
          resumable: true,
          reconnect: { maxAttempts: 2, initialDelayMs: 50 },
        })
        try {
          await h.call('startVideo', {})
          await h.until<State>('state', (s) => (s.capture?.framesSent ?? 0) >= 1)
          mock.connections()[0]!.drop()
          await h.until<State>('state', (s) => s.connection === 'failed')
          await allEnded(h)
          // The store publishes once per animation frame: read it once it has caught up.
          const state = await h.until<State>('state', (s) => s.storeVideo.status === 'idle')
          expect(state.capture?.status).toBe('stopped')
          await h.call('close')
        } finally {
          await h.page.close()
        }
      },
    )
  })

  it('should end the camera track when the React session owner unmounts', async () => {
    await withMock([], async (mock) => {
      if (servers === undefined) throw new Error('servers not started')
      const h = await openHarness(chromium.get(), servers.plain)
      try {
        await h.call('setup', { provider: 'gemini', url: `http://127.0.0.1:${mock.port}` })
        await h.call('mountReact')
        await h.call('reactConnect')
        await h.call('reactToggleCamera') // <VideoToggle>, as a user clicks it
        const camera = await h.until<{
          status: string
          framesSent: number
          previewPlaying: boolean
        }>('reactCamera', (c) => c.framesSent >= 1 && c.previewPlaying)
        expect(camera).toMatchObject({ status: 'running', previewState: 'running' })
        // framesSent counts a frame once the browser's socket took it; the mock reads it a moment
        // later, so wait for it to arrive rather than expect it already there.
        await expect
          .poll(() => framesIn(mock).length, { timeout: 10_000 })
          .toBeGreaterThanOrEqual(1)
        await h.call('unmountReact')
        await allEnded(h)
        expect(h.problems, describeProblems(h.problems)).toEqual([])
      } finally {
        await h.page.close()
      }
    })
  })

  it('should end the screen track when the user stops sharing, and on close', async () => {
    await withMock([], async (mock) => {
      const h = await open(mock, { provider: 'openai' })
      try {
        expect(await h.call('startVideo', { source: 'screen' })).toBe('running')
        await h.until<State>('state', (s) => (s.capture?.framesSent ?? 0) >= 1)
        await h.call('endTrack')
        await allEnded(h)
        expect((await h.call<State>('state')).capture).toMatchObject({
          status: 'stopped',
          source: 'screen',
        })
        // A camera left running is released by close().
        await h.call('startVideo', {})
        await h.until<State>('state', (s) => s.capture?.status === 'running')
        await h.call('close')
        await allEnded(h)
        expect(h.problems, describeProblems(h.problems)).toEqual([])
      } finally {
        await h.page.close()
      }
    })
  })
})
