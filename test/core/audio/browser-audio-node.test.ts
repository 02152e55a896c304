// The browser audio engine outside a browser (Node, SSR): importing and constructing touch no
// browser global; starting fails with a typed error instead of a ReferenceError.
import { describe, expect, it } from 'vitest'
import { createBrowserAudio } from '../../../src/core/audio/browser-audio'
import { microphoneError } from '../../../src/core/audio/media-errors'
import { microphoneConstraints } from '../../../src/core/audio/microphone-devices'
import { MicrophoneCapture } from '../../../src/core/audio/microphone'
import { AudioPlayer } from '../../../src/core/audio/player'

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
