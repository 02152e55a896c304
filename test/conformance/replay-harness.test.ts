import { afterEach, describe, expect, it, vi } from 'vitest'
import { WebSocket } from 'ws'
import { compareClientFrame, parseRecording, startReplayServer } from '../../src/testing/replay'
import type { ReplayServer } from '../../src/testing/replay'

const source = (provider: 'openai' | 'gemini') =>
  JSON.stringify({ dir: 'meta', event: 'source', repo: 'x/y', provider })
const line = (dir: 'client' | 'server', msg: object) => JSON.stringify({ dir, msg })

const servers: ReplayServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function start(text: string, strictAudio = false) {
  const server = await startReplayServer({ recording: parseRecording(text), strictAudio })
  servers.push(server)
  return server
}

function open(
  url: string,
  protocols: string[] = [],
): Promise<{ socket: WebSocket; received: Array<{ data: string; binary: boolean }> }> {
  const socket = new WebSocket(url, protocols)
  const received: Array<{ data: string; binary: boolean }> = []
  socket.on('message', (data, binary) => received.push({ data: data.toString(), binary }))
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, received }))
    socket.once('error', reject)
  })
}

describe('compareClientFrame', () => {
  it('should report missing, extra and different fields by path', () => {
    expect(
      compareClientFrame(
        { type: 'session.update', session: { type: 'realtime', instructions: 'A', tools: [] } },
        {
          type: 'session.update',
          session: { type: 'realtime', instructions: 'B', voice: 'marin' },
        },
        { provider: 'openai' },
      ),
    ).toEqual([
      'session.instructions: recorded "A", sent "B"',
      'session.tools: missing (recorded [])',
      'session.voice: not in the recording (sent "marin")',
    ])
  })

  it('should ignore OpenAI event_id on either side', () => {
    expect(
      compareClientFrame(
        { type: 'response.create' },
        { type: 'response.create', event_id: 'adk_1' },
        { provider: 'openai' },
      ),
    ).toEqual([])
  })

  it('should accept any base64 audio unless strict, and compare bytes across alphabets when strict', () => {
    const recorded = { type: 'input_audio_buffer.append', audio: 'AAAA' }
    expect(
      compareClientFrame(
        recorded,
        { type: 'input_audio_buffer.append', audio: 'AQID' },
        { provider: 'openai' },
      ),
    ).toEqual([])
    expect(
      compareClientFrame(
        recorded,
        { type: 'input_audio_buffer.append', audio: '' },
        { provider: 'openai' },
      ),
    ).toHaveLength(1)
    expect(
      compareClientFrame(
        recorded,
        { type: 'input_audio_buffer.append', audio: 'AQID' },
        { provider: 'openai', strictAudio: true },
      ),
    ).toHaveLength(1)
    expect(
      compareClientFrame(
        { realtime_input: { audio: { data: '_-8=', mimeType: 'audio/pcm;rate=16000' } } },
        { realtimeInput: { audio: { data: '/+8', mimeType: 'audio/pcm;rate=16000' } } },
        { provider: 'gemini', strictAudio: true },
      ),
    ).toEqual([])
  })

  it('should compare Gemini message fields in camelCase but keep payload keys exact', () => {
    expect(
      compareClientFrame(
        {
          tool_response: {
            function_responses: [{ id: 'a', name: 'f', response: { snake_key: 1 } }],
          },
        },
        {
          toolResponse: { functionResponses: [{ id: 'a', name: 'f', response: { snake_key: 1 } }] },
        },
        { provider: 'gemini' },
      ),
    ).toEqual([])
    expect(
      compareClientFrame(
        {
          toolResponse: { functionResponses: [{ id: 'a', name: 'f', response: { snake_key: 1 } }] },
        },
        {
          toolResponse: { functionResponses: [{ id: 'a', name: 'f', response: { snakeKey: 1 } }] },
        },
        { provider: 'gemini' },
      ),
    ).toHaveLength(2)
  })
})

describe('startReplayServer', () => {
  it('should play server frames, wait for matching client frames, and finish', async () => {
    const replay = await start(
      [
        source('openai'),
        line('server', { type: 'session.created' }),
        line('client', { type: 'response.create' }),
        line('server', { type: 'response.created' }),
        line('server', { type: 'response.done' }),
      ].join('\n'),
    )
    const { socket, received } = await open(`${replay.url}/v1/realtime?model=m`, [
      'realtime',
      'openai-insecure-api-key.ek_1',
    ])
    expect(socket.protocol).toBe('realtime')
    socket.send(JSON.stringify({ type: 'response.create', event_id: 'e1' }))
    await replay.finished(2_000)
    // finished() means the server wrote its last frame; the client reads it a moment later.
    await vi.waitFor(() => expect(received).toHaveLength(3), { timeout: 2_000 })
    expect(received.map((message) => JSON.parse(message.data).type)).toEqual([
      'session.created',
      'response.created',
      'response.done',
    ])
    expect(received.every((message) => !message.binary)).toBe(true)
    expect(replay.requests[0]).toMatchObject({
      url: '/v1/realtime?model=m',
      protocols: ['realtime', 'openai-insecure-api-key.ek_1'],
    })
    socket.close()
  })

  it('should fail with a readable diff and close 1008 on a mismatch', async () => {
    const replay = await start(
      [
        source('openai'),
        line('client', {
          type: 'session.update',
          session: { type: 'realtime', instructions: 'A' },
        }),
      ].join('\n'),
    )
    const { socket } = await open(replay.url)
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)))
    socket.send(
      JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'B' } }),
    )
    await expect(replay.finished(2_000)).rejects.toThrow(
      'Client frame at recording line 2 ("session.update") does not match:\n  session.instructions: recorded "A", sent "B"',
    )
    await expect(closed).resolves.toBe(1008)
    expect(replay.mismatches).toHaveLength(1)
  })

  it('should fail on a frame of the wrong type and on frames past the end', async () => {
    const replay = await start(
      [source('openai'), line('client', { type: 'response.create' })].join('\n'),
    )
    const { socket } = await open(replay.url)
    socket.send(JSON.stringify({ type: 'response.cancel' }))
    await expect(replay.finished(2_000)).rejects.toThrow(
      'message type: recorded "response.create", sent "response.cancel"',
    )

    const ended = await start([source('openai'), line('server', { type: 'x' })].join('\n'))
    const second = await open(ended.url)
    const secondClosed = new Promise((resolve) => second.socket.once('close', resolve))
    second.socket.send(JSON.stringify({ type: 'response.create' }))
    await secondClosed // the server records the mismatch, then closes 1008
    expect(ended.mismatches[0]).toContain(
      'Unexpected client frame "response.create": the recording has the end of the recording',
    )
  })

  it('should say where it stopped when the client never sends the next frame', async () => {
    const replay = await start(
      [source('openai'), line('client', { type: 'response.create' })].join('\n'),
    )
    await open(replay.url)
    await expect(replay.finished(50)).rejects.toThrow(
      `waiting for the client's "response.create" frame (recording line 2)`,
    )
  })

  it('should send Gemini frames as binary by default, and play recorded closes', async () => {
    const replay = await start(
      [
        source('gemini'),
        line('client', { setup: { model: 'models/m' } }),
        line('server', { setupComplete: {} }),
        JSON.stringify({ dir: 'meta', event: 'close', code: 1011, reason: 'boom' }),
      ].join('\n'),
    )
    const { socket, received } = await open(`${replay.url}//ws/x`)
    const closed = new Promise<[number, string]>((resolve) =>
      socket.once('close', (code, reason) => resolve([code, reason.toString()])),
    )
    socket.send(JSON.stringify({ setup: { model: 'models/m' } }))
    await expect(closed).resolves.toEqual([1011, 'boom'])
    expect(received).toEqual([{ data: '{"setupComplete":{}}', binary: true }])
    await replay.finished(1_000)
  })

  it('should serve one connection and refuse HTTP-only recordings', async () => {
    const replay = await start(
      [source('openai'), line('server', { type: 'session.created' })].join('\n'),
    )
    await open(replay.url)
    const { socket } = await open(replay.url)
    await expect(
      new Promise((resolve) => socket.once('close', (code) => resolve(code))),
    ).resolves.toBe(1013)
    const httpOnly = parseRecording(
      [
        source('openai'),
        JSON.stringify({ dir: 'meta', event: 'http', request: {}, response: {} }),
      ].join('\n'),
    )
    expect(httpOnly.kind).toBe('http-only')
    await expect(startReplayServer({ recording: httpOnly })).rejects.toThrow(
      'no WebSocket messages',
    )
  })

  it('should reject malformed recordings with the line number', () => {
    expect(() => parseRecording([source('openai'), '{nope'].join('\n'))).toThrow(
      'Recording line 2 is not JSON',
    )
    expect(() => parseRecording(line('client', {}))).toThrow(
      'no {"dir":"meta","event":"source"} line',
    )
    expect(() =>
      parseRecording([source('openai'), JSON.stringify({ dir: 'sideways' })].join('\n')),
    ).toThrow('line 2: unknown dir')
  })
})
