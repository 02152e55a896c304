import { describe, expect, it, vi } from 'vitest'
import { providers } from './support/fixtures'
import { ReliabilityCase } from './support/harness'
import { finishCase } from './support/invariants'

// Real sockets on a machine that other suites share: generous bounds, never a measure of speed.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/**
 * Tools that misbehave. Whatever a tool does — take long, take too long, throw, get arguments
 * that fail its schema, get withdrawn by the provider, be running when the app hangs up — the
 * model gets exactly one answer on the connection that asked (a result or a structured error it
 * can act on), or none because the call was withdrawn, and the app sees a typed error event.
 */
describe.each(providers)('%s: tool faults', (provider) => {
  it('a slow tool: events keep flowing, one result, then the answer', async () => {
    const test = await ReliabilityCase.start({ provider })
    await test.connect()
    test.send('Please do a slow lookup 5000.')
    await test.until(() => test.toolLog.started.length === 1, 'the slow tool to start')
    const startedAt = test.clock.now()
    test.store.flush()
    expect(test.store.getState()).toMatchObject({
      runnerState: 'executingTool',
      agentState: 'executingTool',
    })
    await test.until(() => test.isSettled() && test.recorder.completedResponses >= 1, 'the answer')
    expect(test.lastReply()).toBe('The lookup took 5000 milliseconds.')
    const [finished] = test.recorder.ofType('tool.finished')
    expect(finished).toMatchObject({ status: 'completed', sent: true, durationMs: 5_000 })
    expect(finished!.at - startedAt).toBe(5_000)
    await finishCase(test)
  })

  it('a tool past its timeout: aborted, tool_timeout to the app, an error output to the model', async () => {
    const test = await ReliabilityCase.start({ provider, runner: { toolTimeoutMs: 2_000 } })
    await test.connect()
    await test.say('Please do a slow lookup 5000.')
    expect(test.toolLog).toMatchObject({ aborted: [expect.any(String)], finished: [] })
    expect(test.recorder.ofType('tool.finished')).toMatchObject([
      { status: 'failed', sent: true, durationMs: 2_000, error: { code: 'tool_timeout' } },
    ])
    expect(test.lastReply()).toMatch(/^The tool failed: error code tool_timeout/)
    await finishCase(test, { errors: ['tool_timeout'] })
  })

  it('a throwing tool: tool_failed to the app, an error output to the model', async () => {
    const test = await ReliabilityCase.start({ provider })
    await test.connect()
    await test.say('Please use the broken tool.')
    expect(test.recorder.ofType('tool.finished')).toMatchObject([
      { name: 'broken_tool', status: 'failed', sent: true, error: { code: 'tool_failed' } },
    ])
    expect(test.lastReply()).toMatch(/^The tool failed: error code tool_failed/)
    await finishCase(test, { errors: ['tool_failed'] })
  })

  it('invalid arguments: never reach the handler; the model gets the issues', async () => {
    const test = await ReliabilityCase.start({ provider })
    await test.connect()
    await test.say('Try the bad arguments.')
    expect(test.recorder.ofType('tool.finished')).toMatchObject([
      {
        name: 'get_weather',
        status: 'failed',
        sent: true,
        error: { code: 'invalid_tool_arguments', path: 'city' },
      },
    ])
    expect(test.lastReply()).toMatch(/^The tool failed: error code invalid_tool_arguments/)
    await finishCase(test, { errors: ['invalid_tool_arguments'] })
  })

  it('parallel calls: one result each, and one response after all of them', async () => {
    const test = await ReliabilityCase.start({ provider, brain: { replyWords: 40 } })
    await test.connect()
    await test.say('What is the weather in Paris and in London?')
    expect(test.recorder.ofType('tool.finished').map((event) => event.sent)).toEqual([true, true])
    expect(test.lastReply()).toBe(
      'It is sunny and 21 degrees in Paris. It is sunny and 21 degrees in London.',
    )
    if (provider === 'openai') {
      const kinds = test.server.log.kinds(test.liveConnection().id, 'in')
      const outputs = kinds.lastIndexOf('conversation.item.create')
      expect(kinds.slice(outputs + 1)).toEqual(['response.create'])
    }
    await finishCase(test)
  })

  it('the app hangs up while a tool runs: the tool is aborted and reported cancelled', async () => {
    const test = await ReliabilityCase.start({ provider })
    await test.connect()
    test.send('Please do a slow lookup 20000.')
    await test.until(() => test.toolLog.started.length === 1, 'the slow tool to start')
    await finishCase(test)
    expect(test.toolLog.aborted).toEqual(test.toolLog.started)
    expect(test.recorder.ofType('tool.finished')).toMatchObject([
      { status: 'cancelled', sent: false },
    ])
    expect(test.runner.getState().items.at(-1)).toMatchObject({
      kind: 'toolCall',
      status: 'cancelled',
    })
  })
})

describe('gemini: tool cancellation', () => {
  it('barge-in withdraws the pending call: aborted, nothing sent, the new turn answered', async () => {
    const test = await ReliabilityCase.start({ provider: 'gemini' })
    await test.connect()
    test.send('Please do a slow lookup 20000.')
    await test.until(() => test.toolLog.started.length === 1, 'the slow tool to start')
    await test.speak()
    await test.until(
      () => test.isSettled() && test.recorder.completedResponses >= 1,
      'the spoken turn to be answered',
    )
    const callId = test.toolLog.started[0]!
    expect(test.toolLog.aborted).toEqual([callId])
    expect(test.recorder.ofType('tool.cancelled').map((event) => event.callIds)).toEqual([[callId]])
    expect(test.recorder.ofType('tool.finished')).toMatchObject([
      { callId, status: 'cancelled', sent: false },
    ])
    expect(test.lastReply()).toMatch(/^Sure\. You said: Spoken phrase number \d+\.$/)
    await finishCase(test)
  })
})
