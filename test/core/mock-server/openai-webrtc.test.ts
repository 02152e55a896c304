// The mock's WebRTC endpoint, driven from Node by a werift peer standing in for the browser:
// the SDP exchange (raw and multipart), the OpenAI events on the oai-events data channel, and the
// answer's audio as PCMU RTP with output_audio_buffer.started/stopped/cleared.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters } from 'werift'
import type { RTCDataChannel } from 'werift'
import { decodeMuLaw } from '../../../src/core'
import { createMockBrain, createMockRealtimeServer } from '../../../src/testing'
import type { MockRealtimeServer } from '../../../src/testing'

let server: MockRealtimeServer | undefined
const peers: RTCPeerConnection[] = []

afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close()
  await server?.close()
  server = undefined
})

interface Call {
  peer: RTCPeerConnection
  channel: RTCDataChannel
  received: Array<Record<string, unknown>>
  /** RMS of each RTP packet received. */
  packets: number[]
  location: string | null
}

async function call(
  url: string,
  init: { key?: string; form?: Record<string, unknown>; listenOnly?: boolean } = {},
): Promise<Call | Response> {
  const peer = new RTCPeerConnection({
    codecs: {
      audio: [
        new RTCRtpCodecParameters({
          mimeType: 'audio/PCMU',
          clockRate: 8000,
          channels: 1,
          payloadType: 0,
        }),
      ],
    },
  })
  peers.push(peer)
  const channel = peer.createDataChannel('oai-events')
  const transceiver = peer.addTransceiver('audio', {
    direction: init.listenOnly === true ? 'recvonly' : 'sendrecv',
  })
  if (init.listenOnly !== true)
    transceiver.sender.replaceTrack(new MediaStreamTrack({ kind: 'audio' }))
  const packets: number[] = []
  peer.onTrack.subscribe((track) =>
    track.onReceiveRtp.subscribe((rtp) => {
      const pcm = decodeMuLaw(new Uint8Array(rtp.payload))
      let sum = 0
      for (const sample of pcm) sum += sample * sample
      packets.push(Math.sqrt(sum / pcm.length) / 32768)
    }),
  )
  await peer.setLocalDescription(await peer.createOffer())
  const sdp = peer.localDescription!.sdp
  const headers: Record<string, string> = { authorization: `Bearer ${init.key ?? 'sk-test'}` }
  let body: string | FormData
  if (init.form === undefined) {
    headers['content-type'] = 'application/sdp'
    body = sdp
  } else {
    body = new FormData()
    body.set('sdp', sdp)
    body.set('session', JSON.stringify(init.form))
  }
  const response = await fetch(`${url}/v1/realtime/calls`, { method: 'POST', headers, body })
  if (response.status !== 201) return response
  expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8')
  await peer.setRemoteDescription({ type: 'answer', sdp: await response.text() })
  const received: Array<Record<string, unknown>> = []
  channel.onMessage.subscribe((data) => received.push(JSON.parse(String(data))))
  await new Promise<void>((resolve) => {
    if (channel.readyState === 'open') resolve()
    else channel.stateChanged.subscribe((state) => state === 'open' && resolve())
  })
  return { peer, channel, received, packets, location: response.headers.get('location') }
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 2_000; attempt++) {
    if (predicate()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const types = (c: Call): unknown[] => c.received.map((event) => event.type)

describe('mock server: POST /v1/realtime/calls', () => {
  it('should answer a raw SDP offer and speak GA events and PCMU audio on the call', async () => {
    server = await createMockRealtimeServer({
      brain: createMockBrain({
        respond: () => ({ type: 'message', text: 'Hello from the call.' }),
      }),
    })
    const placed = await call(server.url)
    if (placed instanceof Response) throw new Error(`refused: ${placed.status}`)
    expect(placed.location).toMatch(/^\/v1\/realtime\/calls\/rtc_/)
    await until(() => types(placed).includes('session.created'), 'session.created')
    placed.channel.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime' } }))
    placed.channel.send(
      JSON.stringify({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
      }),
    )
    placed.channel.send(JSON.stringify({ type: 'response.create' }))
    await until(() => types(placed).includes('output_audio_buffer.stopped'), 'the audio to play')
    const order = types(placed)
    expect(order).toContain('session.updated')
    expect(order).not.toContain('response.output_audio.delta') // audio is RTP on WebRTC
    expect(order.indexOf('output_audio_buffer.started')).toBeLessThan(
      order.indexOf('output_audio_buffer.stopped'),
    )
    // The answer finished generating before it finished playing, as on the service.
    expect(order.indexOf('response.done')).toBeLessThan(
      order.indexOf('output_audio_buffer.stopped'),
    )
    expect(Math.max(...placed.packets)).toBeGreaterThan(0.01)
    const logged = server.log.connections.at(-1)!
    expect(logged).toMatchObject({ protocol: 'openai', path: '/v1/realtime/calls' })
    expect(server.log.kinds(logged.id, 'in')).toEqual([
      'session.update',
      'conversation.item.create',
      'response.create',
    ])
  })

  it('should clear the output buffer and truncate what was not played', async () => {
    server = await createMockRealtimeServer({
      brain: createMockBrain({
        respond: () => ({
          type: 'message',
          text: 'This answer is long enough to be interrupted well before its end, surely.',
        }),
      }),
    })
    const placed = await call(server.url)
    if (placed instanceof Response) throw new Error(`refused: ${placed.status}`)
    placed.channel.send(JSON.stringify({ type: 'response.create' }))
    await until(() => types(placed).includes('output_audio_buffer.started'), 'playback')
    await until(() => placed.packets.length >= 10, 'some packets')
    // The answer was generated faster than it plays (as on the service): only the buffer is left.
    await until(() => types(placed).includes('response.done'), 'response.done')
    placed.channel.send(JSON.stringify({ type: 'output_audio_buffer.clear' }))
    await until(() => types(placed).includes('output_audio_buffer.cleared'), 'the clear')
    expect(types(placed)).not.toContain('output_audio_buffer.stopped')
    const done = placed.received.find((event) => event.type === 'response.done') as {
      response: { id: string; output: Array<{ id: string }> }
    }
    const cleared = placed.received.find((event) => event.type === 'output_audio_buffer.cleared')
    expect(cleared).toMatchObject({ response_id: done.response.id })
    // The server truncated the item to what it played: the transcript lost its unheard words.
    const itemId = done.response.output[0]!.id
    placed.channel.send(JSON.stringify({ type: 'conversation.item.retrieve', item_id: itemId }))
    await until(() => types(placed).includes('conversation.item.retrieved'), 'the item')
    const retrieved = placed.received.find((e) => e.type === 'conversation.item.retrieved') as {
      item: { content: Array<{ transcript: string }> }
    }
    const heard = retrieved.item.content[0]!.transcript.split(' ').length
    expect(heard).toBeLessThan(14)
  })

  it('should send the answer to a browser that only listens (no microphone)', async () => {
    server = await createMockRealtimeServer({
      brain: createMockBrain({ respond: () => ({ type: 'message', text: 'Just listen.' }) }),
    })
    const placed = await call(server.url, { listenOnly: true })
    if (placed instanceof Response) throw new Error(`refused: ${placed.status}`)
    expect(placed.peer.getTransceivers()[0]?.currentDirection).toBe('recvonly')
    placed.channel.send(JSON.stringify({ type: 'response.create' }))
    await until(() => types(placed).includes('output_audio_buffer.stopped'), 'the audio to play')
    expect(Math.max(...placed.packets)).toBeGreaterThan(0.01)
  })

  it('should take the multipart form with a session, and refuse bad keys and sessions', async () => {
    server = await createMockRealtimeServer({ keys: { openai: ['sk-good'] } })
    const refused = await call(server.url, { key: 'sk-bad' })
    expect(refused).toBeInstanceOf(Response)
    expect((refused as Response).status).toBe(401)
    expect(await (refused as Response).json()).toMatchObject({ error: { code: 'invalid_api_key' } })
    const invalid = await call(server.url, { key: 'sk-good', form: { type: 'nonsense' } })
    expect((invalid as Response).status).toBe(400)
    const placed = await call(server.url, {
      key: 'sk-good',
      form: { type: 'realtime', model: 'gpt-realtime', instructions: 'Answer in two words.' },
    })
    if (placed instanceof Response) throw new Error(`refused: ${placed.status}`)
    await until(() => types(placed).includes('session.created'), 'session.created')
    expect(placed.received[0]).toMatchObject({
      type: 'session.created',
      session: { instructions: 'Answer in two words.' },
    })
  })

  it('should hang up every call on close, those never connected included', async () => {
    server = await createMockRealtimeServer()
    const connected = await call(server.url)
    if (connected instanceof Response) throw new Error(`refused: ${connected.status}`)
    // A browser that gives up after the POST: the answer is never applied, nothing connects.
    const peer = new RTCPeerConnection({})
    peers.push(peer)
    peer.createDataChannel('oai-events')
    peer.addTransceiver('audio', { direction: 'sendrecv' })
    await peer.setLocalDescription(await peer.createOffer())
    const answered = await fetch(`${server.url}/v1/realtime/calls`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/sdp' },
      body: peer.localDescription!.sdp,
    })
    expect(answered.status).toBe(201)
    await answered.text()
    expect(server.connections().map((connection) => connection.id)).toEqual(['openai-0'])
    const ends = Promise.all([server.log.closed('openai-0'), server.log.closed('openai-1')])
    await server.close()
    server = undefined
    // Both at once, not after the 30 s an unconnected call is otherwise given to open its channel.
    const shutDown = { code: 1001, reason: 'Server shutting down', initiatedBy: 'server' }
    expect(await ends).toMatchObject([{ close: shutDown }, { close: shutDown }])
  })

  it('should answer the CORS preflight a browser sends first', async () => {
    server = await createMockRealtimeServer()
    const response = await fetch(`${server.url}/v1/realtime/calls`, { method: 'OPTIONS' })
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization')
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
  })
})

describe('mock server: the recorded WebRTC offers', () => {
  // The HTTP-only recordings hold a real client's POST /v1/realtime/calls (multipart sdp +
  // session) and the service's answer: the mock must take the same request and answer alike.
  const dir = fileURLToPath(
    new URL('../../../../shared/fixtures/recorded/openai/', import.meta.url),
  )
  const recorded = readdirSync(dir)
    .filter((name) => name.endsWith('-http.jsonl'))
    .map((name) => {
      const lines = readFileSync(`${dir}${name}`, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as RecordedLine)
      const exchange = lines.find((line) => line.event === 'http')
      if (exchange?.request === undefined) throw new Error(`${name}: no HTTP exchange`)
      return { name, exchange: exchange as Required<RecordedLine> }
    })

  it('finds the recordings', () => {
    expect(recorded.length).toBeGreaterThanOrEqual(2)
  })

  it.each(recorded)(
    '$name: answers the recorded offer as the service did',
    async ({ exchange }) => {
      server = await createMockRealtimeServer()
      const { request, response } = exchange
      const response_ = await fetch(`${server.url}/v1/realtime/calls`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer sk-test',
          accept: request.headers.accept![0]!,
          'content-type': request.headers['content-type']![0]!,
        },
        body: request.body,
      })
      expect(response_.status).toBe(response.status.code)
      expect(response_.headers.get('content-type')).toBe(response.headers['content-type']![0])
      expect(response_.headers.get('location')).toMatch(/^\/v1\/realtime\/calls\/rtc_/)
      const answer = await response_.text()
      const sections = (sdp: string) => sdp.split(/\r?\n/).filter((line) => line.startsWith('m='))
      // The same media sections as the service's answer: audio, then the data channel.
      expect(sections(answer).map((line) => line.split(' ')[0])).toEqual(
        sections(response.body.string).map((line) => line.split(' ')[0]),
      )
      expect(answer).toMatch(/a=setup:(active|passive)/)
    },
  )
})

interface RecordedLine {
  event?: string
  request?: { body: string; headers: Record<string, string[]> }
  response?: {
    status: { code: number }
    headers: Record<string, string[]>
    body: { string: string }
  }
}
