import ESpeakNg from 'espeak-ng'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmsDbfs } from '../../src/core/audio/level'
import { Resampler } from '../../src/core/audio/resample'
import {
  createMockBrain,
  createMockRealtimeServer,
  type MockRealtimeServer,
} from '../../src/testing'
import { concatBase64, openaiSession } from './mock-helpers'

/**
 * The brain's `synthesize` is pluggable: here the `espeak-ng` package (GPL, a devDependency used
 * only in tests and the demo, never shipped) speaks the mock's replies instead of the default
 * formant buzz.
 */
async function espeak(text: string, sampleRate: number): Promise<Int16Array> {
  // `-q` would suppress the WAV too; the file path must be absolute in the module's memory FS.
  const engine = await ESpeakNg({
    arguments: ['-v', 'en-us', '-w', '/tmp/reply.wav', text],
    print: () => {},
    printErr: () => {},
  })
  const wav = engine.FS.readFile('/tmp/reply.wav')
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength)
  const rate = view.getUint32(24, true)
  // Walk the RIFF chunks to `data` (espeak writes a plain 44-byte header, but do not rely on it).
  let offset = 12
  while (
    offset + 8 <= wav.length &&
    String.fromCharCode(...wav.subarray(offset, offset + 4)) !== 'data'
  ) {
    offset += 8 + view.getUint32(offset + 4, true)
  }
  const data = wav.slice(offset + 8, wav.length - ((wav.length - offset - 8) % 2))
  const pcm = new Int16Array(data.buffer, data.byteOffset, data.length / 2)
  const resampler = new Resampler({ inputRate: rate, outputRate: sampleRate })
  const head = resampler.processInt16(pcm)
  const tail = resampler.flushInt16()
  const out = new Int16Array(head.length + tail.length)
  out.set(head)
  out.set(tail, head.length)
  return out
}

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
