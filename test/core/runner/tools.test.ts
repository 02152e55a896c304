import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { RealtimeError, defineTool } from '../../../src/core'
import type { RealtimeTool } from '../../../src/core'
import { serverEvents } from '../../../src/testing'
import { createHarness, deferred, settle } from './helpers'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const weather = (handler: RealtimeTool<{ city: string }>['handler']) =>
  defineTool({
    name: 'get_weather',
    parameters: z.object({ city: z.string() }),
    ...(handler ? { handler } : {}),
  })

describe('RealtimeRunner tools: concurrency and sequencing', () => {
  it('should run three calls of one response concurrently', async () => {
    const gates = [deferred(), deferred(), deferred()]
    let running = 0
    let peak = 0
    const tool = defineTool({
      name: 'slow',
      parameters: z.object({ n: z.number() }),
      handler: async ({ n }) => {
        running += 1
        peak = Math.max(peak, running)
        await gates[n]?.promise
        running -= 1
        return { n }
      },
    })
    const { runner, session } = createHarness({}, { tools: [tool] })
    await runner.connect()
    session().emit(
      serverEvents.responseStarted(),
      serverEvents.toolCall('c0', 'slow', { n: 0 }),
      serverEvents.toolCall('c1', 'slow', { n: 1 }),
      serverEvents.toolCall('c2', 'slow', { n: 2 }),
    )
    await settle()
    expect(running).toBe(3)
    for (const gate of gates) gate.resolve(undefined)
    await settle()
    expect(peak).toBe(3)
    expect(
      session()
        .callsOf('sendToolResult')
        .map((call) => call.result.callId)
        .sort(),
    ).toEqual(['c0', 'c1', 'c2'])
    await runner.close()
  })

  it('should keep at most maxConcurrentTools running and queue the rest', async () => {
    const gate = deferred()
    let started = 0
    const tool = { name: 'slow', handler: () => ((started += 1), gate.promise) }
    const { runner, session } = createHarness({}, { tools: [tool], maxConcurrentTools: 2 })
    await runner.connect()
    for (const id of ['a', 'b', 'c', 'd']) session().emit(serverEvents.toolCall(id, 'slow'))
    await settle()
    expect(started).toBe(2)
    gate.resolve('done')
    await settle()
    expect(started).toBe(4)
    expect(session().callsOf('sendToolResult')).toHaveLength(4)
    await runner.close()
  })

  it('should dispatch audio events while a slow tool runs', async () => {
    const gate = deferred()
    const audio: Uint8Array[] = []
    const { runner, session } = createHarness(
      {},
      {
        tools: [{ name: 'slow', handler: () => gate.promise }],
        handlers: { onAudio: (pcm) => audio.push(pcm) },
      },
    )
    await runner.connect()
    session().emit(serverEvents.toolCall('c1', 'slow'))
    await settle()
    session().emit(serverEvents.audioDelta(), serverEvents.audioDelta())
    expect(audio).toHaveLength(2)
    expect(runner.getState().state.status).toBe('executingTool')
    gate.resolve('ok')
    await runner.close()
  })

  it('should send exactly one response request, after the last output', async () => {
    const gates = [deferred(), deferred(), deferred()]
    const tool = defineTool({
      name: 'step',
      parameters: z.object({ n: z.number() }),
      handler: ({ n }) => gates[n]?.promise,
    })
    const { runner, session } = createHarness({ preset: 'openai' }, { tools: [tool] })
    await runner.connect()
    session().emit(
      serverEvents.responseStarted(),
      serverEvents.toolCall('c0', 'step', { n: 0 }),
      serverEvents.toolCall('c1', 'step', { n: 1 }),
      serverEvents.toolCall('c2', 'step', { n: 2 }),
      serverEvents.responseDone(),
    )
    gates[2]?.resolve('two')
    gates[0]?.resolve('zero')
    await settle()
    expect(session().callsOf('sendToolResult')).toHaveLength(2)
    expect(session().callsOf('createResponse')).toHaveLength(0)
    gates[1]?.resolve('one')
    await settle()
    const methods = session().calls.map((call) => call.method)
    expect(methods.filter((method) => method === 'createResponse')).toHaveLength(1)
    expect(methods.lastIndexOf('sendToolResult')).toBeLessThan(methods.indexOf('createResponse'))
    await runner.close()
  })

  it('should not ask for a response on a provider that continues by itself', async () => {
    const { runner, session } = createHarness(
      { preset: 'gemini' },
      { tools: [{ name: 'quick', handler: () => 'ok' }] },
    )
    await runner.connect()
    session().emit(serverEvents.toolCall('c1', 'quick'))
    await settle()
    expect(session().callsOf('sendToolResult')).toHaveLength(1)
    expect(session().callsOf('createResponse')).toHaveLength(0)
    await runner.close()
  })
})

describe('RealtimeRunner tools: bad input and failures', () => {
  it('should answer invalid JSON with a structured error and never call the handler', async () => {
    const handler = vi.fn()
    const { runner, session, eventsOf } = createHarness({}, { tools: [weather(handler)] })
    await runner.connect()
    session().emit(serverEvents.toolCall('c1', 'get_weather', '{"city": "Par'))
    await settle()
    expect(handler).not.toHaveBeenCalled()
    const [sent] = session().callsOf('sendToolResult')
    expect(sent?.result).toMatchObject({
      callId: 'c1',
      name: 'get_weather',
      isError: true,
      output: {
        error: {
          code: 'invalid_tool_arguments',
          message: expect.stringContaining('not valid JSON'),
        },
      },
    })
    expect(eventsOf('error').map((event) => event.error.code)).toEqual(['invalid_tool_arguments'])
    await runner.close()
  })

  it('should answer schema-invalid arguments with the failing path and never call the handler', async () => {
    const handler = vi.fn()
    const { runner, session } = createHarness({}, { tools: [weather(handler)] })
    await runner.connect()
    session().emit(serverEvents.toolCall('c1', 'get_weather', { city: 42 }))
    await settle()
    expect(handler).not.toHaveBeenCalled()
    expect(session().callsOf('sendToolResult')[0]?.result.output).toEqual({
      error: {
        code: 'invalid_tool_arguments',
        message: expect.stringContaining('city'),
        issues: [{ path: 'city', message: expect.any(String) }],
      },
    })
    await runner.close()
  })

  it('should validate arguments of a JSON Schema tool too', async () => {
    const handler = vi.fn()
    const tool = {
      name: 'lookup',
      parameters: {
        type: 'object' as const,
        properties: { id: { type: 'integer' } },
        required: ['id'],
      },
      handler,
    }
    const { runner, session } = createHarness({}, { tools: [tool] })
    await runner.connect()
    session().emit(serverEvents.toolCall('c1', 'lookup', {}))
    session().emit(serverEvents.toolCall('c2', 'lookup', { id: 7 }))
    await settle()
    expect(handler).toHaveBeenCalledOnce()
    expect(handler.mock.calls[0]?.[0]).toEqual({ id: 7 })
    expect(session().callsOf('sendToolResult')[0]?.result.isError).toBe(true)
    await runner.close()
  })

  it('should answer an unknown tool with an error output and an error event', async () => {
    const { runner, session, eventsOf } = createHarness()
    await runner.connect()
    session().emit(serverEvents.toolCall('c1', 'launch_rockets'))
    await settle()
    expect(session().callsOf('sendToolResult')[0]?.result).toMatchObject({
      isError: true,
      output: { error: { code: 'unknown_tool' } },
    })
    expect(eventsOf('error').map((event) => event.error.code)).toEqual(['unknown_tool'])
    await runner.close()
  })

  it('should turn a throwing handler into a tool_failed output', async () => {
    const { runner, session, eventsOf } = createHarness(
      {},
      {
        tools: [
          weather(() => {
            throw new Error('service down')
          }),
        ],
      },
    )
    await runner.connect()
    session().emit(serverEvents.toolCall('c1', 'get_weather', { city: 'Oslo' }))
    await settle()
    expect(session().callsOf('sendToolResult')[0]?.result.output).toEqual({
      error: { code: 'tool_failed', message: 'Tool "get_weather" failed: service down' },
    })
    expect(eventsOf('tool.finished')[0]).toMatchObject({ status: 'failed', sent: true })
    await runner.close()
  })

  it('should answer with an error when the result itself cannot be sent', async () => {
    const { runner, session, eventsOf } = createHarness(
      {},
      { tools: [{ name: 'big', handler: () => 1n }] },
    )
    await runner.connect()
    const original = session().sendToolResult.bind(session())
    vi.spyOn(session(), 'sendToolResult').mockImplementation((result) => {
      if (typeof result.output === 'bigint')
        throw new TypeError('Do not know how to serialize a BigInt')
      original(result)
    })
    session().emit(serverEvents.toolCall('c1', 'big'))
    await settle()
    expect(session().callsOf('sendToolResult')[0]?.result).toMatchObject({
      isError: true,
      output: { error: { code: 'tool_failed', message: 'Do not know how to serialize a BigInt' } },
    })
    expect(eventsOf('error')).toHaveLength(1)
    await runner.close()
  })

  it('should abort a handler on timeout and answer with a tool_timeout error', async () => {
    let seen: AbortSignal | undefined
    const tool = weather((_args, { signal }) => {
      seen = signal
      return new Promise(() => {})
    })
    const { runner, session } = createHarness({}, { tools: [tool], toolTimeoutMs: 5_000 })
    await runner.connect()
    session().emit(serverEvents.toolCall('c1', 'get_weather', { city: 'Oslo' }))
    await vi.advanceTimersByTimeAsync(4_999)
    expect(seen?.aborted).toBe(false)
    expect(session().callsOf('sendToolResult')).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(seen?.aborted).toBe(true)
    expect(seen?.reason).toMatchObject({ code: 'tool_timeout' })
    expect(session().callsOf('sendToolResult')[0]?.result.output).toEqual({
      error: { code: 'tool_timeout', message: 'Tool "get_weather" timed out after 5000 ms' },
    })
    await runner.close()
  })

  it('should abort a cancelled call and send nothing for it', async () => {
    let seen: AbortSignal | undefined
    const gate = deferred()
    const tool = weather((_args, { signal }) => {
      seen = signal
      return gate.promise
    })
    const { runner, session, eventsOf } = createHarness({ preset: 'gemini' }, { tools: [tool] })
    await runner.connect()
    session().emit(serverEvents.toolCall('c1', 'get_weather', { city: 'Oslo' }))
    await settle()
    session().emit({ type: 'tool.cancelled', callIds: ['c1'] })
    await settle()
    expect(seen?.aborted).toBe(true)
    gate.resolve('too late')
    await settle()
    expect(session().callsOf('sendToolResult')).toEqual([])
    expect(eventsOf('tool.finished')).toMatchObject([{ status: 'cancelled', sent: false }])
    expect(runner.getState().state.status).toBe('idle')
    await runner.close()
  })
})

describe('RealtimeRunner tools: idempotency and connections', () => {
  it('should run a duplicate call id once and answer it once per connection', async () => {
    const handler = vi.fn(() => ({ temp: 21 }))
    const { runner, session, model } = createHarness(
      { preset: 'gemini' },
      { tools: [weather(handler)] },
    )
    await runner.connect()
    session().emit(serverEvents.toolCall('c1', 'get_weather', { city: 'Rome' }))
    session().emit(serverEvents.toolCall('c1', 'get_weather', { city: 'Rome' }))
    await settle()
    expect(handler).toHaveBeenCalledOnce()
    expect(session().callsOf('sendToolResult')).toHaveLength(1)
    // A resumed connection that asks again gets the first result, without a second run.
    model.session?.drop()
    await vi.advanceTimersByTimeAsync(100)
    session().emit(serverEvents.toolCall('c1', 'get_weather', { city: 'Rome' }))
    await settle()
    expect(handler).toHaveBeenCalledOnce()
    expect(session().callsOf('sendToolResult')[0]?.result.output).toEqual({ temp: 21 })
    await runner.close()
  })

  it('should never send a result that finishes after a reconnect on the new connection', async () => {
    const gate = deferred()
    const { runner, model, eventsOf } = createHarness(
      { preset: 'gemini' },
      { tools: [weather(() => gate.promise)] },
    )
    await runner.connect()
    const first = model.session
    first?.emit(serverEvents.toolCall('c1', 'get_weather', { city: 'Rome' }))
    await settle()
    first?.drop()
    await vi.advanceTimersByTimeAsync(100)
    const second = model.session
    expect(second).not.toBe(first)
    gate.resolve({ temp: 30 })
    await settle()
    expect(second?.callsOf('sendToolResult')).toEqual([])
    expect(first?.callsOf('sendToolResult')).toEqual([])
    expect(eventsOf('tool.finished')).toMatchObject([
      { callId: 'c1', status: 'completed', sent: false },
    ])
    expect(runner.getState().state.status).toBe('idle')
    await runner.close()
  })

  it('should let the app answer when auto-execution is off, then request one response', async () => {
    const calls: string[] = []
    const { runner, session } = createHarness(
      { preset: 'openai' },
      {
        autoExecuteTools: false,
        tools: [weather(() => 'never')],
        handlers: { onToolCall: (event) => calls.push(event.callId) },
      },
    )
    await runner.connect()
    session().emit(
      serverEvents.responseStarted(),
      serverEvents.toolCall('c1', 'get_weather', { city: 'X' }),
    )
    session().emit(serverEvents.responseDone())
    expect(calls).toEqual(['c1'])
    expect(runner.getState().state.status).toBe('executingTool')
    runner.sendToolResponse({ callId: 'c1', output: { temp: 3 } })
    await settle()
    expect(session().callsOf('sendToolResult')[0]?.result).toEqual({
      callId: 'c1',
      name: 'get_weather',
      output: { temp: 3 },
    })
    expect(session().callsOf('createResponse')).toHaveLength(1)
    expect(runner.getState().items).toMatchObject([
      { kind: 'toolCall', id: 'c1', status: 'completed', result: { temp: 3 } },
    ])
    await runner.close()
  })

  it('should take an answer the onToolCall handler sends at once, then request one response', async () => {
    // The natural way to answer a client-side tool: from the callback that announces it.
    const { runner, session } = createHarness(
      { preset: 'openai' },
      {
        autoExecuteTools: false,
        tools: [weather(undefined)],
        handlers: {
          onToolCall: (call) => runner.sendToolResponse({ callId: call.callId, output: 'sunny' }),
        },
      },
    )
    await runner.connect()
    session().emit(
      serverEvents.responseStarted(),
      serverEvents.toolCall('c1', 'get_weather', { city: 'X' }),
      serverEvents.responseDone(),
    )
    await settle()
    expect(session().callsOf('sendToolResult')).toHaveLength(1)
    expect(session().callsOf('createResponse')).toHaveLength(1)
    expect(runner.getState().state).toMatchObject({
      status: 'generating',
      activity: { toolsInFlight: 0 },
    })
    expect(runner.getState().items).toMatchObject([
      { kind: 'toolCall', id: 'c1', status: 'completed', result: 'sunny' },
    ])
    await runner.close()
  })

  it('should be idle again when the provider refuses the response asked for after the outputs', async () => {
    const { runner, session, eventsOf } = createHarness(
      { preset: 'openai' },
      { tools: [{ name: 'quick', handler: () => 'ok' }] },
    )
    await runner.connect()
    session().emit(
      serverEvents.responseStarted(),
      serverEvents.toolCall('c1', 'quick'),
      serverEvents.responseDone(),
    )
    await settle()
    expect(session().callsOf('createResponse')).toHaveLength(1)
    expect(runner.getState().state.status).toBe('generating')
    session().emit({
      type: 'error',
      error: new RealtimeError('server_error', 'Conversation already has an active response'),
      frameType: 'response.create',
      clientEventId: 'evt_9',
    })
    expect(runner.getState().state.status).toBe('idle')
    expect(eventsOf('error').at(-1)?.error.message).toMatch(/active response/)
    await runner.close()
  })

  it('should refuse to send an app result for a call of a replaced connection', async () => {
    const { runner, model } = createHarness({ preset: 'gemini' }, { autoExecuteTools: false })
    await runner.connect()
    model.session?.emit(serverEvents.toolCall('c1', 'anything'))
    model.session?.drop()
    await vi.advanceTimersByTimeAsync(100)
    expect(() => runner.sendToolResponse({ callId: 'c1', output: 1 })).toThrowError(
      expect.objectContaining({ code: 'session_closed' }),
    )
    expect(model.session?.callsOf('sendToolResult')).toEqual([])
    await runner.close()
  })

  it('should refuse an app result for an auto-executed call of a replaced connection', async () => {
    const { runner, model } = createHarness(
      { preset: 'gemini' },
      { tools: [{ name: 'quick', handler: () => 'ok' }] },
    )
    await runner.connect()
    model.session?.emit(serverEvents.toolCall('c1', 'quick'))
    await settle()
    model.session?.drop()
    await vi.advanceTimersByTimeAsync(100)
    expect(runner.getState().connection).toBe('connected')
    expect(() => runner.sendToolResponse({ callId: 'c1', output: 'late' })).toThrowError(
      expect.objectContaining({ code: 'session_closed' }),
    )
    expect(model.session?.callsOf('sendToolResult')).toEqual([])
    await runner.close()
  })

  it('should leave a declared tool without handler to the app', async () => {
    const { runner, session } = createHarness(
      {},
      { tools: [{ name: 'client_side', description: 'Answered by the UI' }] },
    )
    await runner.connect()
    session().emit(serverEvents.toolCall('c1', 'client_side'))
    await settle()
    expect(session().callsOf('sendToolResult')).toEqual([])
    runner.sendToolResponse({ callId: 'c1', output: 'done' })
    expect(session().callsOf('sendToolResult')[0]?.result.name).toBe('client_side')
    await runner.close()
  })

  it('should reject a duplicate tool name as invalid_config', () => {
    expect(() =>
      createHarness(
        {},
        {
          tools: [
            { name: 'a', handler: () => 1 },
            { name: 'a', handler: () => 2 },
          ],
        },
      ),
    ).toThrowError(expect.objectContaining({ code: 'invalid_config' }))
  })
})
