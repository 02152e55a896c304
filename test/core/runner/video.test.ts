import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RealtimeError, createRealtimeStore } from '../../../src/core'
import type { VideoSourceLink } from '../../../src/core'
import { createHarness, settle } from './helpers'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** The smallest byte strings that pass the signature check. */
const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16])
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])

function source(): VideoSourceLink & { stops: number } {
  const link = {
    stops: 0,
    stop() {
      link.stops += 1
    },
  }
  return link
}

describe('RealtimeRunner.sendVideoFrame', () => {
  it('should send frames on an open connection and count them', async () => {
    const { runner, session } = createHarness()
    await runner.connect()
    expect(runner.canSendVideo()).toBe(true)
    expect(runner.sendVideoFrame(jpeg, { mimeType: 'image/jpeg' })).toBe(true)
    expect(runner.sendVideoFrame(png, { mimeType: 'image/png' })).toBe(true)
    expect(session().callsOf('sendVideoFrame')).toEqual([
      { method: 'sendVideoFrame', frame: jpeg, mimeType: 'image/jpeg' },
      { method: 'sendVideoFrame', frame: png, mimeType: 'image/png' },
    ])
    expect(runner.getState().video).toEqual({
      status: 'idle',
      source: null,
      framesSent: 2,
      framesSkipped: 0,
    })
    await runner.close()
  })

  it('should drop frames while reconnecting and never replay them', async () => {
    const { runner, model, session } = createHarness({ preset: 'gemini' })
    await runner.connect()
    session().drop()
    await settle()
    expect(runner.getState().connection).toBe('reconnecting')
    expect(runner.canSendVideo()).toBe(false)
    runner.sendAudio(new Uint8Array(320))
    for (let i = 0; i < 50; i++) {
      expect(runner.sendVideoFrame(jpeg, { mimeType: 'image/jpeg' })).toBe(false)
    }
    await vi.advanceTimersByTimeAsync(100)
    expect(runner.getState().connection).toBe('connected')
    const reconnected = model.sessions[1]!
    // The held audio is replayed; not one of the 50 frames is.
    expect(reconnected.callsOf('sendAudio')).toHaveLength(1)
    expect(reconnected.callsOf('sendVideoFrame')).toEqual([])
    expect(runner.getState().video).toMatchObject({ framesSent: 0, framesSkipped: 50 })
    await runner.close()
  })

  it('should skip frames while the socket is behind and resume once it drains', async () => {
    const { runner, session } = createHarness({}, { maxBufferedVideoBytes: 1_000 })
    await runner.connect()
    session().bufferedAmount = 1_001
    expect(runner.canSendVideo()).toBe(false)
    expect(runner.sendVideoFrame(jpeg, { mimeType: 'image/jpeg' })).toBe(false)
    session().bufferedAmount = 1_000
    expect(runner.canSendVideo()).toBe(true)
    expect(runner.sendVideoFrame(jpeg, { mimeType: 'image/jpeg' })).toBe(true)
    expect(session().callsOf('sendVideoFrame')).toHaveLength(1)
    expect(runner.getState().video).toMatchObject({ framesSent: 1, framesSkipped: 1 })
    await runner.close()
  })

  it('should count a frame whose socket closed under it as skipped', async () => {
    const { runner, session } = createHarness({ preset: 'gemini' })
    await runner.connect()
    const open = session()
    vi.spyOn(open, 'sendVideoFrame').mockImplementation(() => {
      throw new RealtimeError('not_connected', 'closed')
    })
    expect(runner.sendVideoFrame(jpeg, { mimeType: 'image/jpeg' })).toBe(false)
    expect(runner.getState().video.framesSkipped).toBe(1)
    await runner.close()
  })

  it('should refuse frames without a connection, without video support, or with bad bytes', async () => {
    const { runner } = createHarness()
    expect(() => runner.sendVideoFrame(jpeg, { mimeType: 'image/jpeg' })).toThrow(
      expect.objectContaining({ code: 'not_connected' }),
    )
    await runner.connect()
    expect(() => runner.sendVideoFrame(png, { mimeType: 'image/jpeg' })).toThrow(
      expect.objectContaining({ code: 'invalid_video' }),
    )
    expect(() =>
      runner.sendVideoFrame(jpeg, { mimeType: 'image/gif' as unknown as 'image/png' }),
    ).toThrow(expect.objectContaining({ code: 'invalid_video' }))
    await runner.close()
    expect(() => runner.sendVideoFrame(jpeg, { mimeType: 'image/jpeg' })).toThrow(
      expect.objectContaining({ code: 'not_connected' }),
    )

    const blind = createHarness({ capabilities: { video: null } })
    await blind.runner.connect()
    expect(blind.runner.canSendVideo()).toBe(false)
    expect(() => blind.runner.sendVideoFrame(jpeg, { mimeType: 'image/jpeg' })).toThrow(
      expect.objectContaining({ code: 'unsupported' }),
    )
    await blind.runner.close()
  })

  it('should route a video.frame client event to the same path', async () => {
    const { runner, session } = createHarness()
    await runner.connect()
    await runner.sendClientEvent({ type: 'video.frame', frame: jpeg, mimeType: 'image/jpeg' })
    expect(session().callsOf('sendVideoFrame')).toHaveLength(1)
    expect(session().callsOf('sendEvent')).toEqual([])
    await runner.close()
  })
})

describe('RealtimeRunner.attachVideo', () => {
  it('should show the source in the snapshot and the store, and count its skips', async () => {
    const { runner } = createHarness()
    const store = createRealtimeStore(runner)
    await runner.connect()
    const attachment = runner.attachVideo(source())
    attachment.report({ status: 'running', source: 'camera' })
    attachment.skipped()
    runner.sendVideoFrame(jpeg, { mimeType: 'image/jpeg' })
    store.flush()
    expect(store.getState().video).toEqual({
      status: 'running',
      source: 'camera',
      framesSent: 1,
      framesSkipped: 1,
    })
    attachment.detach()
    store.flush()
    expect(store.getState().video).toEqual({
      status: 'idle',
      source: null,
      framesSent: 1,
      framesSkipped: 1,
    })
    store.destroy()
    await runner.close()
  })

  it('should stop the previous source when another one attaches', async () => {
    const { runner } = createHarness()
    await runner.connect()
    const camera = source()
    const first = runner.attachVideo(camera)
    const screen = source()
    const second = runner.attachVideo(screen)
    expect(camera.stops).toBe(1)
    // The replaced source's late reports change nothing.
    first.report({ status: 'running', source: 'camera' })
    first.detach()
    second.report({ status: 'running', source: 'screen' })
    expect(runner.getState().video).toMatchObject({ status: 'running', source: 'screen' })
    await runner.close()
  })

  it('should stop the source when the runner closes', async () => {
    const { runner } = createHarness()
    await runner.connect()
    const camera = source()
    runner.attachVideo(camera).report({ status: 'running', source: 'camera' })
    await runner.close()
    expect(camera.stops).toBe(1)
    expect(runner.getState().video.status).toBe('idle')
  })

  it('should stop the source when the session fails', async () => {
    const { runner, session } = createHarness(
      {
        preset: 'gemini',
        refuseConnects: (attempt) =>
          attempt > 1 ? new RealtimeError('connection_failed', 'down') : undefined,
      },
      { reconnect: { jitter: 0, initialDelayMs: 100, maxAttempts: 2 } },
    )
    await runner.connect()
    const camera = source()
    runner.attachVideo(camera).report({ status: 'running', source: 'camera' })
    session().drop()
    await settle()
    expect(runner.getState().connection).toBe('reconnecting')
    expect(camera.stops).toBe(0)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(runner.getState().connection).toBe('failed')
    expect(camera.stops).toBe(1)
    await runner.close()
    expect(camera.stops).toBe(1)
  })
})
