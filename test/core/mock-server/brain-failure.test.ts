import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createMockBrain,
  createMockRealtimeServer,
  type MockRealtimeServer,
} from '../../../src/testing'
import { geminiSession, openaiSession } from '../../conformance/mock-helpers'

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
