import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RealtimeError, isRealtimeError } from '../../../src/core'
import { serverEvents } from '../../../src/testing'
import { createHarness, deferred, settle } from './helpers'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('RealtimeRunner context mutation: applied in place (OpenAI-like)', () => {
  it('should apply a change on the open connection without a bridge message', async () => {
    const { runner, session, model } = createHarness({ preset: 'openai' })
    await runner.connect()
    const result = await runner.updateSession({ instruction: 'Speak French.' })
    expect(result).toEqual({ kind: 'applied' })
    expect(
      session()
        .callsOf('mutateContext')
        .map((call) => call.config.instruction),
    ).toEqual(['Speak French.'])
    expect(session().callsOf('sendText')).toEqual([])
    expect(model.connects).toHaveLength(1)
    await runner.close()
  })

  it('should inject the bridge message exactly once after applying', async () => {
    const { runner, session } = createHarness({ preset: 'openai' })
    await runner.connect()
    await runner.updateSession(
      { instruction: 'Speak French.' },
      { bridgeMessage: 'Switch to French now.' },
    )
    expect(session().callsOf('sendText')).toEqual([
      { method: 'sendText', text: 'Switch to French now.' },
    ])
    await runner.close()
  })

  it('should hold a bridge message until the response in progress is done', async () => {
    const { runner, session } = createHarness({ preset: 'openai' })
    await runner.connect()
    session().emit(serverEvents.responseStarted())
    await runner.updateSession({ voice: 'marin' }, { bridgeMessage: 'New voice.' })
    expect(session().callsOf('sendText')).toEqual([])
    session().emit(serverEvents.responseDone())
    expect(session().callsOf('sendText')).toHaveLength(1)
    await runner.close()
  })

  it('should send only the newest of two bridges that wait for the same idle moment, once', async () => {
    // Last write wins, as for a queued resumption: the model needs to hear of the newest change.
    const { runner, session } = createHarness({ preset: 'openai' })
    await runner.connect()
    session().emit(serverEvents.responseStarted())
    expect(
      await runner.updateSession({ instruction: 'A' }, { bridgeMessage: 'Bridge A.' }),
    ).toEqual({
      kind: 'applied',
    })
    await runner.updateSession({ temperature: 0.7 }, { bridgeMessage: 'Bridge B.' })
    session().emit(serverEvents.responseDone())
    expect(session().callsOf('sendText')).toEqual([{ method: 'sendText', text: 'Bridge B.' }])
    session().emit(serverEvents.responseStarted(), serverEvents.responseDone())
    expect(session().callsOf('sendText')).toHaveLength(1)
    await runner.close()
  })

  it('should hold a bridge until the response a user message asked for is done', async () => {
    const { runner, session } = createHarness({ preset: 'openai' })
    await runner.connect()
    runner.sendText('What is the weather?')
    expect(runner.getState().state.status).toBe('generating')
    await runner.updateSession({ instruction: 'Be brief.' }, { bridgeMessage: 'Be brief now.' })
    expect(session().callsOf('sendText')).toEqual([
      { method: 'sendText', text: 'What is the weather?' },
    ])
    session().emit(serverEvents.responseStarted(), serverEvents.responseDone())
    expect(session().callsOf('sendText').at(-1)).toEqual({
      method: 'sendText',
      text: 'Be brief now.',
    })
    await runner.close()
  })

  it('should send the newest bridge when a held one meets a change made while reconnecting', async () => {
    const { runner, model } = createHarness({ preset: 'openai' })
    await runner.connect()
    model.session?.emit(serverEvents.responseStarted())
    await runner.updateSession({ instruction: 'A' }, { bridgeMessage: 'Bridge A.' })
    model.session?.drop()
    await settle()
    expect(
      await runner.updateSession({ instruction: 'B' }, { bridgeMessage: 'Bridge B.' }),
    ).toEqual({ kind: 'queued' })
    await vi.advanceTimersByTimeAsync(200)
    expect(model.session?.config.instruction).toBe('B')
    expect(model.sessions.flatMap((each) => each.callsOf('sendText'))).toEqual([
      { method: 'sendText', text: 'Bridge B.' },
    ])
    await runner.close()
  })

  it('should send the bridge of an accepted change when the change after it is refused', async () => {
    const { runner, session } = createHarness({
      preset: 'openai',
      mutationDelayMs: 10,
      rejectMutation: (config) =>
        config.temperature === 0.9 ? new RealtimeError('update_rejected', 'no') : undefined,
    })
    await runner.connect()
    const first = runner.updateSession({ instruction: 'A' }, { bridgeMessage: 'Bridge A.' })
    const second = runner.updateSession({ temperature: 0.9 })
    second.catch(() => {})
    await vi.advanceTimersByTimeAsync(1_000)
    await expect(first).resolves.toEqual({ kind: 'applied' })
    await expect(second).rejects.toMatchObject({ code: 'update_rejected' })
    expect(runner.config).toMatchObject({ instruction: 'A' })
    expect(runner.config.temperature).toBeUndefined()
    expect(session().callsOf('sendText')).toEqual([{ method: 'sendText', text: 'Bridge A.' }])
    await runner.close()
  })

  it('should mark the conversation item its bridge message creates, and only that one', async () => {
    const { runner, session } = createHarness({ preset: 'openai' })
    await runner.connect()
    await runner.updateSession(
      { instruction: 'Be a pirate.' },
      { bridgeMessage: 'Greet as a pirate.' },
    )
    expect(session().callsOf('sendText')).toEqual([
      { method: 'sendText', text: 'Greet as a pirate.' },
    ])
    // OpenAI echoes every user item; the user may also type the very same words later.
    const echo = (itemId: string) =>
      ({
        type: 'item.added',
        itemId,
        kind: 'message',
        role: 'user',
        text: 'Greet as a pirate.',
      }) as const
    session().emit(echo('item_bridge'), serverEvents.responseStarted(), serverEvents.responseDone())
    runner.sendText('Greet as a pirate.')
    session().emit(echo('item_typed'))
    expect(runner.getState().items).toMatchObject([
      { id: 'item_bridge', role: 'user', bridge: true },
      { id: 'item_typed', role: 'user', text: 'Greet as a pirate.' },
    ])
    expect(runner.getState().items[1]).not.toHaveProperty('bridge')
    await runner.close()
  })

  it('should intercept session.update sent as a client event', async () => {
    const { runner, session } = createHarness({ preset: 'openai' })
    await runner.connect()
    await runner.sendClientEvent({
      type: 'session.update',
      update: { temperature: 0.6 },
      bridgeMessage: 'Be calmer.',
    })
    expect(session().callsOf('mutateContext')).toHaveLength(1)
    expect(session().callsOf('sendEvent')).toEqual([])
    expect(session().callsOf('sendText')).toHaveLength(1)
    await runner.close()
  })

  it('should report a refused change as a typed error and keep the previous config', async () => {
    const { runner, eventsOf } = createHarness({
      preset: 'openai',
      rejectMutation: (config) =>
        config.voice === 'ash'
          ? new RealtimeError('update_rejected', 'cannot_update_voice', {
              providerCode: 'cannot_update_voice',
            })
          : undefined,
    })
    await runner.connect()
    await expect(runner.updateSession({ voice: 'ash' })).rejects.toMatchObject({
      code: 'update_rejected',
    })
    expect(runner.config.voice).toBeUndefined()
    expect(eventsOf('error').map((event) => event.error.code)).toEqual(['update_rejected'])
    await runner.close()
  })

  it('should reject an invalid delta with invalid_config and change nothing', async () => {
    const { runner, session } = createHarness({ preset: 'openai' })
    await runner.connect()
    const before = runner.config
    const error = await runner.updateSession({ temperature: 9 }).catch((caught: unknown) => caught)
    expect(isRealtimeError(error, 'invalid_config')).toBe(true)
    expect((error as RealtimeError).path).toBe('temperature')
    expect(runner.config).toBe(before)
    expect(session().callsOf('mutateContext')).toEqual([])
    await runner.close()
  })

  it('should store a change made before connecting and use it for the connection', async () => {
    const { runner, model, session } = createHarness({ preset: 'openai' })
    expect(
      await runner.updateSession({ voice: 'coral' }, { bridgeMessage: 'Hello again.' }),
    ).toEqual({
      kind: 'stored',
    })
    await runner.connect()
    expect(model.connects[0]?.config.voice).toBe('coral')
    expect(session().callsOf('sendText')).toEqual([{ method: 'sendText', text: 'Hello again.' }])
    await runner.close()
  })
})

describe('RealtimeRunner context mutation: requires resumption (Gemini-like)', () => {
  it('should resume at once when idle, closing the old connection first', async () => {
    const { runner, model, session } = createHarness({ preset: 'gemini' })
    await runner.connect()
    const first = session()
    const result = await runner.updateSession(
      { instruction: 'Be brief.' },
      { bridgeMessage: 'Go on.' },
    )
    expect(result).toEqual({ kind: 'resuming' })
    expect(runner.getState().state.status).toBe('resuming')
    expect(runner.getState().connection).toBe('reconnecting')
    await settle()
    expect(first.isConnected()).toBe(false)
    expect(model.connects).toHaveLength(2)
    expect(model.connects[1]?.config.instruction).toBe('Be brief.')
    expect(session().callsOf('sendText')).toEqual([{ method: 'sendText', text: 'Go on.' }])
    expect(first.callsOf('sendText')).toEqual([])
    // Waiting for the model's answer to the bridge, then idle.
    expect(runner.getState()).toMatchObject({
      connection: 'connected',
      state: { status: 'generating' },
    })
    session().emit(serverEvents.responseDone())
    expect(runner.getState()).toMatchObject({ connection: 'connected', state: { status: 'idle' } })
    await runner.close()
  })

  it('should not tear the connection down before the answer to a user message', async () => {
    const { runner, model, session } = createHarness({ preset: 'gemini' })
    await runner.connect()
    const first = session()
    runner.sendText('What is the weather?')
    expect(await runner.updateSession({ temperature: 0.3 })).toEqual({ kind: 'queued' })
    await settle()
    expect(first.isConnected()).toBe(true)
    expect(model.connects).toHaveLength(1)
    first.emit(serverEvents.audioDelta(), serverEvents.responseDone())
    await settle()
    expect(first.isConnected()).toBe(false)
    expect(model.connects[1]?.config.temperature).toBe(0.3)
    await runner.close()
  })

  it('should send the bridge only to the connection that runs the change it announces', async () => {
    // A change made while a go-away resumption is connecting: that connection starts with the
    // older config and is replaced at once; the bridge belongs to its successor.
    const { runner, model } = createHarness({ preset: 'gemini', connectDelayMs: 100 })
    const connecting = runner.connect()
    await vi.advanceTimersByTimeAsync(100)
    await connecting
    model.session?.issueHandle('h1')
    model.session?.goAway(10_000)
    await vi.advanceTimersByTimeAsync(10)
    expect(
      await runner.updateSession(
        { instruction: 'You are billing.' },
        { bridgeMessage: 'Caller transferred to billing.' },
      ),
    ).toEqual({ kind: 'queued' })
    await vi.advanceTimersByTimeAsync(500)
    const bridged = model.sessions.filter((each) => each.callsOf('sendText').length > 0)
    expect(bridged.map((each) => each.config.instruction)).toEqual(['You are billing.'])
    expect(bridged[0]?.callsOf('sendText')).toEqual([
      { method: 'sendText', text: 'Caller transferred to billing.' },
    ])
    expect(bridged[0]?.isConnected()).toBe(true)
    await runner.close()
  })

  it('should send the newest bridge after a failed resumption and an update made while down', async () => {
    const { runner, model } = createHarness(
      {
        preset: 'gemini',
        refuseConnects: (attempt) =>
          attempt === 1
            ? undefined
            : attempt <= 3
              ? new RealtimeError('connection_failed', 'down')
              : undefined,
      },
      { reconnect: { jitter: 0, initialDelayMs: 100, maxAttempts: 2 } },
    )
    await runner.connect()
    await runner.updateSession({ instruction: 'First.' }, { bridgeMessage: 'Bridge one.' })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(runner.getState().connection).toBe('failed')
    expect(
      await runner.updateSession({ instruction: 'Second.' }, { bridgeMessage: 'Bridge two.' }),
    ).toEqual({ kind: 'stored' })
    await runner.connect()
    await settle()
    expect(model.session?.config.instruction).toBe('Second.')
    expect(model.sessions.flatMap((each) => each.callsOf('sendText'))).toEqual([
      { method: 'sendText', text: 'Bridge two.' },
    ])
    await runner.close()
  })

  it('should queue while generating and run at the next idle', async () => {
    const { runner, model, session } = createHarness({ preset: 'gemini' })
    await runner.connect()
    session().emit(serverEvents.audioDelta())
    expect(runner.getState().state.status).toBe('generating')
    expect(await runner.updateSession({ instruction: 'Later.' })).toEqual({ kind: 'queued' })
    await settle()
    expect(runner.getState().state.status).toBe('pendingResumption')
    expect(model.connects).toHaveLength(1)
    session().emit(serverEvents.responseDone())
    await settle()
    expect(model.connects).toHaveLength(2)
    expect(model.connects[1]?.config.instruction).toBe('Later.')
    expect(runner.getState().state.status).toBe('idle')
    await runner.close()
  })

  it('should queue while a tool runs and run once the turn is over', async () => {
    const slow = deferred()
    const { runner, model, session } = createHarness(
      { preset: 'gemini' },
      { tools: [{ name: 'lookup', handler: () => slow.promise }] },
    )
    await runner.connect()
    session().emit(serverEvents.toolCall('c1', 'lookup'))
    expect(runner.getState().state.status).toBe('executingTool')
    expect(await runner.updateSession({ instruction: 'After the tool.' })).toEqual({
      kind: 'queued',
    })
    await settle()
    expect(runner.getState().state.status).toBe('pendingResumption')
    slow.resolve({ ok: true })
    await settle()
    // Gemini continues the turn after the tool output; the resumption waits for it to end.
    expect(session().callsOf('sendToolResult')).toHaveLength(1)
    expect(model.connects).toHaveLength(1)
    session().emit(serverEvents.audioDelta(), serverEvents.responseDone())
    await settle()
    expect(model.connects).toHaveLength(2)
    await runner.close()
  })

  it('should run only the last of two updates made while busy', async () => {
    const { runner, model, session } = createHarness({ preset: 'gemini' })
    await runner.connect()
    session().emit(serverEvents.responseStarted())
    await runner.updateSession({ instruction: 'first' }, { bridgeMessage: 'B1' })
    await runner.updateSession({ instruction: 'second' }, { bridgeMessage: 'B2' })
    await settle()
    session().emit(serverEvents.responseDone())
    await settle()
    expect(model.connects).toHaveLength(2)
    expect(model.connects[1]?.config.instruction).toBe('second')
    expect(session().callsOf('sendText')).toEqual([{ method: 'sendText', text: 'B2' }])
    await runner.close()
  })

  it('should keep earlier hot-swaps and the resumption handle across reconnects', async () => {
    const { runner, model, session } = createHarness({ preset: 'gemini' })
    await runner.connect()
    session().issueHandle('h1')
    await runner.updateSession({ voice: 'Kore' })
    await settle()
    expect(model.connects[1]?.config).toMatchObject({
      voice: 'Kore',
      sessionResumption: { handle: 'h1' },
    })
    session().issueHandle('h2')
    await runner.updateSession({ instruction: 'x' })
    await settle()
    expect(model.connects[2]?.config).toMatchObject({
      voice: 'Kore',
      instruction: 'x',
      sessionResumption: { handle: 'h2' },
    })
    expect(model.connects[2]?.seedItems).toBeUndefined()
    await runner.close()
  })

  it('should keep earlier live changes in the canonical config (OpenAI-like)', async () => {
    const { runner, session } = createHarness({ preset: 'openai' })
    await runner.connect()
    await runner.updateSession({ voice: 'marin' })
    await runner.updateSession({ instruction: 'Two.' })
    expect(session().callsOf('mutateContext').at(-1)?.config).toMatchObject({
      voice: 'marin',
      instruction: 'Two.',
    })
    await runner.close()
  })
})
