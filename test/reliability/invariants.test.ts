import { describe, expect, it, vi } from 'vitest'
import { ReliabilityCase } from './support/harness'
import {
  checkAgreement,
  checkContextUpdates,
  checkNoLeaks,
  checkToolCalls,
  checkTranscript,
  checkTypedErrors,
} from './support/invariants'
import { storeProblems } from './support/recorder'

// Real sockets on a machine that other suites share: generous bounds, never a measure of speed.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/**
 * The checkers are only worth something if they fail when the thing they guard breaks. Each case
 * here breaks one guarantee on purpose — through the public API or by forging what the recorder
 * saw — and expects its checker to say so.
 */
describe('the invariant checkers catch what they guard', () => {
  it('a tool result sent twice, and one sent on another connection', async () => {
    const test = await ReliabilityCase.start({ provider: 'openai' })
    await test.connect()
    await test.say('What is the weather in Paris?')
    const [call] = test.recorder.ofType('tool.finished')
    // The app answers a call the runner already answered.
    test.runner.sendToolResponse({ callId: call!.callId, output: 'again' })
    await test.quiet()
    expect(checkToolCalls(test)).toContainEqual(expect.stringMatching(/answered 2 times/))
    test.drop()
    await test.settle()
    // The runner refuses to do this (session_closed); a raw client event goes around it.
    expect(() => test.runner.sendToolResponse({ callId: call!.callId, output: 'x' })).toThrow(
      expect.objectContaining({ code: 'session_closed' }),
    )
    const item = { type: 'function_call_output', call_id: call!.callId, output: 'elsewhere' }
    await test.runner.sendClientEvent({
      type: 'raw',
      data: { type: 'conversation.item.create', item },
    })
    await test.quiet()
    expect(checkToolCalls(test)).toContainEqual(expect.stringMatching(/sent on openai-1/))
    await test.closeRunner()
    await test.dispose()
  })

  it('an update that never settles, and a live config that is not the last update', async () => {
    const test = await ReliabilityCase.start({ provider: 'openai' })
    await test.connect()
    test.recorder.updates.push({
      index: 0,
      instruction: 'Never sent.',
      bridgeMessage: undefined,
      status: 'resolved',
    })
    test.recorder.updates.push({
      index: 1,
      instruction: undefined,
      bridgeMessage: undefined,
      status: 'pending',
    })
    expect(checkContextUpdates(test)).toEqual([
      'update #1 never settled',
      "canonical instruction is not the last update's (#0)",
      'live connection runs "You are a test agent.", not the last update "Never sent."',
    ])
    await test.closeRunner()
    await test.dispose()
  })

  it('a transcript item lost after a fault, and a conversation that did not go on', async () => {
    const test = await ReliabilityCase.start({ provider: 'gemini' })
    await test.connect()
    test.recorder.marks.push({
      label: 'forged',
      at: 0,
      items: [{ kind: 'message', id: 'ghost', role: 'user', text: 'Hi', status: 'completed' }],
    })
    expect(checkTranscript(test)).toEqual([
      '"forged": item ghost present before the fault is gone',
      '"forged": the conversation did not go on',
    ])
    await test.closeRunner()
    await test.dispose()
  })

  it('an untyped error, an unexpected code, and console.error', async () => {
    const test = await ReliabilityCase.start({ provider: 'openai' })
    test.recorder.handlerErrors.push(new Error('plain'))
    console.error('reported')
    const problems = checkTypedErrors(test)
    expect(problems).toEqual([
      'onError: not a RealtimeError: Error: plain',
      'console.error: reported',
    ])
    await test.dispose()
  })

  it('a store state that contradicts itself, and a runner the mock disagrees with', async () => {
    const test = await ReliabilityCase.start({ provider: 'openai' })
    await test.connect()
    test.store.flush()
    const state = test.store.getState()
    expect(storeProblems(state)).toEqual([])
    expect(storeProblems({ ...state, runnerState: 'resuming' })).toContain(
      'connected while resuming',
    )
    // The mock drops the connection; until the runner has seen it, they disagree.
    test.liveConnection().drop()
    await test.until(() => test.server.connections().length === 0, 'the mock to drop it')
    test.recorder.statuses.push({ status: 'connected', previous: 'idle' })
    expect(checkAgreement(test).length).toBeGreaterThan(0)
    await test.closeRunner()
    await test.dispose()
  })

  it('a timer left behind', async () => {
    const test = await ReliabilityCase.start({ provider: 'gemini' })
    await test.connect()
    await test.closeRunner()
    test.clock.view('runner').setTimeout(() => {}, 1_000)
    expect(await checkNoLeaks(test)).toContain('1 runner timer(s) left')
  })
})
