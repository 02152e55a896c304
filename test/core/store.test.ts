import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RealtimeError, createRealtimeStore } from '../../src/core'
import { serverEvents } from '../../src/testing'
import { createHarness, deferred, settle } from './runner/helpers'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** A hand-driven frame scheduler: `frame()` runs what was scheduled for the next frame. */
function frames() {
  let queued: Array<() => void> = []
  return {
    schedule: (publish: () => void) => {
      queued.push(publish)
      return () => {
        queued = queued.filter((entry) => entry !== publish)
      }
    },
    frame() {
      const run = queued
      queued = []
      for (const publish of run) publish()
    },
    get pending() {
      return queued.length
    },
  }
}

describe('createRealtimeStore', () => {
  it('should publish 1,000 deltas of one tick in a single notification per frame', async () => {
    const { runner, session } = createHarness()
    const clock = frames()
    const store = createRealtimeStore(runner, { schedule: clock.schedule })
    const listener = vi.fn()
    store.subscribe(listener)
    await runner.connect()
    clock.frame()
    listener.mockClear()
    session().emit(serverEvents.responseStarted())
    for (let index = 0; index < 1_000; index += 1) session().emit(serverEvents.transcriptDelta('a'))
    expect(listener).not.toHaveBeenCalled()
    expect(clock.pending).toBe(1)
    clock.frame()
    expect(listener).toHaveBeenCalledOnce()
    const [item] = store.getState().items
    expect(item?.kind === 'message' && item.text).toHaveLength(1_000)
    store.destroy()
    await runner.close()
  })

  it('should coalesce to one microtask in Node by default', async () => {
    const { runner, session } = createHarness()
    await runner.connect()
    const store = createRealtimeStore(runner)
    const listener = vi.fn()
    store.subscribe(listener)
    for (let index = 0; index < 1_000; index += 1) session().emit(serverEvents.transcriptDelta('b'))
    expect(listener).not.toHaveBeenCalled()
    await Promise.resolve()
    expect(listener).toHaveBeenCalledOnce()
    store.destroy()
    await runner.close()
  })

  it('should use requestAnimationFrame when the environment has it', async () => {
    const callbacks: FrameRequestCallback[] = []
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) =>
      callbacks.push(callback),
    )
    vi.stubGlobal('cancelAnimationFrame', () => {})
    try {
      const { runner, session } = createHarness()
      await runner.connect()
      const store = createRealtimeStore(runner)
      const listener = vi.fn()
      store.subscribe(listener)
      session().emit(serverEvents.transcriptDelta('x'), serverEvents.transcriptDelta('y'))
      await Promise.resolve()
      expect(listener).not.toHaveBeenCalled()
      expect(callbacks).toHaveLength(1)
      callbacks[0]?.(0)
      expect(listener).toHaveBeenCalledOnce()
      store.destroy()
      await runner.close()
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('should mirror connection status, runner state and derived agent state', async () => {
    const gate = deferred()
    const { runner, session } = createHarness(
      {},
      { tools: [{ name: 'slow', handler: () => gate.promise }] },
    )
    const store = createRealtimeStore(runner)
    expect(store.getState()).toMatchObject({ connection: 'idle', agentState: 'disconnected' })
    await runner.connect()
    store.flush()
    expect(store.getState()).toMatchObject({
      connection: 'connected',
      runnerState: 'idle',
      agentState: 'listening',
      sessionId: 'scripted-session-1',
    })
    session().emit(serverEvents.speechStarted())
    store.flush()
    expect(store.getState()).toMatchObject({ userSpeaking: true, agentState: 'listening' })
    session().emit(serverEvents.speechStopped())
    store.flush()
    expect(store.getState()).toMatchObject({ userSpeaking: false, agentState: 'thinking' })
    vi.advanceTimersByTime(300)
    session().emit(serverEvents.responseStarted(), serverEvents.audioDelta())
    store.flush()
    expect(store.getState()).toMatchObject({
      runnerState: 'generating',
      agentSpeaking: true,
      agentState: 'speaking',
      latency: { responseMs: 300 },
    })
    session().emit(
      { type: 'audio.done', responseId: 'resp_1', itemId: 'item_a1' },
      serverEvents.toolCall('c1', 'slow'),
    )
    store.flush()
    expect(store.getState()).toMatchObject({
      runnerState: 'executingTool',
      agentState: 'executingTool',
    })
    vi.advanceTimersByTime(50)
    gate.resolve('ok')
    await settle()
    session().emit({
      type: 'response.done',
      responseId: 'resp_1',
      status: 'completed',
      usage: { inputTokens: 10, outputTokens: 5 },
    })
    session().emit({ type: 'usage', usage: { inputTokens: 1 } })
    store.flush()
    expect(store.getState()).toMatchObject({
      usage: { inputTokens: 11, outputTokens: 5 },
      latency: { toolDurationsMs: { c1: 50 } },
    })
    expect(store.getState().items.map((item) => item.kind)).toEqual(['message', 'toolCall'])
    await runner.close()
    store.flush()
    expect(store.getState()).toMatchObject({ connection: 'closed', agentState: 'disconnected' })
    store.destroy()
  })

  it('should forget who was speaking and the awaited answer when the client closes', async () => {
    const { runner, session } = createHarness()
    const store = createRealtimeStore(runner)
    await runner.connect()
    session().emit(
      serverEvents.responseStarted(),
      serverEvents.audioDelta(),
      serverEvents.speechStarted(),
    )
    store.flush()
    expect(store.getState()).toMatchObject({ userSpeaking: true, agentSpeaking: true })
    session().emit(serverEvents.speechStopped(), serverEvents.speechStarted())
    await runner.close()
    store.flush()
    expect(store.getState()).toMatchObject({
      connection: 'closed',
      userSpeaking: false,
      agentSpeaking: false,
      agentState: 'disconnected',
    })

    // The next call starts listening, and its first answer is not timed from the last call.
    vi.advanceTimersByTime(5_000)
    await runner.connect()
    store.flush()
    expect(store.getState()).toMatchObject({ agentState: 'listening', userSpeaking: false })
    session().emit(serverEvents.responseStarted(), serverEvents.audioDelta())
    store.flush()
    expect(store.getState()).toMatchObject({ agentSpeaking: true, latency: { responseMs: null } })
    store.destroy()
    await runner.close()
  })

  it('should mirror a pending resumption with its reason and attempts', async () => {
    const { runner, session } = createHarness({
      preset: 'gemini',
      refuseConnects: (attempt) =>
        attempt === 2 ? new RealtimeError('connection_failed', 'no') : undefined,
    })
    const store = createRealtimeStore(runner)
    await runner.connect()
    session().emit(serverEvents.audioDelta())
    await runner.updateSession({ instruction: 'x' })
    await settle()
    store.flush()
    expect(store.getState()).toMatchObject({
      runnerState: 'pendingResumption',
      pendingResumption: { reason: 'contextMutation', attempts: 0, queuedAt: expect.any(Number) },
    })
    session().emit(serverEvents.responseDone())
    await settle()
    store.flush()
    expect(store.getState()).toMatchObject({
      connection: 'reconnecting',
      runnerState: 'resuming',
      agentState: 'disconnected',
      pendingResumption: { reason: 'contextMutation', attempts: 1 },
    })
    await vi.advanceTimersByTimeAsync(100)
    store.flush()
    expect(store.getState()).toMatchObject({ connection: 'connected', pendingResumption: null })
    store.destroy()
    await runner.close()
  })

  it('should record the last error and stop after destroy', async () => {
    const { runner, session } = createHarness()
    const store = createRealtimeStore(runner)
    await runner.connect()
    const error = new RealtimeError('server_error', 'boom')
    session().emit({ type: 'error', error })
    store.flush()
    expect(store.getState().lastError).toBe(error)
    const listener = vi.fn()
    store.subscribe(listener)
    store.destroy()
    session().emit(serverEvents.speechStarted())
    store.flush()
    await Promise.resolve()
    expect(listener).not.toHaveBeenCalled()
    await runner.close()
  })
})
