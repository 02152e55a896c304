import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RunnerEvent } from '../../../src/core'
import { serverEvents } from '../../../src/testing'
import { createHarness, deferred, settle } from './helpers'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('RealtimeRunner close()', () => {
  it('should leave nothing behind: timers, sessions, promises, subscriptions', async () => {
    let signal: AbortSignal | undefined
    const { runner, model, session } = createHarness(
      { preset: 'gemini' },
      {
        tools: [
          {
            name: 'slow',
            handler: (_args, context) => {
              signal = context.signal
              return new Promise(() => {})
            },
          },
        ],
      },
    )
    const running = runner.run()
    await settle()
    const first = session()
    first.emit(serverEvents.toolCall('c1', 'slow'))
    await settle()
    expect(vi.getTimerCount()).toBeGreaterThan(0) // the tool timeout
    first.goAway(60_000) // busy: a go-away deadline timer too
    const iterator = runner.events()
    const drained = (async () => {
      const types: string[] = []
      for await (const event of iterator) types.push(event.type)
      return types
    })()
    await runner.close()
    expect(vi.getTimerCount()).toBe(0)
    expect(model.openSessions).toEqual([])
    expect(first.listenerCount).toBe(0)
    expect(signal?.aborted).toBe(true)
    await expect(running).resolves.toBeUndefined()
    // The iterator sees the aborted tool reported as cancelled and the final status change,
    // then ends: nothing stays "running" in the transcript.
    await expect(drained).resolves.toEqual(['tool.finished', 'connection.status'])
    expect(runner.getState().items).toMatchObject([{ id: 'c1', status: 'cancelled' }])
    expect(runner.getState()).toMatchObject({
      connection: 'closed',
      state: { status: 'idle' },
      sessionId: undefined,
    })
    expect(runner.isConnected()).toBe(false)
  })

  it('should stop a reconnect that is waiting for its backoff timer', async () => {
    const { runner, model } = createHarness({ preset: 'gemini' })
    await runner.connect()
    model.session?.drop()
    await settle()
    expect(vi.getTimerCount()).toBe(1)
    await runner.close()
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(model.connects).toHaveLength(1)
  })

  it('should close a session that arrives after close() during a slow connect', async () => {
    const { runner, model } = createHarness({ preset: 'openai', connectDelayMs: 500 })
    const connecting = runner.connect().catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(100)
    await runner.close()
    expect(await connecting).toMatchObject({ code: 'cancelled' })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(model.openSessions).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('should close a resumed session that arrives after close()', async () => {
    const { runner, model } = createHarness({ preset: 'gemini', connectDelayMs: 200 })
    const connecting = runner.connect()
    await vi.advanceTimersByTimeAsync(200)
    await connecting
    await runner.updateSession({ instruction: 'x' })
    await vi.advanceTimersByTimeAsync(50)
    await runner.close()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(model.openSessions).toEqual([])
  })

  it('should settle a pending session update when the runner closes, keeping the change but not its bridge', async () => {
    const { runner, model } = createHarness({ preset: 'openai', mutationDelayMs: 1_000 })
    await runner.connect()
    const update = runner.updateSession({ voice: 'ash' }, { bridgeMessage: 'Hi again.' })
    await runner.close()
    await expect(update).resolves.toEqual({ kind: 'stored' })
    await runner.connect()
    expect(model.connects[1]?.config.voice).toBe('ash')
    // close() discards bridge messages: the next call must not open with "Hi again."
    expect(model.session?.callsOf('sendText')).toEqual([])
    await runner.close()
  })

  it('should not send the bridge of a change in flight when close() and connect() run before it settles', async () => {
    const { runner, model } = createHarness({ preset: 'openai', mutationDelayMs: 50 })
    await runner.connect()
    const update = runner.updateSession(
      { instruction: 'Billing.' },
      { bridgeMessage: 'You were transferred.' },
    )
    await runner.close()
    await runner.connect()
    await vi.advanceTimersByTimeAsync(100)
    await expect(update).resolves.toEqual({ kind: 'stored' })
    expect(model.connects[1]?.config.instruction).toBe('Billing.')
    expect(model.sessions.flatMap((each) => each.callsOf('sendText'))).toEqual([])
    await runner.close()
  })

  it('should keep a change whose connection drops mid-update and apply it on reconnect', async () => {
    const { runner, model } = createHarness({ preset: 'openai', mutationDelayMs: 1_000 })
    await runner.connect()
    const update = runner.updateSession({ instruction: 'kept' })
    model.session?.drop()
    await expect(update).resolves.toEqual({ kind: 'stored' })
    await vi.advanceTimersByTimeAsync(100)
    expect(model.connects[1]?.config.instruction).toBe('kept')
    expect(runner.config.instruction).toBe('kept')
    await runner.close()
  })
})

describe('RealtimeRunner connect()', () => {
  it('should not leak a session when called twice', async () => {
    const { runner, model } = createHarness({ connectDelayMs: 100 })
    const one = runner.connect()
    const two = runner.connect()
    expect(two).toBe(one)
    await vi.advanceTimersByTimeAsync(100)
    await Promise.all([one, two])
    await runner.connect()
    expect(model.connects).toHaveLength(1)
    expect(model.openSessions).toHaveLength(1)
    expect(runner.isConnected()).toBe(true)
    expect(runner.sessionId).toBe('scripted-session-1')
    await runner.close()
  })

  it('should connect again after close, with a fresh event stream', async () => {
    const { runner, model } = createHarness()
    await runner.connect()
    await runner.close()
    await runner.connect()
    expect(model.openSessions).toHaveLength(1)
    const iterator = runner[Symbol.asyncIterator]()
    model.session?.emit(serverEvents.speechStarted())
    expect(await iterator.next()).toMatchObject({ value: { type: 'speech.started' } })
    await runner.close()
  })

  it('should start a new connect when called right after close() cancelled one', async () => {
    // React StrictMode: mount (connect), unmount (close), mount again (connect) in one tick.
    const { runner, model } = createHarness({ preset: 'openai', connectDelayMs: 50 })
    const first = runner.connect()
    const firstSettled = first.catch((error: unknown) => error)
    await runner.close()
    const second = runner.connect()
    expect(second).not.toBe(first)
    await vi.advanceTimersByTimeAsync(100)
    await expect(second).resolves.toBeUndefined()
    expect(await firstSettled).toMatchObject({ code: 'cancelled' })
    expect(runner.getState().connection).toBe('connected')
    expect(model.openSessions).toHaveLength(1)
    await runner.close()
    expect(model.openSessions).toHaveLength(0)
  })

  it('should report a refused first connect as failed with a typed error', async () => {
    const { runner, eventsOf } = createHarness({ refuseConnects: 1 })
    await expect(runner.connect()).rejects.toMatchObject({ code: 'connection_failed' })
    expect(runner.getState().connection).toBe('failed')
    expect(eventsOf('error')).toHaveLength(1)
    await runner.connect()
    expect(runner.getState().connection).toBe('connected')
    await runner.close()
  })
})

describe('RealtimeRunner events and callbacks', () => {
  it('should call the handlers in order and iterate events', async () => {
    const seen: string[] = []
    const { runner, session } = createHarness(
      {},
      {
        handlers: {
          onSpeechStarted: () => seen.push('speech'),
          onAudio: (pcm) => seen.push(`audio:${pcm.byteLength}`),
          onTranscript: (delta) => seen.push(`transcript:${delta}`),
          onResponseDone: () => seen.push('done'),
          onConnectionStatus: (status) => seen.push(status),
        },
      },
    )
    await runner.connect()
    const iterated: RunnerEvent['type'][] = []
    const loop = (async () => {
      for await (const event of runner) iterated.push(event.type)
    })()
    session().emit(
      serverEvents.speechStarted(),
      serverEvents.responseStarted(),
      serverEvents.audioDelta({ ms: 10 }),
      serverEvents.transcriptDelta('Hi'),
      serverEvents.responseDone(),
    )
    await runner.close()
    await loop
    expect(seen).toEqual([
      'connecting',
      'connected',
      'speech',
      'audio:480',
      'transcript:Hi',
      'done',
      'closed',
    ])
    expect(iterated).toEqual([
      'speech.started',
      'response.started',
      'audio.delta',
      // No player reports playback here: the audio stream stands in for it.
      'playback.started',
      'transcript.delta',
      'response.done',
      'playback.stopped',
      'connection.status',
    ])
  })

  it('should keep going when a callback throws, and report it', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {})
    const { runner, session, eventsOf } = createHarness(
      {},
      {
        handlers: {
          onSpeechStarted: () => {
            throw new Error('app bug')
          },
        },
      },
    )
    await runner.connect()
    session().emit(serverEvents.speechStarted(), serverEvents.speechStopped())
    expect(eventsOf('speech.stopped')).toHaveLength(1)
    expect(consoleError).toHaveBeenCalledOnce()
    consoleError.mockRestore()
    await runner.close()
  })

  it('should emit disconnects and call onDisconnect', async () => {
    const onDisconnect = vi.fn()
    const { runner, model } = createHarness({ preset: 'gemini' }, { handlers: { onDisconnect } })
    await runner.connect()
    model.session?.drop(1006, 'wifi')
    await settle()
    expect(onDisconnect).toHaveBeenCalledWith(
      expect.objectContaining({ code: 1006, reason: 'wifi', initiatedBy: 'network' }),
      false,
    )
    await runner.close()
  })

  it('should surface a slow acknowledgement without blocking other work', async () => {
    const slow = deferred()
    const { runner, session } = createHarness({ preset: 'openai', mutationDelayMs: 2_000 })
    await runner.connect()
    const update = runner.updateSession({ instruction: 'later' })
    session().emit(serverEvents.speechStarted())
    runner.sendText('still works')
    expect(session().callsOf('sendText')).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(2_000)
    await expect(update).resolves.toEqual({ kind: 'applied' })
    slow.resolve(undefined)
    await runner.close()
  })
})

describe('RealtimeRunner barge-in', () => {
  const playback = (heard: { itemId: string; playedMs: number } | null, playing = true) => ({
    interrupt: vi.fn(() => heard),
    isPlaying: vi.fn(() => playing),
  })

  it('should stop playback, cancel the response and truncate to what was heard', async () => {
    const player = playback({ itemId: 'item_a1', playedMs: 250.6 })
    const { runner, session, eventsOf } = createHarness(
      { preset: 'openai' },
      { config: { interruptionDetection: 'automatic' }, playback: player },
    )
    await runner.connect()
    session().emit(serverEvents.responseStarted(), serverEvents.audioDelta({ ms: 400 }))
    session().emit(serverEvents.speechStarted())
    expect(player.interrupt).toHaveBeenCalledOnce()
    const methods = session().calls.map((call) => call.method)
    expect(methods).toEqual(['interrupt', 'truncate'])
    expect(session().callsOf('truncate')[0]).toEqual({
      method: 'truncate',
      itemId: 'item_a1',
      playedMs: 250,
    })
    expect(eventsOf('playback.interrupted')[0]).toMatchObject({
      automatic: true,
      cancelled: true,
      truncated: true,
    })
    await runner.close()
  })

  it('should abort the tools of the response it cancels and send nothing for them', async () => {
    const player = playback({ itemId: 'item_a1', playedMs: 200 })
    let signal: AbortSignal | undefined
    const { runner, session, eventsOf } = createHarness(
      { preset: 'openai' },
      {
        config: { interruptionDetection: 'automatic' },
        playback: player,
        tools: [
          {
            name: 'slow',
            handler: (_args: unknown, context: { signal: AbortSignal }) => {
              signal = context.signal
              return new Promise((resolve) => setTimeout(() => resolve('late'), 1_000))
            },
          },
        ],
      },
    )
    await runner.connect()
    session().emit(
      serverEvents.responseStarted(),
      serverEvents.audioDelta({ ms: 400 }),
      serverEvents.toolCall('c1', 'slow'),
    )
    await settle()
    session().emit(serverEvents.speechStarted())
    session().emit(serverEvents.responseDone('resp_1', 'cancelled'))
    await vi.advanceTimersByTimeAsync(1_000)
    expect(signal?.aborted).toBe(true)
    expect(session().callsOf('sendToolResult')).toEqual([])
    expect(session().callsOf('createResponse')).toEqual([])
    expect(eventsOf('tool.finished')).toMatchObject([
      { callId: 'c1', status: 'cancelled', sent: false },
    ])
    expect(runner.getState().state.status).toBe('idle')
    await runner.close()
  })

  it('should let a tool of a finished response run on when the user talks over its audio', async () => {
    const player = playback({ itemId: 'item_a1', playedMs: 200 })
    const { runner, session } = createHarness(
      { preset: 'openai' },
      {
        config: { interruptionDetection: 'automatic' },
        playback: player,
        tools: [
          {
            name: 'slow',
            handler: () => new Promise((resolve) => setTimeout(() => resolve('done'), 1_000)),
          },
        ],
      },
    )
    await runner.connect()
    session().emit(
      serverEvents.responseStarted(),
      serverEvents.audioDelta({ ms: 400 }),
      serverEvents.toolCall('c1', 'slow'),
      serverEvents.responseDone(),
    )
    await settle()
    session().emit(serverEvents.speechStarted())
    await vi.advanceTimersByTimeAsync(1_000)
    expect(session().callsOf('sendToolResult')).toHaveLength(1)
    expect(session().callsOf('createResponse')).toHaveLength(1)
    await runner.close()
  })

  it('should clamp the played time to the audio received', async () => {
    const player = playback({ itemId: 'item_a1', playedMs: 900 })
    const { runner, session } = createHarness(
      { preset: 'openai' },
      { config: { interruptionDetection: 'automatic' }, playback: player },
    )
    await runner.connect()
    session().emit(serverEvents.responseStarted(), serverEvents.audioDelta({ ms: 300 }))
    session().emit(serverEvents.speechStarted())
    expect(session().callsOf('truncate')[0]?.playedMs).toBe(300)
    await runner.close()
  })

  it('should truncate without cancelling when the response is done but audio still plays', async () => {
    const player = playback({ itemId: 'item_a1', playedMs: 100 })
    const { runner, session } = createHarness(
      { preset: 'openai' },
      { config: { interruptionDetection: 'automatic' }, playback: player },
    )
    await runner.connect()
    session().emit(
      serverEvents.responseStarted(),
      serverEvents.audioDelta({ ms: 500 }),
      { type: 'audio.done', responseId: 'resp_1', itemId: 'item_a1' },
      serverEvents.responseDone(),
    )
    session().emit(serverEvents.speechStarted())
    expect(session().calls.map((call) => call.method)).toEqual(['truncate'])
    await runner.close()
  })

  it('should not truncate when nothing was heard or the provider cannot', async () => {
    for (const [preset, heard] of [
      ['openai', { itemId: 'item_a1', playedMs: 0 }],
      ['gemini', { itemId: 'item_a1', playedMs: 200 }],
    ] as const) {
      const player = playback(heard)
      const { runner, session } = createHarness(
        { preset },
        { config: { interruptionDetection: 'automatic' }, playback: player },
      )
      await runner.connect()
      session().emit(serverEvents.audioDelta({ ms: 500 }), serverEvents.speechStarted())
      expect(player.interrupt).toHaveBeenCalledOnce()
      expect(session().callsOf('truncate')).toEqual([])
      await runner.close()
    }
  })

  it('should leave barge-in to the app in manual mode, and interrupt on request', async () => {
    const player = playback({ itemId: 'item_a1', playedMs: 120 })
    const { runner, session } = createHarness({ preset: 'openai' }, { playback: player })
    await runner.connect()
    session().emit(serverEvents.responseStarted(), serverEvents.audioDelta({ ms: 500 }))
    session().emit(serverEvents.speechStarted())
    expect(player.interrupt).not.toHaveBeenCalled()
    expect(runner.interrupt()).toEqual({
      itemId: 'item_a1',
      playedMs: 120,
      cancelled: true,
      truncated: true,
    })
    await runner.close()
  })

  it('should do nothing on speech when the assistant is silent', async () => {
    const player = playback(null, false)
    const { runner, session } = createHarness(
      { preset: 'openai' },
      { config: { interruptionDetection: 'automatic' }, playback: player },
    )
    await runner.connect()
    session().emit(serverEvents.speechStarted())
    expect(player.interrupt).not.toHaveBeenCalled()
    expect(session().calls).toEqual([])
    await runner.close()
  })
})
