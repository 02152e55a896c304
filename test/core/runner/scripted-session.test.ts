import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RealtimeError } from '../../../src/core'
import type { ServerEvent } from '../../../src/core'
import { createScriptedModel, serverEvents } from '../../../src/testing'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('ScriptedModel and ScriptedSession', () => {
  it('should refuse N connects, then open sessions and record every attempt', async () => {
    const model = createScriptedModel({ preset: 'gemini', refuseConnects: 2 })
    await expect(model.connect({})).rejects.toMatchObject({
      code: 'connection_failed',
      retriable: true,
    })
    await expect(model.connect({})).rejects.toBeInstanceOf(RealtimeError)
    const session = await model.connect(
      { instruction: 'hi' },
      { seedItems: [{ role: 'user', text: 'x' }] },
    )
    expect(model.connects.map((connect) => connect.outcome)).toEqual([
      'refused',
      'refused',
      'connected',
    ])
    expect(model.connects[2]?.seedItems).toEqual([{ role: 'user', text: 'x' }])
    expect(session.capabilities).toMatchObject({
      liveContextMutation: false,
      sessionResumption: true,
    })
    expect(model.session).toBe(session)
  })

  it('should acknowledge slowly on the scheduler and honour an abort', async () => {
    const model = createScriptedModel({ connectDelayMs: 500 })
    const opening = model.connect({})
    await vi.advanceTimersByTimeAsync(499)
    expect(model.connects[0]?.outcome).toBe('pending')
    await vi.advanceTimersByTimeAsync(1)
    await expect(opening).resolves.toBeDefined()
    const controller = new AbortController()
    const aborted = model.connect({}, { signal: controller.signal })
    controller.abort()
    await expect(aborted).rejects.toMatchObject({ code: 'cancelled' })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('should record calls, play scripts with pauses and stop after a drop', async () => {
    const model = createScriptedModel()
    const session = await model.connect({})
    const seen: ServerEvent['type'][] = []
    session.subscribe((event) => seen.push(event.type))
    session.sendText('hello')
    session.truncate('item_1', 120)
    const playing = session.play([
      serverEvents.responseStarted(),
      { wait: 100 },
      serverEvents.responseDone(),
    ])
    expect(seen).toEqual(['response.started'])
    await vi.advanceTimersByTimeAsync(100)
    await playing
    expect(seen).toEqual(['response.started', 'response.done'])
    expect(session.calls).toEqual([
      { method: 'sendText', text: 'hello' },
      { method: 'truncate', itemId: 'item_1', playedMs: 120 },
    ])
    const stalled = session.play([{ wait: 10_000 }, serverEvents.speechStarted()])
    session.drop(1006, 'gone')
    await expect(stalled).resolves.toBeUndefined()
    await expect(session.closed).resolves.toMatchObject({ code: 1006, initiatedBy: 'network' })
    expect(() => session.sendText('late')).toThrowError(
      expect.objectContaining({ code: 'not_connected' }),
    )
    expect(session.listenerCount).toBe(0)
    expect(model.openSessions).toEqual([])
  })

  it('should apply mutations live or require a resumption, by preset', async () => {
    const live = await createScriptedModel({ preset: 'openai' }).connect({})
    await expect(live.mutateContext({ voice: 'ash' })).resolves.toEqual({ kind: 'applied' })
    expect(live.config.voice).toBe('ash')
    const gemini = await createScriptedModel({ preset: 'gemini' }).connect({})
    await expect(gemini.mutateContext({ voice: 'Kore' })).resolves.toEqual({
      kind: 'requiresResumption',
      config: { voice: 'Kore' },
    })
  })

  it('should emit go-away and resumption handles from the server side', async () => {
    const session = await createScriptedModel({ preset: 'gemini' }).connect({})
    const seen: ServerEvent[] = []
    session.subscribe((event) => seen.push(event))
    session.issueHandle('h1')
    session.issueHandle(undefined, false)
    session.goAway(5_000)
    expect(seen).toEqual([
      { type: 'resumption.update', resumable: true, handle: 'h1' },
      { type: 'resumption.update', resumable: false },
      { type: 'goAway', timeLeftMs: 5_000 },
    ])
  })
})
