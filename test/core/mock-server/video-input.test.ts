import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { RealtimeRunner } from '../../../src/core'
import type { ConversationItem, RealtimeModel } from '../../../src/core'
import { GeminiRealtimeModel } from '../../../src/core/providers/gemini/model'
import { OpenAIRealtimeModel } from '../../../src/core/providers/openai/model'
import { createMockBrain, createMockRealtimeServer } from '../../../src/testing'
import type { BrainContext, MockRealtimeServer } from '../../../src/testing'
import { geminiSession, openaiSession } from '../../conformance/mock-helpers'

/**
 * Video frames on both protocols: accepted, validated (a decodable JPEG/PNG within the limits),
 * described to the brain, which answers "what do you see" from the latest frame.
 */
const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)))
const blue = fixture('solid-blue-768x432.jpg')
const png = fixture('split-96x64.png')

let server: MockRealtimeServer | undefined
const runners: RealtimeRunner[] = []
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()))
  await server?.close()
  server = undefined
})

function models(url: string): Record<'openai' | 'gemini', RealtimeModel> {
  return {
    openai: new OpenAIRealtimeModel({
      apiKey: 'sk-test',
      url: `${url.replace(/^http/, 'ws')}/v1/realtime`,
    }),
    gemini: new GeminiRealtimeModel({ apiKey: 'test-key', baseUrl: url }),
  }
}

/** Resolves with the first completed assistant message. */
function answer(runner: RealtimeRunner): Promise<ConversationItem & { text: string }> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const item = runner
        .getState()
        .items.find(
          (entry) =>
            entry.kind === 'message' && entry.role === 'assistant' && entry.status === 'completed',
        )
      if (item) resolve(item as ConversationItem & { text: string })
      return item !== undefined
    }
    if (!check()) {
      const off = runner.subscribe(() => {
        if (check()) off()
      })
    }
  })
}

describe.each(['gemini', 'openai'] as const)('video frames over %s', (provider) => {
  it('should describe the latest frame when asked what it sees', async () => {
    const seen: Array<BrainContext['video']> = []
    const brain = createMockBrain()
    server = await createMockRealtimeServer({
      brain: { ...brain, reply: (context) => (seen.push(context.video), brain.reply(context)) },
    })
    const runner = new RealtimeRunner({
      model: models(server.url)[provider],
      config: { outputAudioTranscription: true },
    })
    runners.push(runner)
    await runner.connect()
    expect(runner.sendVideoFrame(png, { mimeType: 'image/png' })).toBe(true)
    expect(runner.sendVideoFrame(blue, { mimeType: 'image/jpeg' })).toBe(true)
    runner.sendText('What do you see?')
    const reply = await answer(runner)
    expect(reply.text).toBe('I see a 768 by 432 picture. It is mostly blue.')
    expect(seen.at(-1)).toMatchObject({ width: 768, height: 432, dominantColor: 'blue' })
    // Frames are not conversation: only the question and the answer are in the transcript.
    expect(runner.getState().items.map((item) => item.kind === 'message' && item.role)).toEqual([
      'user',
      'assistant',
    ])
    const frames = server.log.frames.filter(
      (f) =>
        f.direction === 'in' &&
        (f.kind === 'realtimeInput.video' || JSON.stringify(f.message).includes('input_image')),
    )
    expect(frames).toHaveLength(2)
    expect(frames.every((frame) => typeof frame.at === 'number')).toBe(true)
    expect(runner.getState().video).toMatchObject({ framesSent: 2, framesSkipped: 0 })
  })
})

describe('video frame validation', () => {
  it('should close a Gemini connection on an undecodable frame (1007)', async () => {
    server = await createMockRealtimeServer()
    const client = await geminiSession(server.url, {})
    const truncated = Buffer.from(blue.subarray(0, 300)).toString('base64')
    client.send({ realtimeInput: { video: { data: truncated, mimeType: 'image/jpeg' } } })
    expect(await client.closed).toEqual({
      code: 1007,
      reason: 'Request contains an invalid argument.',
    })
  })

  it('should accept legacy image media chunks and refuse frames over the size limit', async () => {
    server = await createMockRealtimeServer({ video: { maxFrameBytes: 1_000 } })
    const client = await geminiSession(server.url, { outputAudioTranscription: {} })
    const small = Buffer.from(png).toString('base64')
    client.send({ realtimeInput: { mediaChunks: [{ data: small, mimeType: 'image/png' }] } })
    client.send({ realtimeInput: { text: 'what do you see' } })
    await client.messages.next(
      (m) => (m.serverContent as { turnComplete?: boolean } | undefined)?.turnComplete === true,
    )
    const said = client.messages.items
      .map((m) => m.serverContent as { outputTranscription?: { text?: string } } | undefined)
      .map((content) => content?.outputTranscription?.text ?? '')
      .join('')
    expect(said).toBe('I see a 96 by 64 picture. It is mostly green.')
    client.send({
      realtimeInput: {
        video: { data: Buffer.from(blue).toString('base64'), mimeType: 'image/jpeg' },
      },
    })
    expect((await client.closed).code).toBe(1007)
  })

  it('should refuse a bad OpenAI image with invalid_value and keep the session', async () => {
    server = await createMockRealtimeServer()
    const client = await openaiSession(server.openaiUrl)
    const item = (imageUrl: string) => ({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_image', image_url: imageUrl }],
      },
    })
    client.send(item(`data:image/png;base64,${Buffer.from(blue).toString('base64')}`))
    const error = await client.messages.next((m) => m.type === 'error')
    expect(error.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_value',
      param: 'item.content[0].image_url',
    })
    expect(String((error.error as { message: string }).message)).toMatch(
      /declared image\/png but the bytes are image\/jpeg/,
    )
    client.send(item('https://example.com/cat.jpg'))
    await client.messages.next((m) => m.type === 'error', error ? client.messages.length : 0)
    // A good one is added; its echo carries a placeholder, not the image data.
    client.send(item(`data:image/jpeg;base64,${Buffer.from(blue).toString('base64')}`))
    const added = await client.messages.next((m) => m.type === 'conversation.item.added')
    expect(added.item).toMatchObject({
      role: 'user',
      content: [
        { type: 'input_image', image_url: `data:image/jpeg;base64,<${blue.length} bytes>` },
      ],
    })
    expect(client.ws.readyState).toBe(client.ws.OPEN)
  })
})

describe('throttleReads fault', () => {
  it('should read at the throttled rate so that the client socket backs up', async () => {
    server = await createMockRealtimeServer({
      faults: [{ type: 'throttleReads', bytesPerSecond: 50_000 }],
    })
    const client = await openaiSession(server.openaiUrl)
    // 6 MB in 2 kB messages that do not compress: more than loopback's socket buffers hold.
    const message = (): string =>
      JSON.stringify({
        type: 'input_audio_buffer.clear',
        pad: randomBytes(1_500).toString('base64'),
      })
    for (let i = 0; i < 3_000; i++) client.ws.send(message())
    const read = () => server!.log.frames.filter((f) => f.direction === 'in').length
    const first = await server.log.waitFor((f) => f.direction === 'in')
    const start = first.at
    await new Promise((resolve) => setTimeout(resolve, 600))
    const frames = server.log.frames.filter((f) => f.direction === 'in')
    const span = frames.at(-1)!.at - start
    const rate = (frames.reduce((sum, f) => sum + f.bytes, 0) * 1000) / Math.max(span, 1)
    console.log(
      `throttleReads 50 kB/s: read ${Math.round(rate)} B/s of frame text (deflated on the wire)`,
    )
    // The log's timestamps measure the rate; bounded above by the throttle (plus one tick).
    expect(rate).toBeLessThan(50_000 * 1.6)
    expect(read()).toBeLessThan(3_000)
    expect(client.ws.bufferedAmount).toBeGreaterThan(0)
  })
})
