import { afterEach, describe, expect, it } from 'vitest'
import { decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw } from '../../../src/core/audio/g711'
import { rmsDbfs } from '../../../src/core/audio/level'
import {
  createMockBrain,
  createMockRealtimeServer,
  type MockRealtimeServer,
} from '../../../src/testing'
import {
  concatBase64,
  openaiSession,
  silence,
  tone,
  typesOf,
  type RawClient,
} from '../../conformance/mock-helpers'

/**
 * The input audio buffer and the energy server VAD: `speech_started` / `speech_stopped` with the
 * right `audio_start_ms` / `audio_end_ms`, the commit into a user item, input transcription, manual
 * commits, and G.711 in both directions.
 */
let server: MockRealtimeServer

afterEach(async () => {
  await server.close()
})

function append(client: RawClient, pcm: Buffer, chunkMs = 100, sampleRate = 24_000): void {
  const chunk = Math.round((sampleRate * chunkMs) / 1000) * 2
  for (let offset = 0; offset < pcm.length; offset += chunk) {
    client.send({
      type: 'input_audio_buffer.append',
      audio: pcm.subarray(offset, offset + chunk).toString('base64'),
    })
  }
}

/** 500 ms of silence, 1 s of a tone, 800 ms of silence. */
const utterance = (rate = 24_000) =>
  Buffer.concat([silence(500, rate), tone(1000, rate), silence(800, rate)])

describe('OpenAI input audio and server VAD', () => {
  it('reports speech with audio_start_ms = onset - prefix padding and audio_end_ms = end + silence, then commits and answers', async () => {
    server = await createMockRealtimeServer({
      pingIntervalMs: 0,
      brain: createMockBrain({ transcripts: 'Hello there.' }),
    })
    const client = await openaiSession(server.openaiUrl)
    append(client, utterance())
    await client.messages.next((message) => message.type === 'response.done')
    const started = client.messages.items.find(
      (message) => message.type === 'input_audio_buffer.speech_started',
    )
    const stopped = client.messages.items.find(
      (message) => message.type === 'input_audio_buffer.speech_stopped',
    )
    expect(started).toMatchObject({ audio_start_ms: 200 })
    expect(stopped).toMatchObject({ audio_end_ms: 1700, item_id: started?.item_id })
    expect(typesOf(client).slice(1, 8)).toEqual([
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'response.output_item.added',
    ])
    const added = client.messages.items.find(
      (message) => message.type === 'conversation.item.added',
    )
    expect(added).toMatchObject({
      previous_item_id: null,
      item: {
        id: started?.item_id,
        role: 'user',
        content: [{ type: 'input_audio', transcript: null }],
      },
    })
    const done = client.messages.items.find((message) => message.type === 'response.done')
    expect(done?.response).toMatchObject({
      status: 'completed',
      output: [{ content: [{ type: 'output_audio', transcript: 'Sure. You said: Hello there.' }] }],
    })
    client.ws.close()
  })

  it('follows the configured prefix padding and silence duration', async () => {
    server = await createMockRealtimeServer({ pingIntervalMs: 0 })
    const client = await openaiSession(server.openaiUrl)
    client.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: {
          input: {
            turn_detection: {
              type: 'server_vad',
              prefix_padding_ms: 100,
              silence_duration_ms: 500,
              create_response: false,
            },
          },
        },
      },
    })
    await client.messages.next((message) => message.type === 'session.updated')
    append(client, utterance())
    const stopped = await client.messages.next(
      (message) => message.type === 'input_audio_buffer.speech_stopped',
    )
    expect(
      client.messages.items.find((message) => message.type === 'input_audio_buffer.speech_started'),
    ).toMatchObject({
      audio_start_ms: 400,
    })
    expect(stopped).toMatchObject({ audio_end_ms: 2000 })
    await client.messages.next((message) => message.type === 'conversation.item.done')
    expect(client.messages.items.some((message) => message.type === 'response.created')).toBe(false)
    client.ws.close()
  })

  it('sends input transcription (deltas, then completed) and keeps it on the item', async () => {
    server = await createMockRealtimeServer({
      pingIntervalMs: 0,
      brain: createMockBrain({ transcripts: ['My name is Ada.'] }),
    })
    const client = await openaiSession(server.openaiUrl)
    client.send({
      type: 'session.update',
      session: {
        type: 'realtime',
        audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } },
      },
    })
    await client.messages.next((message) => message.type === 'session.updated')
    append(client, utterance())
    const completed = await client.messages.next(
      (message) => message.type === 'conversation.item.input_audio_transcription.completed',
    )
    expect(completed).toMatchObject({
      content_index: 0,
      transcript: 'My name is Ada.',
      usage: { type: 'duration' },
    })
    const deltas = client.messages.items
      .filter((message) => message.type === 'conversation.item.input_audio_transcription.delta')
      .map((message) => message.delta)
    expect(deltas.join('')).toBe('My name is Ada.')
    await client.messages.next((message) => message.type === 'response.done')
    client.send({ type: 'conversation.item.retrieve', item_id: completed.item_id })
    const retrieved = await client.messages.next(
      (message) => message.type === 'conversation.item.retrieved',
    )
    expect(retrieved.item).toMatchObject({
      content: [{ type: 'input_audio', transcript: 'My name is Ada.' }],
    })
    client.ws.close()
  })

  it('commits manually without VAD, refusing a buffer under 100 ms, and clears', async () => {
    server = await createMockRealtimeServer({ pingIntervalMs: 0 })
    const client = await openaiSession(server.openaiUrl)
    client.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    })
    await client.messages.next((message) => message.type === 'session.updated')
    append(client, tone(50, 24_000))
    client.send({ type: 'input_audio_buffer.commit', event_id: 'evt_commit' })
    const error = await client.messages.next((message) => message.type === 'error')
    expect(error.error).toMatchObject({
      code: 'input_audio_buffer_commit_empty',
      event_id: 'evt_commit',
    })
    append(client, tone(200, 24_000))
    client.send({ type: 'input_audio_buffer.commit' })
    const committed = await client.messages.next(
      (message) => message.type === 'input_audio_buffer.committed',
    )
    await client.messages.next((message) => message.type === 'conversation.item.done')
    expect(committed.item_id).toMatch(/^item_/)
    append(client, tone(200, 24_000))
    client.send({ type: 'input_audio_buffer.clear' })
    await client.messages.next((message) => message.type === 'input_audio_buffer.cleared')
    client.send({ type: 'input_audio_buffer.commit' })
    const empty = await client.messages.next(
      (message) => message.type === 'error' && message !== error,
    )
    expect(empty.error).toMatchObject({ code: 'input_audio_buffer_commit_empty' })
    // Manual commits never start a response on their own.
    expect(client.messages.items.some((message) => message.type === 'response.created')).toBe(false)
    client.ws.close()
  })

  it.each([
    ['audio/pcmu', encodeMuLaw, decodeMuLaw],
    ['audio/pcma', encodeALaw, decodeALaw],
  ] as const)(
    'honours %s in and out (8 kHz, one byte per sample)',
    async (type, encode, decode) => {
      server = await createMockRealtimeServer({ pingIntervalMs: 0 })
      const client = await openaiSession(server.openaiUrl)
      client.send({
        type: 'session.update',
        session: {
          type: 'realtime',
          audio: { input: { format: { type } }, output: { format: { type } } },
        },
      })
      const updated = await client.messages.next((message) => message.type === 'session.updated')
      expect(updated.session).toMatchObject({
        audio: { input: { format: { type } }, output: { format: { type } } },
      })
      const pcm8k = utterance(8000)
      const samples = new Int16Array(pcm8k.buffer, pcm8k.byteOffset, pcm8k.length / 2)
      const g711 = Buffer.from(encode(samples))
      for (let offset = 0; offset < g711.length; offset += 800) {
        client.send({
          type: 'input_audio_buffer.append',
          audio: g711.subarray(offset, offset + 800).toString('base64'),
        })
      }
      const stopped = await client.messages.next(
        (message) => message.type === 'input_audio_buffer.speech_stopped',
      )
      expect(stopped.audio_end_ms).toBe(1700)
      const done = await client.messages.next((message) => message.type === 'response.done')
      expect(done.response).toMatchObject({ audio: { output: { format: { type } } } })
      const audio = concatBase64(
        client.messages.items
          .filter((message) => message.type === 'response.output_audio.delta')
          .map((message) => String(message.delta)),
      )
      const decoded = decode(audio)
      // About as many bytes per second as samples at 8 kHz, and clearly audible once decoded.
      const transcript = String(
        (done.response as { output: Array<{ content: Array<{ transcript: string }> }> }).output[0]
          ?.content[0]?.transcript,
      )
      expect(decoded.length).toBeGreaterThan(8000 * 0.5)
      expect(rmsDbfs(decoded)).toBeGreaterThan(-30)
      expect(transcript).toContain('Sure. You said:')
      client.ws.close()
    },
  )

  it('cuts a response short when the user starts speaking (interrupt_response)', async () => {
    server = await createMockRealtimeServer({
      pingIntervalMs: 0,
      brain: createMockBrain({ firstAudioDelayMs: 60_000 }),
    })
    const client = await openaiSession(server.openaiUrl)
    client.send({ type: 'response.create' })
    await client.messages.next((message) => message.type === 'response.created')
    append(client, utterance())
    const done = await client.messages.next((message) => message.type === 'response.done')
    expect(done.response).toMatchObject({
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'turn_detected' },
    })
    const started = client.messages.items.findIndex(
      (message) => message.type === 'input_audio_buffer.speech_started',
    )
    expect(started).toBeGreaterThan(0)
    expect(client.messages.items.indexOf(done)).toBeGreaterThan(started)
    client.ws.close()
  })

  it('answers once when the client asks for a response while an async transcription is pending', async () => {
    // The recogniser answers only when the test says so: the client's response.create lands
    // between speech_stopped and the transcript, where the automatic response used to collide
    // with it inside a promise callback and take the process down.
    let hear: (text: string) => void = () => {}
    const heard = new Promise<string>((resolve) => (hear = resolve))
    server = await createMockRealtimeServer({
      pingIntervalMs: 0,
      brain: createMockBrain({ transcripts: () => heard }),
    })
    const client = await openaiSession(server.openaiUrl)
    client.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { transcription: { model: 'whisper-1' } } } },
    })
    append(client, utterance())
    await client.messages.next((message) => message.type === 'input_audio_buffer.speech_stopped')
    client.send({ type: 'response.create' })
    await client.messages.next((message) => message.type === 'response.created')
    hear('Hello there.')
    await client.messages.next(
      (message) => message.type === 'conversation.item.input_audio_transcription.completed',
    )
    await client.messages.next((message) => message.type === 'response.done')
    // A round trip: a second response, had one started, would have shown up by now.
    client.send({ type: 'input_audio_buffer.clear' })
    await client.messages.next((message) => message.type === 'input_audio_buffer.cleared')
    expect(typesOf(client).filter((type) => type === 'response.created')).toHaveLength(1)
    expect(typesOf(client)).not.toContain('error')
    client.ws.close()
  })
})
