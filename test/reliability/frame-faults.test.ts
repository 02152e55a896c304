import { describe, expect, it, vi } from 'vitest'
import { providers } from './support/fixtures'
import { ReliabilityCase } from './support/harness'
import { finishCase } from './support/invariants'

// Real sockets on a machine that other suites share: generous bounds, never a measure of speed.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/**
 * Bad frames and server errors. A frame that is not JSON and a frame over the inbound limit are
 * reported as typed error events naming the frame, and the session goes on as if nothing
 * happened. A server error is an `error` event on OpenAI (the socket stays), and a close 1011 on
 * Gemini, which the runner treats as a drop: it resumes by handle.
 */
describe.each(providers)('%s: bad frames and server errors', (provider) => {
  it('a malformed frame is a protocol_error event; the session goes on', async () => {
    const test = await ReliabilityCase.start({ provider })
    await test.connect()
    await test.say('Hello.')
    test.inject({ type: 'malformedFrame' }, 'malformed frame')
    await test.quiet()
    const [error] = test.recorder.ofType('error')
    expect(error?.error.code).toBe('protocol_error')
    expect(error?.frameType).toBe('invalid_json')
    await test.say('Are you there?')
    expect(test.lastReply()).toBe('Sure. You said: Are you there?')
    expect(test.recorder.ofType('disconnected')).toEqual([])
    await finishCase(test, { errors: ['protocol_error'] })
  })

  it('an over-size frame is dropped as frame_too_large; the session goes on', async () => {
    const test = await ReliabilityCase.start({ provider, maxInboundFrameBytes: 64 * 1024 })
    await test.connect()
    await test.say('Hello.')
    test.inject({ type: 'oversizeFrame', bytes: 256 * 1024 }, 'over-size frame')
    await test.quiet()
    const [error] = test.recorder.ofType('error')
    expect(error?.error.code).toBe('frame_too_large')
    expect(error?.frameType).toBe(
      provider === 'openai' ? 'response.output_audio.delta' : 'serverContent',
    )
    // Nothing of the dropped frame reached the transcript or the audio.
    expect(test.recorder.ofType('audio.delta').every((event) => event.bytes < 64 * 1024)).toBe(true)
    await test.say('Are you there?')
    expect(test.lastReply()).toBe('Sure. You said: Are you there?')
    expect(test.recorder.ofType('disconnected')).toEqual([])
    await finishCase(test, { errors: ['frame_too_large'] })
  })

  it('a server error: typed, and the conversation goes on (Gemini: after a resume)', async () => {
    const test = await ReliabilityCase.start({ provider })
    await test.connect()
    await test.say('My name is Ada.')
    test.inject({ type: 'serverError', message: 'The server had an error.' }, 'server error')
    await test.settle('the session to recover')
    if (provider === 'openai') {
      const [error] = test.recorder.ofType('error')
      expect(error?.error).toMatchObject({ code: 'server_error', providerCode: 'server_error' })
      expect(test.recorder.ofType('disconnected')).toEqual([])
    } else {
      const [disconnected] = test.recorder.ofType('disconnected')
      expect(disconnected?.reason).toMatchObject({ code: 1011, error: { code: 'server_error' } })
      expect(test.ledger.byKey(test.liveSession()?.wireKey)?.resumedWith).toBeDefined()
    }
    await test.say('What did I say?')
    expect(test.lastReply()).toBe('You said: My name is Ada.')
    await finishCase(test, { errors: provider === 'openai' ? ['server_error'] : [] })
  })
})
