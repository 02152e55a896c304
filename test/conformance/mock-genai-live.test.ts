import { GoogleGenAI, Modality, Type, type LiveServerMessage, type Session } from '@google/genai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockRealtimeServer, type MockRealtimeServer } from '../../src/testing'
import { Inbox, pcmLevelDb } from './mock-helpers'

/**
 * `@google/genai`'s `ai.live.connect` with `httpOptions.baseUrl` pointing at the mock. The SDK
 * requests `//ws/…` and `connect()` resolves only after `setupComplete`, which the mock sends as a
 * binary frame like the service.
 */
let server: MockRealtimeServer

beforeAll(async () => {
  server = await createMockRealtimeServer({ keys: { gemini: ['TEST_KEY'] } })
})

afterAll(async () => {
  await server.close()
})

const weather = {
  functionDeclarations: [
    {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: {
        type: Type.OBJECT,
        properties: { city: { type: Type.STRING } },
        required: ['city'],
      },
    },
  ],
}

async function connect(
  model: string,
): Promise<{ session: Session; messages: Inbox<LiveServerMessage> }> {
  const ai = new GoogleGenAI({ apiKey: 'TEST_KEY', httpOptions: { baseUrl: server.url } })
  const messages = new Inbox<LiveServerMessage>()
  const session = await ai.live.connect({
    model,
    config: {
      responseModalities: [Modality.AUDIO],
      outputAudioTranscription: {},
      tools: [weather],
    },
    callbacks: { onmessage: messages.push },
  })
  return { session, messages }
}

function audioOf(messages: readonly LiveServerMessage[]): Buffer {
  return Buffer.concat(
    messages.flatMap((message) =>
      (message.serverContent?.modelTurn?.parts ?? [])
        .filter((part) => part.inlineData?.data)
        .map((part) => Buffer.from(part.inlineData!.data!, 'base64')),
    ),
  )
}

describe('@google/genai ai.live.connect against the mock', () => {
  it('connects on the //ws/ path and resolves after setupComplete', async () => {
    const { session, messages } = await connect('gemini-live-2.5-flash-preview')
    expect(messages.items[0]?.setupComplete).toEqual({})
    const connection = server.log.connections[server.log.connections.length - 1]
    expect(
      connection?.path.startsWith(
        '//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent',
      ),
    ).toBe(true)
    const frames = server.log.framesOf(connection!.id, 'out')
    expect(frames[0]).toMatchObject({ kind: 'setupComplete', binary: true })
    session.close()
  })

  it('completes a text turn with 24 kHz audio out and output transcription', async () => {
    const { session, messages } = await connect('gemini-2.5-flash-native-audio-preview-09-2025')
    session.sendClientContent({ turns: 'Say hello.', turnComplete: true })
    await messages.next((message) => message.serverContent?.turnComplete === true)
    const parts = messages.items.flatMap((message) => message.serverContent?.modelTurn?.parts ?? [])
    expect(parts.some((part) => part.inlineData?.mimeType === 'audio/pcm;rate=24000')).toBe(true)
    // Native-audio models think out loud in `thought` parts before speaking; they are not speech.
    expect(parts[0]).toMatchObject({ thought: true })
    const pcm = audioOf(messages.items)
    expect(pcm.length).toBeGreaterThan(24_000)
    expect(pcmLevelDb(pcm)).toBeGreaterThan(-30)
    const transcript = messages.items
      .map((message) => message.serverContent?.outputTranscription?.text ?? '')
      .join('')
    expect(transcript).toBe('Sure. You said: Say hello.')
    const generationComplete = messages.items.findIndex(
      (message) => message.serverContent?.generationComplete,
    )
    const turnComplete = messages.items.findIndex((message) => message.serverContent?.turnComplete)
    expect(generationComplete).toBeGreaterThan(0)
    expect(turnComplete).toBeGreaterThan(generationComplete)
    expect(messages.items[turnComplete]?.usageMetadata?.totalTokenCount).toBeGreaterThan(0)
    session.close()
  })

  it('completes a tool-call round: toolCall, toolResponse, spoken answer', async () => {
    const { session, messages } = await connect('gemini-2.5-flash-native-audio-preview-09-2025')
    session.sendClientContent({ turns: 'What is the weather in Paris?', turnComplete: true })
    const call = await messages.next((message) => message.toolCall !== undefined)
    const functionCall = call.toolCall?.functionCalls?.[0]
    expect(functionCall).toMatchObject({ name: 'get_weather', args: { city: 'Paris' } })
    expect(functionCall?.id).toMatch(/^function-call-\d+$/)
    const from = messages.length
    session.sendToolResponse({
      functionResponses: [
        {
          id: functionCall!.id!,
          name: 'get_weather',
          response: { output: { tempC: 21, condition: 'sunny' } },
        },
      ],
    })
    await messages.next((message) => message.serverContent?.turnComplete === true, from)
    const answer = messages.items.slice(from)
    expect(audioOf(answer).length).toBeGreaterThan(0)
    const transcript = answer
      .map((message) => message.serverContent?.outputTranscription?.text ?? '')
      .join('')
    expect(transcript).toMatch(/21.*sunny/)
    session.close()
  })
})
