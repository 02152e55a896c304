import { describe, expect, it, vi } from 'vitest'
import { isRealtimeError } from '../../src/core'
import { providers } from './support/fixtures'
import { ReliabilityCase } from './support/harness'
import { finishCase } from './support/invariants'

// Real sockets on a machine that other suites share: generous bounds, never a measure of speed.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/**
 * Fifty context updates while one response is streaming. None is lost and none is applied out of
 * order: every call settles, the last one wins (in the canonical config and on the wire), the
 * response in progress is not cut, and only the newest bridge message is sent, once, when the
 * session is quiet. OpenAI applies each update in place; Gemini queues one resumption, which runs
 * after the response with the last config.
 */
describe.each(providers)('%s: a storm of 50 context updates during one response', (provider) => {
  it('every update settles, the last one wins, the response is whole', async () => {
    const test = await ReliabilityCase.start({
      provider,
      // Paced output: the response lasts several seconds of simulated time.
      brain: { chunkIntervalMs: 100, replyWords: 30 },
    })
    await test.connect()
    test.send('Tell me about the weather patterns of the northern hemisphere in spring, please.')
    await test.until(
      () => test.recorder.ofType('audio.delta').length >= 2,
      'the response to be streaming',
    )
    expect(test.runner.getState().state.status).toBe('generating')
    test.recorder.mark('storm', test.runner.getState())
    const updates = Array.from({ length: 50 }, (_, n) =>
      test.recorder.update(test.runner, `Version ${n}.`, `Bridge ${n}.`),
    )
    await test.settle('the storm to pass')
    await Promise.all(updates.map((update) => update.done))
    await test.until(
      () => test.isSettled() && test.recorder.completedResponses === 2,
      'the answer to the bridge',
    )
    const kinds = test.recorder.updates.map((update) => update.result?.kind)
    expect(new Set(kinds)).toEqual(new Set([provider === 'openai' ? 'applied' : 'queued']))
    // The response that was streaming finished whole.
    const first = test.recorder.ofType('response.done')[0]
    expect(first?.status).toBe('completed')
    const sent = [...test.ledger.connections.values()].flatMap((c) => c.userTexts)
    expect(sent.filter((text) => text.startsWith('Bridge'))).toEqual(['Bridge 49.'])
    if (provider === 'gemini') {
      // One resumption, after the response, with the last config.
      expect(test.server.log.connections).toHaveLength(2)
      const resumed = test.ledger.get(test.server.log.connections[1]!.id)
      expect(resumed.instructions.map((entry) => entry.text)).toEqual(['Version 49.'])
    } else {
      const live = test.ledger.get(test.liveConnection().id)
      expect(live.instructions.at(-1)?.text).toBe('Version 49.')
      expect(test.server.log.connections).toHaveLength(1)
    }
    await finishCase(test)
  })
})

describe('openai: a refused context update', () => {
  it('is visible as failed, rolled back, and the last applied update still wins', async () => {
    const test = await ReliabilityCase.start({ provider: 'openai' })
    await test.connect()
    await test.say('Hello.')
    test.recorder.update(test.runner, 'Be cheerful.', 'Cheer up.')
    await test.settle()
    // Once the assistant has spoken, OpenAI refuses a voice change (cannot_update_voice).
    const { record, done } = test.recorder.update(test.runner, undefined, 'New voice.', {
      voice: 'cedar',
    })
    await done
    await test.quiet()
    expect(record.status).toBe('rejected')
    const error = record.error
    expect(isRealtimeError(error, 'update_rejected')).toBe(true)
    expect(error).toMatchObject({ providerCode: 'cannot_update_voice' })
    // Visible: the error event and the store; rolled back: the canonical config keeps its voice.
    expect(test.recorder.errorEvents.map((event) => event.error)).toContain(error)
    test.store.flush()
    expect(test.store.getState().lastError).toBe(error)
    expect(test.runner.config.voice).toBeUndefined()
    expect(test.runner.config.instruction).toBe('Be cheerful.')
    const sent = [...test.ledger.connections.values()].flatMap((c) => c.userTexts)
    expect(sent).not.toContain('New voice.')
    await test.say('Still cheerful?')
    await finishCase(test, { errors: ['update_rejected'] })
  })
})
