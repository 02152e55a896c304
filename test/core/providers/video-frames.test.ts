import { afterEach, describe, expect, it } from 'vitest'
import { parseRealtimeConfig } from '../../../src/core/config'
import type { ServerEvent } from '../../../src/core/events'
import { toGeminiClientMessages } from '../../../src/core/providers/gemini/protocol-client'
import { GEMINI_CAPABILITIES } from '../../../src/core/providers/gemini/capabilities'
import { openAICapabilities } from '../../../src/core/providers/openai/capabilities'
import { OpenAIRealtimeModel } from '../../../src/core/providers/openai/model'
import type { OpenAIRealtimeSession } from '../../../src/core/providers/openai/session'
import { toOpenAIClientEvent } from '../../../src/core/providers/openai/protocol-client'
import { assertVideoFrame } from '../../../src/core/providers/video-frame'
import { eventually, startTestServer } from './test-server'
import type { TestServer } from './test-server'

const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10])
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00])
const geminiContext = {
  inputSampleRate: 16000,
  manualActivity: false,
  activityOpen: false,
  textInput: 'clientContent' as const,
  vertex: false,
}

describe('video frame mappings', () => {
  it('should send a Gemini frame as realtimeInput.video with its image type', () => {
    expect(
      toGeminiClientMessages(
        { type: 'video.frame', frame: jpeg, mimeType: 'image/jpeg' },
        {
          ...geminiContext,
        },
      ),
    ).toEqual({
      messages: [{ realtimeInput: { video: { data: '/9j/4AAQ', mimeType: 'image/jpeg' } } }],
      activityOpen: false,
    })
    // Manual activity mode: a frame is not speech, so no activityStart goes with it.
    const manual = toGeminiClientMessages(
      { type: 'video.frame', frame: png, mimeType: 'image/png' },
      { ...geminiContext, manualActivity: true },
    )
    expect(manual.messages).toEqual([
      { realtimeInput: { video: { data: 'iVBORw0KGgoA', mimeType: 'image/png' } } },
    ])
    expect(manual.activityOpen).toBe(false)
  })

  it('should send an OpenAI frame as a user item with an input_image data URL', () => {
    expect(
      toOpenAIClientEvent(
        { type: 'video.frame', frame: png, mimeType: 'image/png' },
        { inputFormat: 'pcm16' },
      ),
    ).toEqual({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgoA' }],
      },
    })
  })

  it('should refuse bytes that are not the declared image type', () => {
    expect(() => assertVideoFrame(png, 'image/jpeg')).toThrow(
      expect.objectContaining({ code: 'invalid_video' }),
    )
    expect(() => assertVideoFrame(new Uint8Array([0xff, 0xd8, 0xff]), 'image/jpeg')).toThrow(
      /not a image\/jpeg image/,
    )
    expect(() => assertVideoFrame(jpeg, 'image/webp' as 'image/png')).toThrow(
      /must be image\/jpeg or image\/png/,
    )
    expect(() =>
      toGeminiClientMessages(
        { type: 'video.frame', frame: new Uint8Array(64), mimeType: 'image/png' },
        geminiContext,
      ),
    ).toThrow(expect.objectContaining({ code: 'invalid_video' }))
    expect(() => assertVideoFrame(jpeg, 'image/jpeg')).not.toThrow()
  })

  it('should advertise video at 1 frame/s on both providers', () => {
    expect(GEMINI_CAPABILITIES.video).toEqual({ maxFramesPerSecond: 1 })
    expect(openAICapabilities().video).toEqual({ maxFramesPerSecond: 1 })
  })
})

describe('OpenAIRealtimeSession.sendVideoFrame', () => {
  const servers: TestServer[] = []
  const sessions: OpenAIRealtimeSession[] = []
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((session) => session.close()))
    await Promise.all(servers.splice(0).map((server) => server.close()))
  })

  it('should give image items our own ids and keep their echo out of the transcript', async () => {
    const server = await startTestServer((peer, message) => {
      if (message.type === 'session.update') {
        peer.sendJson({ type: 'session.updated', session: { id: 'sess_1' } })
      } else if (message.type === 'conversation.item.create') {
        // Echo it, as the service does, then a spoken user item that must stay visible.
        const item = message.item as Record<string, unknown>
        peer.sendJson({ type: 'conversation.item.added', previous_item_id: null, item })
        peer.sendJson({
          type: 'conversation.item.added',
          previous_item_id: item.id,
          item: { id: 'item_u1', type: 'message', role: 'user', content: [] },
        })
      }
    })
    servers.push(server)
    const model = new OpenAIRealtimeModel({ apiKey: 'sk-test', url: `${server.url}/v1/realtime` })
    const session = await model.connect(parseRealtimeConfig({}))
    sessions.push(session)
    const peer = await server.connection()
    const events: ServerEvent[] = []
    session.subscribe((event) => events.push(event))
    expect(typeof session.bufferedAmount).toBe('number')

    session.sendVideoFrame(jpeg, { mimeType: 'image/jpeg' })
    await eventually(() => events.some((event) => event.type === 'item.added'))
    const sent = peer.received.find((message) => message.type === 'conversation.item.create')!
    const item = sent.item as { id: string; content: Array<Record<string, unknown>> }
    expect(item.id).toMatch(/^adk_[\w-]+_img_1$/)
    expect(typeof sent.event_id).toBe('string')
    expect(item.content).toEqual([
      { type: 'input_image', image_url: 'data:image/jpeg;base64,/9j/4AAQ' },
    ])
    expect(events.filter((event) => event.type === 'item.added')).toEqual([
      expect.objectContaining({ itemId: 'item_u1', role: 'user' }),
    ])
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'raw', frameType: 'conversation.item.added' }),
    )
  })
})
