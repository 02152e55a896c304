import {
  OpenAIRealtimeWebSocket,
  RealtimeAgent,
  RealtimeSession,
  tool,
  type TransportEvent,
} from '@openai/agents-realtime'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createMockRealtimeServer, type MockRealtimeServer } from '../../src/testing'
import { Inbox, pcmLevelDb } from './mock-helpers'

/**
 * `@openai/agents-realtime`'s `RealtimeSession` over `OpenAIRealtimeWebSocket({ url })`: it sends
 * its own session.update (semantic VAD, `noise_reduction: null`, tools with `$schema`), runs tools
 * itself and sequences `response.create` — all of which the mock must accept like the service.
 */
let server: MockRealtimeServer

beforeAll(async () => {
  server = await createMockRealtimeServer({ keys: { openai: ['sk-test'] } })
})

afterAll(async () => {
  await server.close()
})

function startSession(tools: RealtimeAgent['tools'] = []) {
  const agent = new RealtimeAgent({ name: 'Assistant', instructions: 'Be terse.', tools })
  const session = new RealtimeSession(agent, {
    transport: new OpenAIRealtimeWebSocket({ url: server.openaiUrl }),
    model: 'gpt-realtime',
  })
  const events = new Inbox<TransportEvent & Record<string, unknown>>()
  const audio: ArrayBuffer[] = []
  const errors: unknown[] = []
  session.on('transport_event', (event) =>
    events.push(event as TransportEvent & Record<string, unknown>),
  )
  session.on('audio', (event) => audio.push(event.data))
  session.on('error', (error) => errors.push(error))
  return { session, events, audio, errors }
}

describe('@openai/agents-realtime RealtimeSession against the mock', () => {
  it('connects and has its session.update accepted', async () => {
    const { session, events, errors } = startSession()
    await session.connect({ apiKey: 'sk-test' })
    const updated = await events.next((event) => event.type === 'session.updated')
    expect(updated.session).toMatchObject({ type: 'realtime', instructions: 'Be terse.' })
    expect(events.items.some((event) => event.type === 'error')).toBe(false)
    expect(errors).toEqual([])
    session.close()
  })

  it('completes a text turn with audio out', async () => {
    const { session, events, audio, errors } = startSession()
    await session.connect({ apiKey: 'sk-test' })
    await events.next((event) => event.type === 'session.updated')
    session.sendMessage('Say hello.')
    const done = await events.next((event) => event.type === 'response.done')
    expect(done.response).toMatchObject({ status: 'completed' })
    const pcm = Buffer.concat(audio.map((chunk) => Buffer.from(chunk)))
    expect(pcm.length).toBeGreaterThan(24_000)
    expect(pcmLevelDb(pcm)).toBeGreaterThan(-30)
    expect(errors).toEqual([])
    session.close()
  })

  it('completes a tool-call round: the SDK runs the tool and the answer is spoken', async () => {
    const calls: Array<{ city: string }> = []
    const getWeather = tool({
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        calls.push({ city })
        return `It is sunny and 21 degrees in ${city}.`
      },
    })
    const { session, events, audio, errors } = startSession([getWeather])
    await session.connect({ apiKey: 'sk-test' })
    await events.next((event) => event.type === 'session.updated')
    session.sendMessage('What is the weather in Paris?')
    const first = await events.next((event) => event.type === 'response.done')
    const second = await events.next((event) => event.type === 'response.done' && event !== first)
    expect(calls).toEqual([{ city: 'Paris' }])
    const output = (
      second.response as { output: Array<{ content: Array<{ transcript: string }> }> }
    ).output
    expect(output[0]?.content[0]?.transcript).toBe('It is sunny and 21 degrees in Paris.')
    expect(audio.length).toBeGreaterThan(0)
    expect(events.items.some((event) => event.type === 'error')).toBe(false)
    expect(errors).toEqual([])
    session.close()
  })
})
