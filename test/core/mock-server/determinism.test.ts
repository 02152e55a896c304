import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { createMockRealtimeServer } from '../../../src/testing'
import { geminiSession, openaiSession, openaiTextTurn } from '../../conformance/mock-helpers'

/**
 * The same script against the same seed gives the same frames — ids, handles and audio bytes
 * included — so a failing test can be replayed exactly. A different seed changes the ids only.
 */
async function openaiTurn(seed: number): Promise<unknown[]> {
  const server = await createMockRealtimeServer({ seed, pingIntervalMs: 0 })
  try {
    const client = await openaiSession(server.openaiUrl)
    await openaiTextTurn(client, 'Hello!', 'rate_limits.updated')
    client.ws.close()
    // `expires_at` follows the clock; everything else must be identical.
    return client.messages.items.map((message) =>
      JSON.parse(JSON.stringify(message).replace(/"expires_at":\d+/g, '"expires_at":0')),
    )
  } finally {
    await server.close()
  }
}

async function geminiTurn(seed: number): Promise<unknown[]> {
  const server = await createMockRealtimeServer({ seed })
  try {
    const client = await geminiSession(server.url, { sessionResumption: {} })
    client.send({ realtimeInput: { text: 'Hello!' } })
    await client.messages.next(
      (message) =>
        'sessionResumptionUpdate' in message && client.messages.items.indexOf(message) > 2,
    )
    client.ws.close()
    return client.messages.items
  } finally {
    await server.close()
  }
}

describe('determinism', () => {
  it('replays an OpenAI turn identically for the same seed', async () => {
    const [first, second, other] = [await openaiTurn(7), await openaiTurn(7), await openaiTurn(8)]
    expect(second).toEqual(first)
    expect(other).not.toEqual(first)
    expect(other.map((message) => (message as { type: string }).type)).toEqual(
      first.map((message) => (message as { type: string }).type),
    )
  })

  it('replays a Gemini turn identically for the same seed, handles included', async () => {
    const [first, second] = [await geminiTurn(7), await geminiTurn(7)]
    expect(second).toEqual(first)
  })
})

describe('the frame log', () => {
  it('keeps at most maxLoggedFrames frames when asked to', async () => {
    const server = await createMockRealtimeServer({ maxLoggedFrames: 10, pingIntervalMs: 0 })
    try {
      const client = await openaiSession(server.openaiUrl)
      client.send({ type: 'response.create' })
      await client.messages.next((message) => message.type === 'rate_limits.updated')
      expect(client.messages.length).toBeGreaterThan(20)
      expect(server.log.frames.length).toBeLessThanOrEqual(13)
      expect(server.log.frames.at(-1)?.kind).toBe('rate_limits.updated')
      client.ws.close()
    } finally {
      await server.close()
    }
  })

  it('waitFor: an already-aborted signal rejects at once; a wait that resolves drops its abort listener', async () => {
    const server = await createMockRealtimeServer({ pingIntervalMs: 0 })
    try {
      const gone = AbortSignal.abort(new Error('gave up'))
      await expect(server.log.waitFor(() => true, { signal: gone })).rejects.toThrow('gave up')
      const controller = new AbortController()
      const created = server.log.waitFor((frame) => frame.kind === 'session.created', {
        signal: controller.signal,
      })
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1)
      const client = await openaiSession(server.openaiUrl)
      await created
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
      client.ws.close()
    } finally {
      await server.close()
    }
  })
})
