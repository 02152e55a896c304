import { describe, expect, it, vi } from 'vitest'
import { providers, silence, tone } from './support/fixtures'
import { ReliabilityCase } from './support/harness'
import { finishCase } from './support/invariants'

// Real sockets on a machine that other suites share: generous bounds, never a measure of speed.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

/**
 * Connection faults, for both providers, against the mock over real sockets: the connection drops
 * while idle, while the user speaks, while the model answers, while a tool runs, and while the
 * runner is itself reconnecting; and the provider announces the end of the connection (go-away).
 * After each, the runner reconnects by itself, nothing said before is lost, and the conversation
 * goes on — with its memory (Gemini resumes by handle, OpenAI re-seeds the history as text).
 */
describe.each(providers)('%s: connection faults', (provider) => {
  it('drop while idle: reconnects after the backoff and the conversation keeps its memory', async () => {
    const test = await ReliabilityCase.start({ provider })
    await test.connect()
    await test.say('My name is Ada.')
    test.drop('drop while idle')
    await test.settle('the reconnect')
    await test.say('What did I say?')
    expect(test.lastReply()).toBe('You said: My name is Ada.')
    const disconnects = test.recorder.ofType('disconnected')
    expect(disconnects.map((event) => [event.expected, event.reason.code])).toEqual([[false, 1006]])
    expect(disconnects[0]?.reason.error?.code).toBe('connection_failed')
    // The first attempt waits the initial backoff (simulated time), then succeeds.
    const reconnected = test.recorder
      .ofType('connection.status')
      .filter((event) => event.status === 'connected')
    expect(reconnected).toHaveLength(2)
    expect(reconnected[1]!.at - disconnects[0]!.at).toBe(250)
    await finishCase(test)
  })

  it('drop while the user speaks: audio sent during the outage reaches the new connection', async () => {
    const test = await ReliabilityCase.start({ provider })
    await test.connect()
    await test.stream(tone(300, test.inputRate))
    test.drop('drop during speech')
    // Audio written in the instant between the failure and its detection goes down with the
    // socket (TCP does not say what arrived); from the detection on, it is held and replayed.
    await test.quiet()
    await test.stream(tone(400, test.inputRate))
    await test.stream(silence(900, test.inputRate))
    await test.until(
      () => test.isSettled() && test.recorder.completedResponses === 1,
      'the spoken turn to be answered',
    )
    expect(test.lastReply()).toMatch(/^Sure\. You said: Spoken phrase number \d+\.$/)
    // Every byte of the microphone reached the mock or is counted as dropped: none vanished.
    const received = [...test.ledger.connections.values()].reduce(
      (sum, connection) => sum + connection.audioBytesIn,
      0,
    )
    const dropped = test.runner.getState().droppedAudio.bytes
    expect(received + dropped).toBe(test.audioSent)
    await finishCase(test)
  })

  it('drop during generation: the partial answer is kept and closed, the next one is whole', async () => {
    const test = await ReliabilityCase.start({ provider })
    await test.connect()
    await test.say('Hello.')
    test.inject({ type: 'dropMidResponse', afterAudioChunks: 2 }, 'drop during generation')
    test.send('Tell me something long, please.')
    await test.settle('the reconnect')
    const partial = test.runner
      .getState()
      .items.filter((item) => item.kind === 'message' && item.role === 'assistant')
      .at(-1)
    expect(partial).toMatchObject({ status: 'interrupted' })
    await test.say('Are you there?')
    expect(test.lastReply()).toBe('Sure. You said: Are you there?')
    await finishCase(test)
  })

  it('drop during tool execution: the result is never sent on the new connection', async () => {
    const test = await ReliabilityCase.start({ provider })
    await test.connect()
    test.send('Please do a slow lookup 5000.')
    await test.until(() => test.toolLog.started.length === 1, 'the slow tool to start')
    test.drop('drop during tool')
    await test.settle('the reconnect')
    await test.say('Are you there?')
    await test.until(() => test.toolLog.finished.length === 1, 'the slow tool to finish')
    const finished = test.recorder.ofType('tool.finished')
    expect(finished.map((event) => [event.status, event.sent])).toEqual([['completed', false]])
    await finishCase(test)
  })

  it('drop during a reconnect: the failed attempt is retried and a queued update applies', async () => {
    const test = await ReliabilityCase.start({ provider })
    await test.connect()
    await test.say('Hello.')
    test.dropNextHandshake()
    if (provider === 'gemini') {
      // A context change is a resumption on Gemini: its new connection fails mid-handshake.
      test.recorder.mark('update', test.runner.getState())
      test.recorder.update(test.runner, 'Answer in French.', 'We now speak French.')
    } else {
      test.drop('drop while idle')
      await test.until(() => test.runner.getState().state.status === 'resuming', 'resuming')
      test.recorder.update(test.runner, 'Answer in French.', 'We now speak French.')
    }
    await test.settle('the resumption')
    expect(test.model.failedConnects).toBe(1)
    expect(test.recorder.updates[0]?.result?.kind).toBe(
      provider === 'gemini' ? 'resuming' : 'queued',
    )
    await test.say('Still there?')
    await finishCase(test)
  })
})

describe('go-away', () => {
  it('gemini, idle: resumes at once on the notice, before the deadline, without a drop', async () => {
    const test = await ReliabilityCase.start({ provider: 'gemini' })
    await test.connect()
    await test.say('My name is Ada.')
    test.inject({ type: 'goAway', timeLeftMs: 10_000 }, 'go-away')
    await test.settle('the resumption')
    await test.say('What did I say?')
    expect(test.lastReply()).toBe('You said: My name is Ada.')
    expect(test.recorder.ofType('disconnected')).toEqual([])
    const [first, second] = test.server.log.connections
    expect(first?.close?.initiatedBy).toBe('client')
    expect(test.ledger.get(second!.id).resumedWith).toBeDefined()
    await finishCase(test)
  })

  it('gemini, busy: resumes at the deadline margin even though a tool is still running', async () => {
    const test = await ReliabilityCase.start({ provider: 'gemini' })
    await test.connect()
    test.send('Please do a slow lookup 20000.')
    await test.until(() => test.toolLog.started.length === 1, 'the slow tool to start')
    const noticeAt = test.clock.now()
    test.inject({ type: 'goAway', timeLeftMs: 5_000 }, 'go-away while busy')
    await test.until(() => test.server.log.connections.length === 2, 'the forced resumption')
    // 5 s left, resumed with the default 2 s margin: 3 s after the notice, not at the close.
    expect(test.clock.now() - noticeAt).toBe(3_000)
    await test.settle('the resumption')
    await test.say('Are you there?')
    await test.until(() => test.toolLog.finished.length === 1, 'the slow tool to finish')
    expect(test.recorder.ofType('tool.finished').map((event) => event.sent)).toEqual([false])
    expect(test.recorder.ofType('disconnected')).toEqual([])
    await finishCase(test)
  })

  it('openai: a session that expires (session_expired, close 1001) is replaced', async () => {
    const test = await ReliabilityCase.start({
      provider: 'openai',
      mock: { connectionLifetimeMs: 60_000 },
    })
    await test.connect()
    await test.say('My name is Ada.')
    test.recorder.mark('session expiry', test.runner.getState())
    await test.until(() => test.recorder.ofType('disconnected').length === 1, 'the expiry')
    await test.settle('the reconnect')
    await test.say('What did I say?')
    expect(test.lastReply()).toBe('You said: My name is Ada.')
    expect(test.recorder.ofType('disconnected')[0]?.reason.code).toBe(1001)
    expect(test.recorder.errorEvents.map(({ error }) => error)).toMatchObject([
      { code: 'server_error', providerCode: 'session_expired' },
    ])
    await finishCase(test, { errors: ['server_error'] })
  })
})
