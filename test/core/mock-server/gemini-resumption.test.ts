import { afterEach, describe, expect, it } from 'vitest'
import { createMockRealtimeServer, type MockRealtimeServer } from '../../../src/testing'
import { ResumptionRegistry } from '../../../src/testing/mock-server/gemini/resumption'
import {
  geminiSession,
  ManualClock,
  rawClient,
  type RawClient,
} from '../../conformance/mock-helpers'

/**
 * Session resumption and connection lifetime (wire-protocols §1.6–1.7): `sessionResumptionUpdate`
 * is `resumable: false` while generating or while calls are pending and carries a `newHandle` at
 * safe points; a handle resumes the conversation on a new socket, but not while the old socket is
 * still open (1011); `goAway { timeLeft }` comes before the lifetime ends.
 */
let server: MockRealtimeServer

afterEach(async () => {
  await server.close()
})

type Update = { newHandle?: string; resumable: boolean }

function updates(client: RawClient, from = 0): Update[] {
  return client.messages.items
    .slice(from)
    .filter((message) => 'sessionResumptionUpdate' in message)
    .map((message) => message.sessionResumptionUpdate as Update)
}

const turnComplete = (message: Record<string, unknown>) =>
  (message.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete === true

function lastOutputText(client: RawClient, from: number): string {
  return client.messages.items
    .slice(from)
    .map(
      (message) =>
        (message.serverContent as { outputTranscription?: { text?: string } } | undefined)
          ?.outputTranscription?.text ?? '',
    )
    .join('')
}

describe('Gemini session resumption', () => {
  it('is resumable at safe points only, with a new handle each time', async () => {
    server = await createMockRealtimeServer()
    const client = await geminiSession(server.url, {
      sessionResumption: {},
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } },
            },
          ],
        },
      ],
    })
    await client.messages.next((message) => 'sessionResumptionUpdate' in message)
    expect(updates(client)).toEqual([{ newHandle: expect.any(String), resumable: true }])

    let from = client.messages.length
    client.send({ realtimeInput: { text: 'Hello.' } })
    await client.messages.next(
      (message) =>
        'sessionResumptionUpdate' in message &&
        turnComplete(client.messages.items[client.messages.items.indexOf(message) - 1] ?? {}),
      from,
    )
    expect(updates(client, from)).toEqual([
      { resumable: false },
      { newHandle: expect.any(String), resumable: true },
    ])

    from = client.messages.length
    client.send({ realtimeInput: { text: 'What is the weather in Paris?' } })
    const call = await client.messages.next((message) => 'toolCall' in message, from)
    // While the call is pending: not resumable.
    expect(updates(client, from)).toEqual([{ resumable: false }])
    const id = (call.toolCall as { functionCalls: Array<{ id: string }> }).functionCalls[0]!.id
    client.send({
      toolResponse: {
        functionResponses: [{ id, name: 'get_weather', response: { output: 'Sunny.' } }],
      },
    })
    await client.messages.next(
      (message) =>
        'sessionResumptionUpdate' in message &&
        (message.sessionResumptionUpdate as Update).resumable,
      from,
    )
    const handles = updates(client).flatMap((update) =>
      update.newHandle ? [update.newHandle] : [],
    )
    expect(new Set(handles).size).toBe(handles.length)
    client.ws.close()
  })

  it('sends no updates when the setup did not ask for resumption', async () => {
    server = await createMockRealtimeServer()
    const client = await geminiSession(server.url, {})
    client.send({ realtimeInput: { text: 'Hello.' } })
    await client.messages.next(turnComplete)
    expect(updates(client)).toEqual([])
    client.ws.close()
  })

  it('resumes the conversation from a handle on a new socket once the old one is closed', async () => {
    server = await createMockRealtimeServer()
    const first = await geminiSession(server.url, {
      sessionResumption: {},
      outputAudioTranscription: {},
    })
    first.send({ realtimeInput: { text: 'My name is Ada.' } })
    await first.messages.next(turnComplete)
    await first.messages.next(
      (message) =>
        'sessionResumptionUpdate' in message && first.messages.items.indexOf(message) > 2,
    )
    const handle = updates(first).at(-1)!.newHandle!

    // Still open: the service refuses the resume with 1011.
    const early = rawClient(
      `${server.url.replace(/^http/, 'ws')}//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=K`,
    )
    await early.opened
    early.send({
      setup: {
        model: 'models/gemini-2.5-flash-native-audio-preview-09-2025',
        sessionResumption: { handle },
      },
    })
    expect((await early.closed).code).toBe(1011)

    first.ws.close()
    await first.closed
    const second = await geminiSession(server.url, {
      sessionResumption: { handle },
      outputAudioTranscription: {},
    })
    const from = second.messages.length
    second.send({ realtimeInput: { text: 'What did I say?' } })
    await second.messages.next(turnComplete, from)
    expect(lastOutputText(second, from)).toBe('You said: My name is Ada.')
    second.ws.close()
  })

  it('closes 1007 for an unknown handle', async () => {
    server = await createMockRealtimeServer()
    const client = rawClient(
      `${server.url.replace(/^http/, 'ws')}//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=K`,
    )
    await client.opened
    client.send({
      setup: {
        model: 'models/gemini-2.5-flash-native-audio-preview-09-2025',
        sessionResumption: { handle: 'no-such-handle' },
      },
    })
    expect((await client.closed).code).toBe(1007)
  })

  it('reports lastConsumedClientMessageIndex in transparent mode', async () => {
    server = await createMockRealtimeServer()
    const client = await geminiSession(server.url, { sessionResumption: { transparent: true } })
    client.send({ realtimeInput: { text: 'Hi.' } })
    await client.messages.next(
      (message) =>
        'sessionResumptionUpdate' in message &&
        (message.sessionResumptionUpdate as Update).resumable === false,
    )
    expect(updates(client).find((update) => !update.resumable)).toMatchObject({
      lastConsumedClientMessageIndex: '1',
    })
    client.ws.close()
  })
})

describe('Gemini resumption handles', () => {
  it('are kept for two hours, and only the newest 1000 of them', () => {
    const clock = new ManualClock()
    const registry = new ResumptionRegistry(clock)
    const record = { id: 'session', connected: () => false }
    registry.issue('early', record, [])
    clock.advance(2 * 60 * 60 * 1000)
    expect(registry.resolve('early')).toBeUndefined()
    for (let i = 0; i <= 1000; i++) {
      registry.issue(`handle-${i}`, record, [{ role: 'user', text: `turn ${i}`, spoken: false }])
    }
    expect(registry.resolve('handle-0')).toBeUndefined()
    expect(registry.resolve('handle-1')?.history).toEqual([
      { role: 'user', text: 'turn 1', spoken: false },
    ])
    expect(registry.resolve('handle-1000')).toBeDefined()
  })
})

describe('Gemini connection lifetime', () => {
  it('sends goAway { timeLeft } before the lifetime ends, then closes 1011', async () => {
    const clock = new ManualClock()
    server = await createMockRealtimeServer({ clock, connectionLifetimeMs: 600_000 })
    const client = await geminiSession(server.url, {})
    clock.advance(549_999)
    client.send({ realtimeInput: { text: 'Hi.' } })
    // Nothing has been said about going away yet.
    await client.messages.next(
      (message) =>
        (message.serverContent as { modelTurn?: unknown } | undefined)?.modelTurn !== undefined,
    )
    expect(client.messages.items.some((message) => 'goAway' in message)).toBe(false)
    clock.advance(1)
    expect(await client.messages.next((message) => 'goAway' in message)).toMatchObject({
      goAway: { timeLeft: '50s' },
    })
    clock.advance(50_000)
    expect(await client.closed).toEqual({
      code: 1011,
      reason: 'Deadline expired before operation could complete.',
    })
  })
})
