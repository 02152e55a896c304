import { afterEach, describe, expect, it } from 'vitest'
import { GeminiRealtimeModel, OpenAIRealtimeModel, parseRealtimeConfig } from '../../src/core'
import type { RealtimeModel, ServerEvent } from '../../src/core'
import { createRelayServer } from '../../src/server'
import { createMockRealtimeServer } from '../../src/testing'

/**
 * Our providers reach the mock through the relay without holding a key (`auth: 'none'`): the
 * relay adds the key upstream, and the mock only accepts that key, so a completed turn proves the
 * key travelled server-side while nothing the browser sent or received contained it.
 */
const relayKey = 'sk-relay-only-key-42'
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup() {
  const mock = await createMockRealtimeServer({
    keys: { openai: [relayKey], gemini: [relayKey] },
  })
  cleanups.push(mock.close)
  const relay = await createRelayServer({
    upstream: 'mock',
    apiKey: relayKey,
    upstreamUrls: { openai: mock.openaiUrl, gemini: mock.url },
  })
  cleanups.push(relay.close)
  return { mock, relay }
}

async function textTurn(
  model: RealtimeModel,
): Promise<{ transcript: string; events: ServerEvent[] }> {
  const session = await model.connect(
    parseRealtimeConfig({ instruction: 'Be brief.', outputAudioTranscription: true }),
  )
  cleanups.push(() => session.close())
  const events: ServerEvent[] = []
  const done = new Promise<void>((resolve) =>
    session.subscribe((event) => {
      events.push(event)
      if (event.type === 'response.done') resolve()
    }),
  )
  session.sendText('Hello there')
  session.createResponse()
  await done
  const transcript = events
    .filter((e) => e.type === 'transcript.delta' || e.type === 'text.delta')
    .map((e) => ('delta' in e ? e.delta : ''))
    .join('')
  return { transcript, events }
}

describe('providers through the relay', () => {
  it('should complete an OpenAI turn without a key in the browser', async () => {
    const { relay } = await setup()
    const model = new OpenAIRealtimeModel({ auth: 'none', url: relay.openaiUrl })
    const { transcript, events } = await textTurn(model)
    expect(transcript.length).toBeGreaterThan(0)
    expect(events.some((e) => e.type === 'audio.delta')).toBe(true)
    expect(
      JSON.stringify(events, (_k, v: unknown) => (v instanceof Uint8Array ? '' : v)),
    ).not.toContain(relayKey)
  })

  it('should complete a Gemini turn without a key in the browser', async () => {
    const { relay } = await setup()
    const model = new GeminiRealtimeModel({ auth: 'none', baseUrl: relay.geminiUrl })
    const { transcript, events } = await textTurn(model)
    expect(transcript.length).toBeGreaterThan(0)
    expect(events.some((e) => e.type === 'audio.delta')).toBe(true)
  })

  it('should reach a mock without keys through a mock relay given no key at all', async () => {
    const mock = await createMockRealtimeServer()
    cleanups.push(mock.close)
    const relay = await createRelayServer({
      upstream: 'mock',
      upstreamUrls: { openai: mock.openaiUrl, gemini: mock.url },
    })
    cleanups.push(relay.close)
    const openai = await textTurn(new OpenAIRealtimeModel({ auth: 'none', url: relay.openaiUrl }))
    expect(openai.transcript.length).toBeGreaterThan(0)
    const gemini = await textTurn(
      new GeminiRealtimeModel({ auth: 'none', baseUrl: relay.geminiUrl }),
    )
    expect(gemini.transcript.length).toBeGreaterThan(0)
  })

  it('should be refused by the mock when the relay holds the wrong key', async () => {
    const mock = await createMockRealtimeServer({ keys: { openai: [relayKey] } })
    cleanups.push(mock.close)
    const relay = await createRelayServer({
      upstream: 'mock',
      apiKey: 'sk-wrong',
      upstreamUrls: { openai: mock.openaiUrl },
    })
    cleanups.push(relay.close)
    const model = new OpenAIRealtimeModel({ auth: 'none', url: relay.openaiUrl })
    await expect(model.connect(parseRealtimeConfig({}))).rejects.toMatchObject({
      code: 'auth_failed',
    })
  })
})
