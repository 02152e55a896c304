// The browser audio engine outside a browser (Node, SSR): importing and constructing touch no
// browser global; starting fails with a typed error instead of a ReferenceError. Then, with fake
// Web Audio and media devices, its lifecycle races: stop() and start() while a permission prompt
// or the worklet module is pending, stop() not awaited, a refused microphone during connect().
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBrowserAudio } from '../../../src/core/audio/browser-audio'
import { microphoneError } from '../../../src/core/audio/media-errors'
import { microphoneConstraints } from '../../../src/core/audio/microphone-devices'
import { MicrophoneCapture } from '../../../src/core/audio/microphone'
import { AudioPlayer } from '../../../src/core/audio/player'
import { createHarness } from '../runner/helpers'
import {
  FakeContext,
  audioFakes,
  deferred,
  fakeMicrophones,
  flush,
  installWebAudio,
  reportPlaying,
} from './fakes'

const runner = {
  model: { capabilities: { inputSampleRate: 24_000 } },
  getState: () => ({ connection: 'idle' as const }),
  onEvent: () => () => {},
  sendAudio: () => {},
}

describe('browser audio in Node', () => {
  it('should construct without browser globals and fail to start with media_unavailable', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined')
    const audio = createBrowserAudio()
    audio.attach(runner)
    expect(audio.getSnapshot()).toMatchObject({ status: 'idle', canPlayAudio: false })
    expect(audio.inputLevel).toBe(0)
    expect(audio.outputLevel).toBe(0)
    expect(audio.player.isPlaying()).toBe(false)
    expect(audio.player.interrupt()).toBeNull()
    await expect(audio.start()).rejects.toMatchObject({
      name: 'RealtimeError',
      code: 'media_unavailable',
    })
    const mic = new MicrophoneCapture({ sampleRate: 16_000, onFrame: () => {} })
    await expect(mic.start()).rejects.toMatchObject({ code: 'media_unavailable' })
    await expect(new AudioPlayer().start()).rejects.toMatchObject({ code: 'media_unavailable' })
  })

  it('should always ask for echo cancellation, noise suppression and auto gain', () => {
    expect(microphoneConstraints(undefined, undefined)).toEqual({
      audio: {
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: true,
        channelCount: 1,
      },
      video: false,
    })
    expect(microphoneConstraints('mic-2', { noiseSuppression: false }).audio).toMatchObject({
      noiseSuppression: false,
      deviceId: { exact: 'mic-2' },
    })
  })

  it.each([
    ['NotAllowedError', 'permission_denied'],
    ['SecurityError', 'permission_denied'],
    ['NotFoundError', 'media_unavailable'],
    ['OverconstrainedError', 'media_unavailable'],
    ['NotReadableError', 'media_unavailable'],
    ['AbortError', 'media_unavailable'],
    ['TypeError', 'media_unavailable'],
  ])('should map %s to %s, keeping the cause', (name, code) => {
    const cause = new DOMException('boom', name)
    const error = microphoneError(cause, name === 'OverconstrainedError' ? 'usb-mic' : undefined)
    expect(error).toMatchObject({ name: 'RealtimeError', code, cause })
    expect(error.message.length).toBeGreaterThan(20)
  })

  it('should mark a microphone in use as retriable and name a missing selected device', () => {
    expect(microphoneError(new DOMException('x', 'NotReadableError')).retriable).toBe(true)
    expect(microphoneError(new DOMException('x', 'NotFoundError'), 'usb-mic').message).toMatch(
      /"usb-mic" is not available/,
    )
  })
})

describe('MicrophoneCapture lifecycle (fake Web Audio)', () => {
  beforeEach(installWebAudio)
  afterEach(() => vi.unstubAllGlobals())

  const capture = (devices: MediaDevices) =>
    new MicrophoneCapture({
      sampleRate: 24_000,
      onFrame: () => {},
      audio: new FakeContext() as unknown as AudioContext,
      mediaDevices: devices,
    })

  /** start(), stop() and start() again while the first permission prompt is still open. */
  async function restartDuringPrompt() {
    const media = fakeMicrophones()
    const mic = capture(media.devices)
    const first = mic.start()
    await mic.stop()
    const second = mic.start()
    await flush()
    return { media, mic, first, second }
  }

  it('should release the stream of a start that stop() overtook during the prompt', async () => {
    const { media, mic, first, second } = await restartDuringPrompt()
    // One prompt answered: both pending requests resolve together.
    media.requests[0]!.grant()
    media.requests[1]!.grant()
    await Promise.all([first, second])
    expect(mic.getSnapshot().status).toBe('running')
    expect(mic.track).toBe(media.requests[1]!.track)
    expect(media.requests.map((request) => request.track.readyState)).toEqual(['ended', 'live'])
    await mic.stop()
    expect(media.requests.map((request) => request.track.readyState)).toEqual(['ended', 'ended'])
  })

  it('should run on the new stream when stop() and start() came while the worklet loaded', async () => {
    const media = fakeMicrophones()
    const module = deferred()
    audioFakes.moduleLoad = module.promise
    const mic = capture(media.devices)
    const first = mic.start()
    await flush()
    media.requests[0]!.grant()
    await flush() // permission granted: the worklet module is what is slow
    await mic.stop()
    const second = mic.start()
    await flush()
    media.requests[1]!.grant()
    module.resolve()
    await Promise.all([first, second])
    expect(mic.getSnapshot().status).toBe('running')
    expect(mic.track).toBe(media.requests[1]!.track)
    expect(mic.track?.readyState).toBe('live')
    expect(media.requests[0]!.track.readyState).toBe('ended')
    expect(audioFakes.nodes.filter((node) => node.name === 'adk-realtime-capture')).toHaveLength(1)
  })

  it('should not let an overtaken start that fails release the new one', async () => {
    const { media, mic, first, second } = await restartDuringPrompt()
    media.requests[0]!.refuse('NotReadableError')
    media.requests[1]!.grant()
    await expect(first).resolves.toBeUndefined()
    await second
    expect(mic.getSnapshot()).toMatchObject({ status: 'running', error: undefined })
    expect(mic.track?.readyState).toBe('live')
  })

  it('should switch to a device chosen while starting once the microphone is open', async () => {
    const media = fakeMicrophones()
    const mic = capture(media.devices)
    const started = mic.start()
    await flush()
    await mic.setDevice('usb-headset') // during the prompt: recorded
    expect(mic.getSnapshot().deviceId).toBe('usb-headset')
    media.requests[0]!.grant() // the default device, asked for before the choice
    await started
    await flush()
    expect(media.requests[1]?.deviceId).toBe('usb-headset')
    media.requests[1]!.grant()
    await flush()
    expect(mic.getSnapshot()).toMatchObject({
      status: 'running',
      deviceId: 'usb-headset',
      activeDeviceId: 'usb-headset',
    })
    expect(media.requests[0]!.track.readyState).toBe('ended')
  })

  it('should keep the opened device and report the error when that switch fails', async () => {
    const media = fakeMicrophones()
    const onError = vi.fn()
    const mic = new MicrophoneCapture({
      sampleRate: 24_000,
      onFrame: () => {},
      audio: new FakeContext() as unknown as AudioContext,
      mediaDevices: media.devices,
      onError,
    })
    const started = mic.start()
    await flush()
    await mic.setDevice('usb-headset')
    media.requests[0]!.grant()
    await started
    await flush()
    media.requests[1]!.refuse('NotFoundError')
    await flush()
    expect(mic.getSnapshot()).toMatchObject({
      status: 'running',
      deviceId: undefined,
      activeDeviceId: 'default',
      error: { code: 'media_unavailable' },
    })
    expect(onError).toHaveBeenCalledTimes(1)
    expect(mic.track?.readyState).toBe('live')
  })
})

describe('createBrowserAudio lifecycle (fake Web Audio)', () => {
  beforeEach(installWebAudio)
  afterEach(() => vi.unstubAllGlobals())

  it('should stay stopped when a start overtaken by stop() resolves afterwards', async () => {
    const media = fakeMicrophones()
    const audio = createBrowserAudio({ microphone: { mediaDevices: media.devices } })
    audio.attach(runner)
    const started = audio.start()
    await flush()
    await audio.stop()
    media.requests[0]!.grant() // the prompt is answered after stop()
    await expect(started).resolves.toBeUndefined()
    await flush()
    expect(audio.getSnapshot().status).toBe('stopped')
    expect(media.requests[0]!.track.readyState).toBe('ended')
  })

  it('should run one microphone after start, stop and start during the prompt', async () => {
    const media = fakeMicrophones()
    const audio = createBrowserAudio({ microphone: { mediaDevices: media.devices } })
    audio.attach(runner)
    const first = audio.start()
    await flush()
    await audio.stop()
    const second = audio.start()
    await flush()
    media.requests[0]!.grant()
    media.requests[1]!.grant()
    await Promise.all([first, second])
    expect(audio.getSnapshot()).toMatchObject({
      status: 'running',
      microphone: { status: 'running' },
    })
    expect(media.requests.map((request) => request.track.readyState)).toEqual(['ended', 'live'])
    const context = audio.audio.context as unknown as FakeContext
    expect(context.state).toBe('running')
    expect(context.sources).toEqual([expect.anything()])
    await audio.stop()
    expect(media.requests.map((request) => request.track.readyState)).toEqual(['ended', 'ended'])
  })

  it.each([
    ['at once', false],
    ['when the close completes', true],
  ])(
    'should start on a new context when stop() was not awaited (state closed %s)',
    async (_, later) => {
      audioFakes.closeLater = later
      const media = fakeMicrophones()
      const audio = createBrowserAudio({ microphone: { mediaDevices: media.devices } })
      audio.attach(runner)
      const first = audio.start()
      media.requests[0]!.grant()
      await first
      const old = audio.audio.context as unknown as FakeContext
      void audio.stop()
      const second = audio.start()
      await flush()
      media.requests[1]!.grant()
      await second
      await flush()
      await flush()
      const context = audio.audio.context as unknown as FakeContext
      expect(old.state).toBe('closed')
      expect(context).not.toBe(old)
      expect(context.state).toBe('running')
      expect(audio.getSnapshot()).toMatchObject({ status: 'running', canPlayAudio: true })
      expect(audioFakes.nodes.filter((node) => node.context === context)).toHaveLength(2) // mic, player
      expect(audio.microphone?.track?.readyState).toBe('live')
    },
  )

  it('should say playing: false after stop() during playback', async () => {
    const onPlaying = vi.fn()
    const audio = createBrowserAudio({ microphone: false, player: { onPlaying } })
    audio.attach(runner)
    await audio.start()
    reportPlaying(true)
    expect(audio.getSnapshot().playing).toBe(true)
    await audio.stop()
    expect(audio.player.isPlaying()).toBe(false)
    expect(audio.getSnapshot().playing).toBe(false)
    expect(onPlaying.mock.calls.map(([playing]) => playing as boolean)).toEqual([true, false])
  })

  it('should close the runner when connect() fails on a refused microphone', async () => {
    const harness = createHarness({ connectDelayMs: 60_000 }) // still connecting when refused
    const media = fakeMicrophones()
    const audio = createBrowserAudio({ microphone: { mediaDevices: media.devices } })
    const connecting = audio.connect(harness.runner)
    await flush()
    media.requests[0]!.refuse('NotAllowedError')
    await expect(connecting).rejects.toMatchObject({ code: 'permission_denied' })
    expect(harness.runner.getState().connection).toBe('closed')
    expect(harness.model.connects.map((attempt) => attempt.outcome)).toEqual(['cancelled'])
    expect(audio.getSnapshot().status).toBe('stopped')
  })

  it('should close a session already open when the microphone is refused afterwards', async () => {
    const harness = createHarness()
    const media = fakeMicrophones()
    const audio = createBrowserAudio({ microphone: { mediaDevices: media.devices } })
    const connecting = audio.connect(harness.runner)
    await flush()
    expect(harness.runner.getState().connection).toBe('connected')
    media.requests[0]!.refuse('NotAllowedError')
    await expect(connecting).rejects.toMatchObject({ code: 'permission_denied' })
    expect(harness.runner.getState().connection).toBe('closed')
    expect(harness.model.openSessions).toEqual([])
  })

  it('should release the microphone when the runner fails to connect', async () => {
    const harness = createHarness({ refuseConnects: 1 })
    const media = fakeMicrophones()
    const audio = createBrowserAudio({ microphone: { mediaDevices: media.devices } })
    const connecting = audio.connect(harness.runner)
    await expect(connecting).rejects.toMatchObject({ code: 'connection_failed' })
    expect(harness.runner.getState().connection).toBe('failed') // not turned into 'closed'
    media.requests[0]!.grant()
    await flush()
    expect(media.requests[0]!.track.readyState).toBe('ended')
    expect(audio.getSnapshot().status).toBe('stopped')
  })
})
