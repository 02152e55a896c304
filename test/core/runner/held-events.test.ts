import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { OpenAIRealtimeModel, RealtimeRunner, defineTool } from '../../../src/core'
import type { RunnerEvent } from '../../../src/core'
import { FakeSocket } from '../transport/fake-socket'

/**
 * A server may send events in the same moment it acknowledges the setup (the throughput
 * benchmark's traffic server does: it starts the session on the first `session.update`). The
 * session holds them until the runner subscribes; they must then be handled by a runner that
 * already knows the connection, its tools and its `connected` state — not while it binds it.
 */
class EagerServerSocket extends FakeSocket {
  override send(data: string | ArrayBufferLike | ArrayBufferView): void {
    super.send(data)
    if (typeof data !== 'string') return
    const message = JSON.parse(data) as { type: string; event_id?: string }
    if (message.type !== 'session.update') return
    const frames = [
      { type: 'session.updated', event_id: 'e1', session: { type: 'realtime' } },
      { type: 'response.created', event_id: 'e2', response: { id: 'resp_1' } },
      {
        type: 'response.function_call_arguments.done',
        event_id: 'e3',
        response_id: 'resp_1',
        item_id: 'item_1',
        call_id: 'call_1',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
      },
      { type: 'response.done', event_id: 'e4', response: { id: 'resp_1', status: 'completed' } },
    ]
    // After the session.update call returns, all in one task: the runner is still connecting.
    queueMicrotask(() => {
      for (const frame of frames) this.receive(JSON.stringify(frame))
    })
  }
}

describe('events a session held while the runner was connecting', () => {
  it('reach the tool the connection was opened with, after the connected transition', async () => {
    const sockets: EagerServerSocket[] = []
    const model = new OpenAIRealtimeModel({
      apiKey: 'sk-test',
      webSocketFactory: (request) => {
        const socket = new EagerServerSocket(request)
        sockets.push(socket)
        setTimeout(() => socket.open('realtime'), 0)
        return socket
      },
    })
    const calls: string[] = []
    const runner = new RealtimeRunner({
      model,
      tools: [
        defineTool({
          name: 'get_weather',
          parameters: z.object({ city: z.string() }),
          handler: ({ city }) => {
            calls.push(city)
            return `Sunny in ${city}.`
          },
        }),
      ],
    })
    const events: RunnerEvent[] = []
    runner.onEvent((event) => events.push(event))
    await runner.connect()
    await new Promise((resolve) => setTimeout(resolve, 10))

    expect(calls).toEqual(['Paris'])
    expect(events.filter((event) => event.type === 'error')).toEqual([])
    const sent = sockets[0]!.sentJson() as Array<{ type: string; item?: { output?: string } }>
    const output = sent.find((message) => message.type === 'conversation.item.create')
    expect(output?.item?.output).toBe('Sunny in Paris.')
    // The tool's output was followed by the turn's one response.create.
    expect(sent.at(-1)?.type).toBe('response.create')
    const status = events.findIndex(
      (event) => event.type === 'connection.status' && event.status === 'connected',
    )
    const started = events.findIndex((event) => event.type === 'response.started')
    expect(status).toBeGreaterThanOrEqual(0)
    expect(started).toBeGreaterThan(status)
    expect(runner.getState().state.status).not.toBe('executingTool')
    await runner.close()
  })
})
