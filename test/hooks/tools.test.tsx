import { act, cleanup, render } from '@testing-library/react'
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import { z } from 'zod'
import type { ToolCallContext } from '../../src/core'
import { RealtimeProvider, defineTool, useRealtimeSession, useTools } from '../../src/hooks'
import type { RealtimeSessionHandle } from '../../src/hooks'
import { createScriptedModel, serverEvents } from '../../src/testing/scripted-session'
import { inMode, microtaskStore, reactModes, settle } from './support'

interface Props {
  units: string
  extra: boolean
  show?: boolean
}

interface Call {
  city: string
  units: string
  callId: string
  aborted: boolean
}

function setup(strict: boolean) {
  const model = createScriptedModel()
  const calls: Call[] = []
  let session!: RealtimeSessionHandle
  function Tools({ units, extra }: { units: string; extra: boolean }) {
    useTools([
      defineTool({
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: z.object({ city: z.string() }),
        handler: ({ city }, context) => {
          expectTypeOf(city).toEqualTypeOf<string>()
          expectTypeOf(context).toEqualTypeOf<ToolCallContext>()
          calls.push({ city, units, callId: context.callId, aborted: context.signal.aborted })
          return `${city}: 21°${units}`
        },
      }),
      ...(extra
        ? [defineTool({ name: 'get_time', parameters: z.object({}), handler: () => 'noon' })]
        : []),
    ])
    return null
  }
  function App({ show = true, ...props }: Props) {
    session = useRealtimeSession({ model, audio: false, store: microtaskStore })
    return (
      <RealtimeProvider session={session}>{show ? <Tools {...props} /> : null}</RealtimeProvider>
    )
  }
  const view = render(inMode(strict, <App units="C" extra={false} />))
  const update = vi.spyOn(session.runner, 'updateSession')
  return {
    model,
    calls,
    update,
    session: () => session,
    rerender: (props: Props) => view.rerender(inMode(strict, <App {...props} />)),
  }
}

const toolNames = (call: unknown[] | undefined) =>
  ((call?.[0] as { tools?: Array<{ name: string }> }).tools ?? []).map((tool) => tool.name)

describe.each(reactModes)('useTools (%s)', (_mode, strict) => {
  afterEach(cleanup)

  it('should register the tools of a mounted component with one updateSession', async () => {
    const { update, model, session } = setup(strict)
    await settle()
    expect(update).toHaveBeenCalledTimes(1)
    expect(toolNames(update.mock.calls[0])).toEqual(['get_weather'])
    await act(() => session().connect())
    expect(model.connects[0]?.config.tools?.map((tool) => tool.name)).toEqual(['get_weather'])
  })

  it('should turn a tool-set change into exactly one updateSession, and a new closure into none', async () => {
    const { update, model, session, rerender } = setup(strict)
    await settle()
    await act(() => session().connect())
    update.mockClear()

    rerender({ units: 'C', extra: true })
    await settle()
    expect(update).toHaveBeenCalledTimes(1)
    expect(toolNames(update.mock.calls[0])).toEqual(['get_weather', 'get_time'])
    expect(model.session?.callsOf('mutateContext')).toHaveLength(1)

    rerender({ units: 'F', extra: true }) // only the handler's closure changed
    rerender({ units: 'K', extra: true })
    await settle()
    expect(update).toHaveBeenCalledTimes(1)

    rerender({ units: 'K', extra: false })
    await settle()
    expect(update).toHaveBeenCalledTimes(2)
    expect(toolNames(update.mock.calls[1])).toEqual(['get_weather'])
    expect(model.session?.callsOf('mutateContext')).toHaveLength(2)
  })

  it('should run the handler with the latest props, typed arguments, a signal and the call id', async () => {
    const { model, session, rerender, calls } = setup(strict)
    await settle()
    await act(() => session().connect())
    rerender({ units: 'F', extra: false })
    await settle()

    await act(async () => {
      model.session?.emit(serverEvents.toolCall('call_1', 'get_weather', { city: 'Paris' }))
      await new Promise((resolve) => setTimeout(resolve, 0))
    })
    await settle()
    expect(calls).toEqual([{ city: 'Paris', units: 'F', callId: 'call_1', aborted: false }])
    expect(model.session?.callsOf('sendToolResult')[0]?.result).toMatchObject({
      callId: 'call_1',
      name: 'get_weather',
      output: 'Paris: 21°F',
    })
  })

  it('should remove the tools with one updateSession when the component unmounts', async () => {
    const { update, session, rerender } = setup(strict)
    await settle()
    await act(() => session().connect())
    update.mockClear()
    rerender({ units: 'C', extra: true, show: false })
    await settle()
    expect(update).toHaveBeenCalledTimes(1)
    expect(toolNames(update.mock.calls[0])).toEqual([])
  })

  it('should leave nothing scheduled when the whole session unmounts', async () => {
    vi.useFakeTimers()
    try {
      const model = createScriptedModel()
      const weather = defineTool({
        name: 'get_weather',
        parameters: z.object({ city: z.string() }),
      })
      function Tools() {
        useTools([weather])
        return null
      }
      function App() {
        const session = useRealtimeSession({ model, audio: false, autoConnect: true })
        return (
          <RealtimeProvider session={session}>
            <Tools />
          </RealtimeProvider>
        )
      }
      const { unmount } = render(inMode(strict, <App />))
      await settle()
      await act(() => vi.advanceTimersByTimeAsync(100))
      expect(model.connects[0]?.config.tools?.map((tool) => tool.name)).toEqual(['get_weather'])
      unmount()
      await settle()
      expect(model.openSessions).toHaveLength(0)
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})
