import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RealtimeError, createRealtimeStore } from '../../../src/core'
import { ScriptedSession, serverEvents } from '../../../src/testing'
import { createHarness, settle } from './helpers'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const refuse = (attempts: number[]) => (attempt: number) =>
  attempts.includes(attempt)
    ? new RealtimeError('connection_failed', `refused #${attempt}`)
    : undefined

describe('RealtimeRunner resumption failures', () => {
  it('should retry on a backoff timer, inject the bridge once and return to idle', async () => {
    const { runner, model, session } = createHarness({
      preset: 'gemini',
      refuseConnects: refuse([2, 3]),
    })
    await runner.connect()
    await runner.updateSession({ instruction: 'next' }, { bridgeMessage: 'Bridge.' })
    await settle()
    expect(model.connects.map((connect) => connect.outcome)).toEqual(['connected', 'refused'])
    expect(runner.getState()).toMatchObject({
      connection: 'reconnecting',
      state: { status: 'resuming', waitingForRetry: true, pending: { attempts: 1 } },
    })
    await vi.advanceTimersByTimeAsync(99)
    expect(model.connects).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(model.connects.map((connect) => connect.outcome)).toEqual([
      'connected',
      'refused',
      'refused',
    ])
    await vi.advanceTimersByTimeAsync(199)
    expect(model.connects).toHaveLength(3)
    await vi.advanceTimersByTimeAsync(1)
    expect(model.connects.at(-1)?.outcome).toBe('connected')
    const texts = model.sessions.flatMap((each) => each.callsOf('sendText'))
    expect(texts).toEqual([{ method: 'sendText', text: 'Bridge.' }])
    // The bridge is a user message the model answers; once it has, the session is idle.
    expect(runner.getState()).toMatchObject({
      connection: 'connected',
      state: { status: 'generating' },
    })
    session().emit(serverEvents.audioDelta(), serverEvents.responseDone())
    expect(runner.getState()).toMatchObject({ connection: 'connected', state: { status: 'idle' } })
    expect(session().config.instruction).toBe('next')
    await runner.close()
  })

  it('should fail after the budget with an error event and keep the mutation visible', async () => {
    const { runner, model, eventsOf } = createHarness(
      {
        preset: 'gemini',
        refuseConnects: (attempt) =>
          attempt > 1 ? new RealtimeError('connection_failed', 'down') : undefined,
      },
      { reconnect: { jitter: 0, initialDelayMs: 100, maxAttempts: 3 } },
    )
    const store = createRealtimeStore(runner)
    await runner.connect()
    await runner.updateSession({ instruction: 'unapplied' }, { bridgeMessage: 'Bridge.' })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(model.connects).toHaveLength(4)
    expect(runner.getState().connection).toBe('failed')
    expect(eventsOf('error').map((event) => event.error.code)).toEqual(['resumption_failed'])
    store.flush()
    expect(store.getState()).toMatchObject({
      connection: 'failed',
      runnerState: 'pendingResumption',
      agentState: 'disconnected',
      pendingResumption: {
        reason: 'contextMutation',
        attempts: 3,
        bridgeMessage: 'Bridge.',
        config: { instruction: 'unapplied' },
      },
    })
    expect(vi.getTimerCount()).toBe(0)
    store.destroy()
    await runner.close()
  })

  it('should reject run() when the runner fails', async () => {
    const { runner } = createHarness(
      {
        preset: 'gemini',
        refuseConnects: (attempt) =>
          attempt > 1 ? new RealtimeError('connection_failed', 'down') : undefined,
      },
      { reconnect: { jitter: 0, initialDelayMs: 10, maxAttempts: 2 } },
    )
    const running = runner.run()
    const outcome = running.catch((error: unknown) => error)
    await settle()
    await runner.updateSession({ instruction: 'x' })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await outcome).toMatchObject({ code: 'resumption_failed' })
    await runner.close()
  })

  it('should apply the kept mutation and its bridge on the next manual connect', async () => {
    let down = false
    const { runner, model, session } = createHarness(
      {
        preset: 'gemini',
        refuseConnects: () => (down ? new RealtimeError('connection_failed', 'down') : undefined),
      },
      { reconnect: { jitter: 0, initialDelayMs: 10, maxAttempts: 2 } },
    )
    await runner.connect()
    down = true
    await runner.updateSession({ instruction: 'kept' }, { bridgeMessage: 'Bridge.' })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(runner.getState().connection).toBe('failed')
    down = false
    await runner.connect()
    await settle()
    expect(model.connects.at(-1)?.config.instruction).toBe('kept')
    expect(session().callsOf('sendText')).toEqual([{ method: 'sendText', text: 'Bridge.' }])
    expect(runner.getState()).toMatchObject({
      connection: 'connected',
      pendingResumption: undefined,
    })
    await runner.close()
  })

  it('should fail a connect that is never acknowledged as a retriable timeout', async () => {
    const { runner, model } = createHarness(
      { preset: 'gemini', connectDelayMs: 60_000 },
      { connectTimeoutMs: 1_000 },
    )
    const connecting = runner.connect().catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await connecting).toMatchObject({ code: 'timeout', retriable: true })
    expect(model.connects[0]?.outcome).toBe('cancelled')
    expect(vi.getTimerCount()).toBe(0)
    await runner.close()
  })
})

describe('RealtimeRunner outgoing audio while resuming', () => {
  it('should buffer audio (bounded, drop-oldest, counted) and replay it in order', async () => {
    const { runner, model, session } = createHarness(
      { preset: 'gemini', refuseConnects: refuse([2]) },
      // 16 kHz PCM16: 100 ms = 3,200 bytes.
      { maxBufferedAudioMs: 100 },
    )
    await runner.connect()
    await runner.updateSession({ instruction: 'x' })
    await settle()
    const chunk = (value: number) => new Uint8Array(1_600).fill(value)
    for (const value of [1, 2, 3, 4]) runner.sendAudio(chunk(value))
    runner.commitAudio()
    expect(runner.getState().droppedAudio).toEqual({ chunks: 2, bytes: 3_200 })
    await vi.advanceTimersByTimeAsync(100)
    expect(model.connects).toHaveLength(3)
    expect(
      session().calls.map((call) => (call.method === 'sendAudio' ? call.pcm[0] : call.method)),
    ).toEqual([3, 4, 'commitAudio'])
    await runner.close()
  })

  it('should report a held message the new session refuses and still send the ones behind it', async () => {
    const { runner, model, session, eventsOf } = createHarness({
      preset: 'gemini',
      refuseConnects: refuse([2]),
    })
    await runner.connect()
    await runner.updateSession({ instruction: 'x' })
    await settle()
    const refusal = new RealtimeError('invalid_audio', 'odd byte length')
    const sendAudio = vi.spyOn(ScriptedSession.prototype, 'sendAudio').mockImplementation(function (
      this: ScriptedSession,
      pcm: Uint8Array,
    ) {
      if (pcm[0] === 1) throw refusal
      this.calls.push({ method: 'sendAudio', pcm })
    })
    runner.sendAudio(new Uint8Array(2).fill(1))
    runner.sendAudio(new Uint8Array(2).fill(2))
    runner.commitAudio()
    await vi.advanceTimersByTimeAsync(100)
    expect(model.connects).toHaveLength(3)
    expect(eventsOf('error').map((event) => event.error)).toEqual([refusal])
    expect(
      session().calls.map((call) => (call.method === 'sendAudio' ? call.pcm[0] : call.method)),
    ).toEqual([2, 'commitAudio'])
    sendAudio.mockRestore()
    await runner.close()
  })

  it('should throw not_connected when there is no connection and none coming', () => {
    const { runner } = createHarness()
    expect(() => runner.sendAudio(new Uint8Array(2))).toThrowError(
      expect.objectContaining({ code: 'not_connected' }),
    )
  })
})

describe('RealtimeRunner reconnection', () => {
  it('should reconnect after a drop with backoff, resuming with the last resumable handle', async () => {
    const { runner, model, eventsOf } = createHarness({ preset: 'gemini' })
    await runner.connect()
    const first = model.session
    first?.issueHandle('good')
    first?.issueHandle('not-yet', false)
    first?.issueHandle(undefined, false)
    first?.drop()
    await settle()
    expect(eventsOf('disconnected')).toHaveLength(1)
    expect(runner.getState()).toMatchObject({
      connection: 'reconnecting',
      state: { status: 'resuming' },
    })
    expect(model.connects).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(100)
    expect(model.connects).toHaveLength(2)
    expect(model.connects[1]?.config.sessionResumption?.handle).toBe('good')
    expect(model.connects[1]?.seedItems).toBeUndefined()
    expect(runner.getState().connection).toBe('connected')
    await runner.close()
  })

  it('should close the old connection before opening the next (break before make)', async () => {
    // Gemini refuses a resume while the old socket is still open, so every path that replaces
    // the connection — a context change, a go-away — must have closed it when connect is called.
    const openWhenConnecting: number[] = []
    const harness = createHarness({
      preset: 'gemini',
      refuseConnects: () => {
        openWhenConnecting.push(harness.model.openSessions.length)
        return undefined
      },
    })
    const { runner, model, session } = harness
    await runner.connect()
    session().issueHandle('h1')
    await runner.updateSession({ instruction: 'next' })
    await settle()
    session().issueHandle('h2')
    session().goAway(5_000)
    await settle()
    expect(model.connects.map((connect) => connect.outcome)).toEqual([
      'connected',
      'connected',
      'connected',
    ])
    expect(model.connects.map((connect) => connect.config.sessionResumption?.handle)).toEqual([
      undefined,
      'h1',
      'h2',
    ])
    expect(openWhenConnecting).toEqual([0, 0, 0])
    expect(model.openSessions).toHaveLength(1)
    await runner.close()
  })

  it('should read the newest resumable handle when the queued resumption runs', async () => {
    const { runner, model, session } = createHarness({ preset: 'gemini' })
    await runner.connect()
    session().issueHandle('at-queue-time')
    session().emit(serverEvents.audioDelta())
    await runner.updateSession({ instruction: 'queued' })
    session().issueHandle('newer')
    session().issueHandle('mid-turn', false)
    session().emit(serverEvents.responseDone())
    await settle()
    expect(model.connects[1]?.config.sessionResumption?.handle).toBe('newer')
    await runner.close()
  })

  it('should re-seed the transcript as text items on a provider that cannot resume', async () => {
    const { runner, model } = createHarness({ preset: 'openai' })
    await runner.connect()
    model.session?.emit(
      { type: 'item.added', itemId: 'u1', kind: 'message', role: 'user', text: 'Book a table.' },
      serverEvents.responseStarted('r1'),
      serverEvents.transcriptDelta('For how many?', 'a1', 'r1'),
      serverEvents.responseDone('r1'),
    )
    model.session?.drop()
    await vi.advanceTimersByTimeAsync(100)
    expect(model.connects[1]?.seedItems).toEqual([
      { role: 'user', text: 'Book a table.' },
      { role: 'assistant', text: 'For how many?' },
    ])
    await runner.close()
  })

  it('should resume before a go-away deadline even while the model is busy', async () => {
    const { runner, model, session } = createHarness(
      { preset: 'gemini' },
      { goAwayMarginMs: 1_000 },
    )
    await runner.connect()
    session().issueHandle('h')
    session().emit(serverEvents.audioDelta())
    session().goAway(10_000)
    expect(runner.getState().state).toMatchObject({
      status: 'pendingResumption',
      pending: { reason: 'goAway', deadline: expect.any(Number) },
    })
    await vi.advanceTimersByTimeAsync(8_999)
    expect(model.connects).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(model.connects).toHaveLength(2)
    expect(model.connects[1]?.config.sessionResumption?.handle).toBe('h')
    expect(runner.getState().state.status).toBe('idle')
    await runner.close()
  })

  it('should resume at once on a go-away when idle', async () => {
    const { runner, model, session } = createHarness({ preset: 'gemini' })
    await runner.connect()
    session().goAway(10_000)
    await settle()
    expect(model.connects).toHaveLength(2)
    expect(vi.getTimerCount()).toBe(0)
    await runner.close()
  })

  it('should close instead of reconnecting when autoReconnect is off', async () => {
    const { runner, model } = createHarness({ preset: 'gemini' }, { autoReconnect: false })
    await runner.connect()
    model.session?.drop()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(model.connects).toHaveLength(1)
    expect(runner.getState().connection).toBe('closed')
  })
})
