import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createMockBrain,
  createMockRealtimeServer,
  type MockRealtimeServer,
} from '../../../src/testing'
import { geminiSession, openaiSession, silence, tone } from '../../conformance/mock-helpers'

/**
 * A brain that throws (a bug in whoever plugged it in) is reported on the console and ends the
 * turn the way the service ends on an internal error, instead of leaving the client waiting.
 */
let server: MockRealtimeServer

afterEach(async () => {
  vi.restoreAllMocks()
  await server.close()
})

const broken = createMockBrain({
  respond: () => {
    throw new Error('boom')
  },
})

describe('a failing brain', () => {
  it('OpenAI: server_error event, then response.done with status failed', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {})
    server = await createMockRealtimeServer({ brain: broken, pingIntervalMs: 0 })
    const client = await openaiSession(server.openaiUrl)
    client.send({ type: 'response.create' })
    const done = await client.messages.next((message) => message.type === 'response.done')
    expect(done.response).toMatchObject({ status: 'failed', status_details: { type: 'failed' } })
    const error = client.messages.items.find((message) => message.type === 'error')
    expect(error?.error).toMatchObject({
      type: 'server_error',
      message: 'The mock brain failed: Error: boom',
    })
    expect(report).toHaveBeenCalledOnce()
    client.ws.close()
  })

  it('Gemini: close 1011 "Internal error encountered."', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {})
    server = await createMockRealtimeServer({ brain: broken })
    const client = await geminiSession(server.url, {})
    client.send({ realtimeInput: { text: 'Hi' } })
    expect(await client.closed).toEqual({ code: 1011, reason: 'Internal error encountered.' })
    expect(report).toHaveBeenCalledOnce()
  })
})

/** A spoken turn for the server VAD: a tone, then enough silence to end it. */
const utterance = (rate: number) =>
  Buffer.concat([tone(600, rate), silence(1200, rate)]).toString('base64')

/** A `transcripts` function that fails: at once, or by rejecting. */
const deaf = (mode: 'throws' | 'rejects') =>
  createMockBrain({
    transcripts:
      mode === 'throws'
        ? () => {
            throw new Error('deaf')
          }
        : () => Promise.reject(new Error('deaf')),
  })

describe('a failing recogniser (`transcripts`)', () => {
  it.each(['throws', 'rejects'] as const)(
    'OpenAI with transcription on: when it %s, input_audio_transcription.failed for the item, and the turn is still answered',
    async (mode) => {
      const report = vi.spyOn(console, 'error').mockImplementation(() => {})
      server = await createMockRealtimeServer({ brain: deaf(mode), pingIntervalMs: 0 })
      const client = await openaiSession(server.openaiUrl)
      client.send({
        type: 'session.update',
        session: { type: 'realtime', audio: { input: { transcription: { model: 'whisper-1' } } } },
      })
      await client.messages.next((message) => message.type === 'session.updated')
      client.send({ type: 'input_audio_buffer.append', audio: utterance(24_000) })
      const done = await client.messages.next((message) => message.type === 'response.done')
      expect(done.response).toMatchObject({ status: 'completed' })
      const committed = client.messages.items.find(
        (message) => message.type === 'input_audio_buffer.committed',
      )
      const failed = client.messages.items.find(
        (message) => message.type === 'conversation.item.input_audio_transcription.failed',
      )
      expect(failed).toMatchObject({
        item_id: committed?.item_id,
        content_index: 0,
        error: { type: 'server_error', message: 'The mock brain failed: Error: deaf' },
      })
      expect(client.messages.items.some((message) => message.type === 'error')).toBe(false)
      expect(report).toHaveBeenCalledOnce()
      client.ws.close()
    },
  )

  it('OpenAI with transcription off: a server_error event, for spoken turns and audio items alike', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {})
    server = await createMockRealtimeServer({ brain: deaf('throws'), pingIntervalMs: 0 })
    const client = await openaiSession(server.openaiUrl)
    client.send({ type: 'input_audio_buffer.append', audio: utterance(24_000) })
    await client.messages.next((message) => message.type === 'response.done')
    const from = client.messages.length
    client.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_audio', audio: utterance(24_000) }],
      },
    })
    await client.messages.next((message) => message.type === 'conversation.item.done', from)
    const errors = client.messages.items.filter((message) => message.type === 'error')
    expect(errors.map((message) => message.error)).toEqual([
      expect.objectContaining({
        type: 'server_error',
        message: 'The mock brain failed: Error: deaf',
      }),
      expect.objectContaining({
        type: 'server_error',
        message: 'The mock brain failed: Error: deaf',
      }),
    ])
    expect(report).toHaveBeenCalledTimes(2)
    client.ws.close()
  })

  it.each(['throws', 'rejects'] as const)(
    'Gemini: when it %s, close 1011 "Internal error encountered."',
    async (mode) => {
      const report = vi.spyOn(console, 'error').mockImplementation(() => {})
      server = await createMockRealtimeServer({ brain: deaf(mode) })
      const client = await geminiSession(server.url, {})
      client.send({
        realtimeInput: { audio: { data: utterance(16_000), mimeType: 'audio/pcm;rate=16000' } },
      })
      expect(await client.closed).toEqual({ code: 1011, reason: 'Internal error encountered.' })
      expect(report).toHaveBeenCalledOnce()
    },
  )
})
