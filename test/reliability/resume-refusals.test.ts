import { describe, expect, it, vi } from 'vitest'
import { isRealtimeError } from '../../src/core'
import { providers } from './support/fixtures'
import type { Provider } from './support/fixtures'
import { ReliabilityCase } from './support/harness'
import { finishCase } from './support/invariants'

// Real sockets on a machine that other suites share: generous bounds, never a measure of speed.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/**
 * Refused resumes. On Gemini a context change is a resumption, and the service can refuse the
 * resume (close 1011 "The service is currently unavailable."); on OpenAI a dropped connection is
 * replaced by a new session, which the service can refuse the same way. One or two refusals are
 * retried with exponential backoff on simulated time; when every attempt of the budget (4) is
 * refused, the runner fails visibly — `resumption_failed`, status `failed`, the unapplied change
 * still in the store — and `connect()` recovers with the change and its bridge message.
 */
const instruction = 'Answer in French.'
const bridge = 'From now on we speak French.'

/** Starts a resumption: a context change on Gemini, a dropped connection on OpenAI. */
async function startResumption(test: ReliabilityCase): Promise<number> {
  const at = test.clock.now()
  test.recorder.mark('resumption', test.runner.getState())
  if (test.provider === 'gemini') {
    test.recorder.update(test.runner, instruction, bridge)
    return at
  }
  test.liveConnection().drop()
  await test.until(() => test.runner.getState().state.status === 'resuming', 'resuming')
  test.recorder.update(test.runner, instruction, bridge)
  return at
}

/** Attempt times after the trigger: Gemini tries at once, OpenAI after the initial backoff. */
function attemptOffsets(provider: Provider, attempts: number): number[] {
  const first = provider === 'gemini' ? 0 : 250
  const offsets = [first]
  for (let retry = 1; retry < attempts; retry++) {
    offsets.push(offsets[retry - 1]! + Math.min(2_000, 250 * 2 ** (retry - 1)))
  }
  return offsets
}

describe.each(providers)('%s: refused resumes', (provider) => {
  it.each([1, 2])(
    '%i refused: retried with backoff, the change applies and memory is kept',
    async (refused) => {
      const test = await ReliabilityCase.start({ provider })
      await test.connect()
      await test.say('My name is Ada.')
      test.faultsForNext(...Array.from({ length: refused }, () => [test.refusal()]))
      const at = await startResumption(test)
      await test.settle('the resumption')
      expect(test.model.failedConnects).toBe(refused)
      expect(test.model.connectTimes.slice(1).map((time) => time - at)).toEqual(
        attemptOffsets(provider, refused + 1),
      )
      await test.say('What did I say?')
      // The bridge message is the last thing the model heard from the user…
      expect(test.lastReply()).toBe(`You said: ${bridge}`)
      // …on a connection that kept the conversation: resumed by handle, or re-seeded.
      const live = test.ledger.byKey(test.liveSession()?.wireKey)!
      if (provider === 'gemini') expect(live.resumedWith).toBeDefined()
      else expect(live.userTexts.slice(0, 1)).toEqual(['My name is Ada.'])
      await finishCase(test)
    },
  )

  it('all refused: fails visibly with the change pending, and connect() recovers', async () => {
    const test = await ReliabilityCase.start({ provider })
    await test.connect()
    const run = test.recorder.expectTyped('run', () => test.runner.run())
    await test.say('My name is Ada.')
    test.faultsForNext(...Array.from({ length: 4 }, () => [test.refusal()]))
    const at = await startResumption(test)
    await test.until(() => test.runner.getState().connection === 'failed', 'the runner to give up')
    await run
    expect(test.model.connectTimes.slice(1).map((time) => time - at)).toEqual(
      attemptOffsets(provider, 4),
    )
    // Visible: the typed error, the failed status, and the change that was never applied.
    const rejection = test.recorder.rejections.find(({ label }) => label === 'run')?.error
    expect(isRealtimeError(rejection, 'resumption_failed')).toBe(true)
    test.store.flush()
    expect(test.store.getState()).toMatchObject({
      connection: 'failed',
      agentState: 'disconnected',
      pendingResumption: { attempts: 4, bridgeMessage: bridge, config: { instruction } },
      lastError: { code: 'resumption_failed' },
    })
    expect(() => test.runner.sendText('Hello?')).toThrow(
      expect.objectContaining({ code: 'not_connected' }),
    )
    // The app retries: the change and its bridge message finally land, once.
    await test.connect()
    await test.settle('the manual reconnect')
    expect(test.store.getState().pendingResumption).toBeNull()
    await test.say('What did I say?')
    await finishCase(test, { errors: ['resumption_failed'] })
  })
})
