import { describe, expect, it } from 'vitest'
import { createMockBrain, createMockRealtimeServer } from '../../../src/testing'
import { geminiSession, openaiSession, openaiTextTurn } from '../../conformance/mock-helpers'

/** The brain's `audioChunkMs` sets how much 24 kHz PCM16 each audio frame carries, on both sides. */
const BYTES_PER_MS = (24_000 * 2) / 1000

async function openaiChunks(audioChunkMs: number): Promise<number[]> {
  const brain = createMockBrain({ audioChunkMs, replyWords: 12 })
  const server = await createMockRealtimeServer({ brain, pingIntervalMs: 0 })
  try {
    const client = await openaiSession(server.openaiUrl)
    await openaiTextTurn(client, 'Hello!', 'response.done')
    client.ws.close()
    return client.messages.items
      .filter((message) => message.type === 'response.output_audio.delta')
      .map((message) => Buffer.from(String(message.delta), 'base64').length)
  } finally {
    await server.close()
  }
}

async function geminiChunks(audioChunkMs: number): Promise<number[]> {
  const brain = createMockBrain({ audioChunkMs, replyWords: 12 })
  const server = await createMockRealtimeServer({ brain })
  try {
    const client = await geminiSession(server.url, {})
    client.send({ realtimeInput: { text: 'Hello!' } })
    await client.messages.next((message) => 'serverContent' in message && isTurnComplete(message))
    client.ws.close()
    return client.messages.items.flatMap((message) => {
      const parts = (message as GeminiMessage).serverContent?.modelTurn?.parts ?? []
      return parts.flatMap((part) =>
        part.inlineData ? [Buffer.from(part.inlineData.data, 'base64').length] : [],
      )
    })
  } finally {
    await server.close()
  }
}

interface GeminiMessage {
  serverContent?: {
    turnComplete?: boolean
    modelTurn?: { parts?: Array<{ inlineData?: { data: string } }> }
  }
}

function isTurnComplete(message: unknown): boolean {
  return (message as GeminiMessage).serverContent?.turnComplete === true
}

describe('brain audioChunkMs', () => {
  it.each([
    ['openai', openaiChunks],
    ['gemini', geminiChunks],
  ] as const)(
    '%s: every audio frame but the last carries audioChunkMs of audio',
    async (_, chunks) => {
      for (const audioChunkMs of [20, 100]) {
        const sizes = await chunks(audioChunkMs)
        expect(sizes.length).toBeGreaterThan(2)
        expect(new Set(sizes.slice(0, -1))).toEqual(new Set([audioChunkMs * BYTES_PER_MS]))
        expect(sizes.at(-1)).toBeLessThanOrEqual(audioChunkMs * BYTES_PER_MS)
      }
    },
  )
})
