import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmsDbfs } from '../../src/core/audio/level'
import {
  createMockBrain,
  createMockRealtimeServer,
  type MockRealtimeServer,
} from '../../src/testing'
import { espeakVoice } from '../../demo/espeak-voice'
import { concatBase64, openaiSession } from './mock-helpers'

/**
 * The brain's `synthesize` is pluggable: here the `espeak-ng` package (GPL, a devDependency used
 * only in tests and the demo, never shipped) speaks the mock's replies instead of the default
 * formant buzz. The voice itself lives in demo/espeak-voice.ts, shared with `npm start`.
 */
const espeak = espeakVoice

let server: MockRealtimeServer

beforeAll(async () => {
  server = await createMockRealtimeServer({
    pingIntervalMs: 0,
    brain: createMockBrain({ synthesize: espeak }),
  })
})

afterAll(async () => {
  await server.close()
})

describe('a real synthesizer plugged into the mock brain', () => {
  it('speaks the reply with espeak-ng through an OpenAI turn', async () => {
    const client = await openaiSession(server.openaiUrl)
    client.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'Good morning.' }],
      },
    })
    client.send({ type: 'response.create' })
    const done = await client.messages.next((message) => message.type === 'response.done')
    expect(done.response).toMatchObject({ status: 'completed' })
    const audio = concatBase64(
      client.messages.items
        .filter((message) => message.type === 'response.output_audio.delta')
        .map((message) => String(message.delta)),
    )
    const expected = await espeak('Sure. You said: Good morning.', 24_000)
    expect(audio.length).toBe(expected.length * 2)
    const samples = new Int16Array(audio.buffer, audio.byteOffset, audio.length / 2)
    expect(rmsDbfs(samples)).toBeGreaterThan(-40)
    client.ws.close()
  })
})
