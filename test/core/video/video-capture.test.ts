import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FrameTicker, RealtimeError, VideoCapture, fitWithin } from '../../../src/core'
import type { VideoCaptureOptions } from '../../../src/core'
import { createHarness, settle } from '../runner/helpers'
import { fakeGrabbers, fakeMediaDevices, trackOf } from './fakes'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

async function setup(options: Partial<VideoCaptureOptions> = {}, preset?: 'openai' | 'gemini') {
  const harness = createHarness(preset === undefined ? {} : { preset })
  await harness.runner.connect()
  const media = fakeMediaDevices()
  const grabbers = fakeGrabbers()
  const capture = new VideoCapture({
    sink: harness.runner,
    mediaDevices: media.devices,
    grabber: grabbers.factory,
    ...options,
  })
  return { ...harness, media, grabbers, capture }
}

describe('VideoCapture', () => {
  it('should send one frame per second, scaled to the maximum edge', async () => {
    const { capture, runner, session, grabbers, media } = await setup()
    await capture.start()
    expect(capture.getSnapshot()).toMatchObject({
      status: 'running',
      source: 'camera',
      activeDeviceId: 'cam-1',
      label: 'Camera cam-1',
    })
    await vi.advanceTimersByTimeAsync(4_999)
    // At start, then at 1, 2, 3 and 4 s.
    expect(grabbers.grabs).toHaveLength(5)
    expect(grabbers.grabs[0]).toEqual({ width: 768, height: 432 })
    expect(session().callsOf('sendVideoFrame')).toHaveLength(5)
    expect(capture.getSnapshot()).toMatchObject({
      framesSent: 5,
      framesSkipped: 0,
      frameSize: { width: 768, height: 432 },
    })
    expect(runner.getState().video).toEqual({
      status: 'running',
      source: 'camera',
      framesSent: 5,
      framesSkipped: 0,
    })
    expect(capture.getSnapshot().devices.map((d) => d.deviceId)).toEqual(['cam-1', 'cam-2'])
    await capture.stop()
    expect(trackOf(media.streams[0]).readyState).toBe('ended')
    expect(grabbers.disposed).toBe(1)
    expect(runner.getState().video.status).toBe('idle')
    await vi.advanceTimersByTimeAsync(5_000)
    expect(grabbers.grabs).toHaveLength(5)
    await runner.close()
  })

  it('should keep one frame in flight and skip ticks while it encodes', async () => {
    const { capture, runner, grabbers } = await setup({ frameRate: 4 })
    grabbers.mode = 'manual'
    await capture.start()
    await vi.advanceTimersByTimeAsync(1_000) // 4 more ticks while the first frame encodes
    expect(grabbers.grabs).toHaveLength(1)
    grabbers.finish()
    await vi.advanceTimersByTimeAsync(250)
    grabbers.finish()
    await settle()
    expect(grabbers.maxInFlight).toBe(1)
    expect(capture.getSnapshot()).toMatchObject({ framesSent: 2, framesSkipped: 4 })
    expect(runner.getState().video).toMatchObject({ framesSent: 2, framesSkipped: 4 })
    await capture.stop()
    await runner.close()
  })

  it('should skip without grabbing while the runner cannot send', async () => {
    const { capture, runner, session, grabbers } = await setup({}, 'gemini')
    await capture.start()
    session().bufferedAmount = 1_000_000 // the socket is behind
    await vi.advanceTimersByTimeAsync(3_000)
    expect(grabbers.grabs).toHaveLength(1)
    session().drop()
    await settle()
    expect(runner.getState().connection).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(50)
    expect(grabbers.grabs).toHaveLength(1)
    expect(runner.getState().video).toMatchObject({ framesSent: 1, framesSkipped: 3 })
    await vi.advanceTimersByTimeAsync(1_000) // reconnected: frames flow again
    expect(runner.getState().connection).toBe('connected')
    expect(grabbers.grabs).toHaveLength(2)
    await capture.stop()
    await runner.close()
  })

  it('should release the track when the runner closes or fails', async () => {
    const { capture, runner, media } = await setup()
    await capture.start()
    await runner.close()
    expect(capture.getSnapshot().status).toBe('stopped')
    expect(trackOf(media.streams[0]).readyState).toBe('ended')

    const failing = createHarness({
      preset: 'gemini',
      refuseConnects: (attempt) =>
        attempt > 1 ? new RealtimeError('connection_failed', 'down') : undefined,
    })
    await failing.runner.connect()
    const camera = new VideoCapture({
      sink: failing.runner,
      mediaDevices: media.devices,
      grabber: fakeGrabbers().factory,
    })
    await camera.start()
    failing.session().drop()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(failing.runner.getState().connection).toBe('failed')
    expect(camera.getSnapshot().status).toBe('stopped')
    expect(trackOf(media.streams[1]).readyState).toBe('ended')
    await failing.runner.close()
  })

  it('should stop without an error when the user stops sharing the screen', async () => {
    const { capture, runner, media } = await setup({ source: 'screen' })
    await capture.start()
    expect(runner.getState().video).toMatchObject({ status: 'running', source: 'screen' })
    trackOf(media.streams[0]).end()
    expect(capture.getSnapshot()).toMatchObject({ status: 'stopped', error: undefined })
    expect(runner.getState().video.status).toBe('idle')
    await runner.close()
  })

  it('should report a lost camera as media_unavailable', async () => {
    const onError = vi.fn()
    const { capture, runner, media } = await setup({ onError })
    await capture.start()
    trackOf(media.streams[0]).end()
    expect(capture.getSnapshot().status).toBe('stopped')
    expect(capture.getSnapshot().error?.code).toBe('media_unavailable')
    expect(onError).toHaveBeenCalledOnce()
    await runner.close()
  })

  it('should type permission and device errors and release everything', async () => {
    const { capture, runner, media } = await setup()
    media.failNext('NotAllowedError')
    await expect(capture.start()).rejects.toMatchObject({ code: 'permission_denied' })
    expect(capture.getSnapshot()).toMatchObject({ status: 'stopped', stream: undefined })
    expect(runner.getState().video.status).toBe('idle')
    media.failNext('NotFoundError')
    await expect(capture.start()).rejects.toMatchObject({ code: 'media_unavailable' })
    const screen = new VideoCapture({ sink: runner, source: 'screen', mediaDevices: media.devices })
    media.failNext('NotAllowedError')
    await expect(screen.start()).rejects.toThrow(/Screen sharing was cancelled/)
    await capture.start() // and a later start works
    expect(capture.getSnapshot()).toMatchObject({ status: 'running', error: undefined })
    await runner.close()
  })

  it('should release a stream granted after stop() was called', async () => {
    const { capture, runner, media, grabbers } = await setup()
    const held = media.holdNext()
    const starting = capture.start()
    expect(runner.getState().video.status).toBe('starting')
    await capture.stop()
    held.release()
    await starting
    expect(trackOf(media.streams[0]).readyState).toBe('ended')
    expect(capture.getSnapshot().status).toBe('stopped')
    expect(grabbers.grabs).toHaveLength(0)
    await runner.close()
  })

  it('should open the camera again when start() follows stop() during a pending start', async () => {
    const { capture, runner, media } = await setup()
    const held = media.holdNext()
    const first = capture.start()
    await capture.stop()
    const second = capture.start() // the user turns the camera back on
    expect(second).not.toBe(first)
    held.release()
    await Promise.all([first, second])
    const { status, stream } = capture.getSnapshot()
    expect(status).toBe('running')
    expect(runner.getState().video.status).toBe('running')
    // The held stream arrives last and is released; the new start's is the one in use.
    expect(media.streams).toHaveLength(2)
    expect(media.streams.filter((s) => trackOf(s).readyState === 'live')).toEqual([stream])
    await capture.stop()
    expect(media.streams.map((s) => trackOf(s).readyState)).toEqual(['ended', 'ended'])
    await runner.close()
  })

  it('should switch camera and stop the previous one', async () => {
    const { capture, runner, media } = await setup()
    await capture.start()
    await capture.setDevice('cam-2')
    expect(trackOf(media.streams[0]).readyState).toBe('ended')
    expect(trackOf(media.streams[1]).readyState).toBe('live')
    expect(capture.getSnapshot()).toMatchObject({ deviceId: 'cam-2', activeDeviceId: 'cam-2' })
    media.failNext('NotReadableError')
    await expect(capture.setDevice('cam-1')).rejects.toMatchObject({ code: 'media_unavailable' })
    expect(trackOf(media.streams[1]).readyState).toBe('live')
    await capture.stop()
    expect(trackOf(media.streams[1]).readyState).toBe('ended')
    await runner.close()
  })

  it('should give up after repeated encoding failures', async () => {
    const { capture, runner, grabbers, media } = await setup()
    grabbers.mode = 'manual'
    await capture.start()
    for (let i = 0; i < 3; i++) {
      grabbers.finish(new Error('encoder broke'))
      await vi.advanceTimersByTimeAsync(1_000)
    }
    expect(capture.getSnapshot()).toMatchObject({ status: 'stopped', framesSkipped: 3 })
    expect(capture.getSnapshot().error?.code).toBe('media_unavailable')
    expect(trackOf(media.streams[0]).readyState).toBe('ended')
    await runner.close()
  })

  it('should touch no browser global until started', async () => {
    const { runner } = createHarness()
    const capture = new VideoCapture({ sink: runner })
    expect(capture.getSnapshot().status).toBe('idle')
    await runner.connect()
    // Node has no navigator.mediaDevices: a typed error, not a crash.
    await expect(capture.start()).rejects.toMatchObject({ code: 'media_unavailable' })
    await runner.close()
  })
})

describe('FrameTicker', () => {
  it('should tick on a grid that lateness does not shift, skipping missed slots', () => {
    let now = 0
    const timers: Array<{ at: number; run: () => void }> = []
    const scheduler = {
      now: () => now,
      setTimeout: (run: () => void, ms: number) => {
        const timer = { at: now + ms, run }
        timers.push(timer)
        return timer
      },
      clearTimeout: (timer: unknown) => {
        timers.splice(timers.indexOf(timer as never), 1)
      },
    }
    const ticks: number[] = []
    const ticker = new FrameTicker(scheduler, 2, () => ticks.push(now))
    ticker.start()
    const fireAt = (late: number) => {
      const timer = timers.shift()!
      now = timer.at + late
      timer.run()
    }
    fireAt(30) // 530
    fireAt(0) // 1000: back on the grid
    fireAt(1_200) // 2700: slots 1500…2500 missed
    fireAt(0)
    expect(ticks).toEqual([0, 530, 1000, 2700, 3000])
    ticker.stop()
    expect(timers).toHaveLength(0)
    expect(() => new FrameTicker(scheduler, 0, () => {})).toThrow(RangeError)
  })

  it('should scale down, never up, keeping the aspect ratio', () => {
    expect(fitWithin(1280, 720, 768)).toEqual({ width: 768, height: 432 })
    expect(fitWithin(720, 1280, 768)).toEqual({ width: 432, height: 768 })
    expect(fitWithin(640, 480, 768)).toEqual({ width: 640, height: 480 })
    expect(fitWithin(3840, 10, 768)).toEqual({ width: 768, height: 2 })
  })
})
