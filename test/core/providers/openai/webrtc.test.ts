// The OpenAI WebRTC session in Node, with a fake RTCPeerConnection, data channel, microphone and
// fetch: the SDP exchange, the session.updated handshake, interrupt, the disconnect grace period,
// and that every end path releases the microphone, the peer connection and the channel.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { OpenAIWebRTCModel, RealtimeError } from '../../../../src/core'
import type { FetchLike, OpenAIWebRTCModelOptions } from '../../../../src/core'

class FakeTrack {
  readonly kind = 'audio'
  readyState: 'live' | 'ended' = 'live'
  enabled = true
  stop(): void {
    this.readyState = 'ended'
  }
}

class FakeStream {
  readonly tracks = [new FakeTrack()]
  getTracks(): FakeTrack[] {
    return this.tracks
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks
  }
}

class FakeChannel {
  readyState: RTCDataChannelState = 'connecting'
  bufferedAmount = 0
  binaryType = 'blob'
  onopen: ((event: unknown) => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  onerror: ((event: unknown) => void) | null = null
  onclose: ((event: unknown) => void) | null = null
  readonly sent: Array<Record<string, unknown>> = []
  /** Answers every `session.update` like the service (set false to stay silent). */
  autoAck = true

  constructor(readonly label: string) {}

  open(): void {
    this.readyState = 'open'
    this.onopen?.({})
    this.serverSend({ type: 'session.created', session: { id: 'sess_1' } })
  }
  send(data: string): void {
    const message = JSON.parse(data) as Record<string, unknown>
    this.sent.push(message)
    if (message.type === 'session.update' && this.autoAck) {
      this.serverSend({
        type: 'session.updated',
        session: { id: 'sess_1', ...(message.session as object) },
      })
    }
  }
  serverSend(message: Record<string, unknown>): void {
    queueMicrotask(() => this.onmessage?.({ data: JSON.stringify(message) }))
  }
  close(): void {
    this.readyState = 'closed'
  }
  types(): unknown[] {
    return this.sent.map((message) => message.type)
  }
}

class FakePeerConnection extends EventTarget {
  static last: FakePeerConnection | undefined
  connectionState: RTCPeerConnectionState = 'new'
  signalingState: RTCSignalingState = 'stable'
  localDescription: { type: string; sdp: string } | null = null
  remoteDescription: { type: string; sdp: string } | null = null
  channel: FakeChannel | undefined
  readonly tracks: unknown[] = []
  readonly transceivers: unknown[] = []

  constructor() {
    super()
    FakePeerConnection.last = this
  }
  createDataChannel(label: string): FakeChannel {
    this.channel = new FakeChannel(label)
    return this.channel
  }
  addTrack(track: unknown): void {
    this.tracks.push(track)
  }
  addTransceiver(kind: string, init: unknown): void {
    this.transceivers.push({ kind, init })
  }
  createOffer(): Promise<{ type: 'offer'; sdp: string }> {
    return Promise.resolve({ type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n' })
  }
  setLocalDescription(description: { type: string; sdp: string }): Promise<void> {
    this.localDescription = description
    return Promise.resolve()
  }
  setRemoteDescription(description: { type: string; sdp: string }): Promise<void> {
    if (this.signalingState === 'closed') return Promise.reject(new Error('closed'))
    this.remoteDescription = description
    this.setState('connected')
    queueMicrotask(() => this.channel?.open())
    return Promise.resolve()
  }
  setState(state: RTCPeerConnectionState): void {
    this.connectionState = state
    this.dispatchEvent(new Event('connectionstatechange'))
  }
  close(): void {
    this.signalingState = 'closed'
    this.connectionState = 'closed'
    this.channel?.close()
  }
}

interface FetchCall {
  url: string
  headers: Record<string, string>
  body: string
}

function answering(
  status = 201,
  body = 'v=0\r\no=- 2 2 IN IP4 0.0.0.0\r\n',
): {
  fetch: FetchLike
  calls: FetchCall[]
} {
  const calls: FetchCall[] = []
  const fetch: FetchLike = (url, init) => {
    calls.push({ url, headers: init.headers, body: init.body })
    return Promise.resolve({
      ok: status >= 200 && status < 300,
      status,
      statusText: status === 201 ? 'Created' : 'Error',
      headers: {
        get: (name: string) =>
          name.toLowerCase() === 'location' ? '/v1/realtime/calls/rtc_abc123' : null,
      },
      text: () => Promise.resolve(body),
    })
  }
  return { fetch, calls }
}

function setup(options: Partial<OpenAIWebRTCModelOptions> = {}) {
  const stream = new FakeStream()
  const devices = { getUserMedia: vi.fn(() => Promise.resolve(stream)) }
  const { fetch, calls } = answering()
  const model = new OpenAIWebRTCModel({
    apiKey: 'ek_test',
    baseUrl: 'http://127.0.0.1:9999/',
    peerConnectionFactory: () => new FakePeerConnection() as unknown as RTCPeerConnection,
    microphone: { mediaDevices: devices as unknown as MediaDevices },
    fetch,
    ...options,
  })
  const pc = (): FakePeerConnection => FakePeerConnection.last!
  return { model, stream, devices, calls, pc }
}

afterEach(() => {
  vi.useRealTimers()
  FakePeerConnection.last = undefined
})

describe('OpenAIWebRTCModel.connect', () => {
  it('should post the offer as raw SDP and resolve on session.updated', async () => {
    const { model, calls, pc, stream, devices } = setup({ organization: 'org_1' })
    const session = await model.connect({ instruction: 'Be brief.', voice: 'marin' })
    expect(calls).toHaveLength(1)
    expect(calls[0]).toMatchObject({
      url: 'http://127.0.0.1:9999/v1/realtime/calls',
      body: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n',
      headers: {
        'Content-Type': 'application/sdp',
        Authorization: 'Bearer ek_test',
        'OpenAI-Organization': 'org_1',
      },
    })
    // Echo cancellation and friends are on.
    expect(devices.getUserMedia).toHaveBeenCalledWith({
      audio: expect.objectContaining({ echoCancellation: true, noiseSuppression: true }),
      video: false,
    })
    expect(pc().tracks).toEqual([stream.tracks[0]])
    expect(pc().channel?.label).toBe('oai-events')
    expect(pc().remoteDescription).toEqual({
      type: 'answer',
      sdp: 'v=0\r\no=- 2 2 IN IP4 0.0.0.0\r\n',
    })
    expect(pc().channel?.sent[0]).toMatchObject({
      type: 'session.update',
      session: { type: 'realtime', instructions: 'Be brief.' },
    })
    expect(session.callId).toBe('rtc_abc123')
    expect(session.providerSessionId).toBe('sess_1')
    expect(session.capabilities).toMatchObject({ transports: ['webrtc'], truncation: false })
    expect(session.isConnected()).toBe(true)
    await session.close()
  })

  it('should refuse a standard key unless explicitly allowed', async () => {
    const { model, pc } = setup({ apiKey: 'sk-live' })
    await expect(model.connect({})).rejects.toMatchObject({
      code: 'invalid_config',
      path: 'apiKey',
    })
    expect(pc().connectionState).toBe('closed')
    const allowed = setup({ apiKey: 'sk-live', dangerouslyAllowApiKeyInBrowser: true })
    const session = await allowed.model.connect({})
    expect(allowed.calls[0]?.headers.Authorization).toBe('Bearer sk-live')
    await session.close()
  })

  it('should report a refused call with the service message and release everything', async () => {
    const refused = answering(
      401,
      JSON.stringify({
        error: { message: 'Incorrect API key provided.', code: 'invalid_api_key' },
      }),
    )
    const { model, pc, stream } = setup({ fetch: refused.fetch })
    const error = await model.connect({}).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RealtimeError)
    expect(error).toMatchObject({ code: 'auth_failed', providerCode: 'invalid_api_key' })
    expect((error as Error).message).toContain('Incorrect API key provided.')
    await vi.waitFor(() => expect(stream.tracks[0]?.readyState).toBe('ended'))
    expect(pc().connectionState).toBe('closed')
  })

  it('should not treat an answer that is not SDP as one', async () => {
    const { model } = setup({ fetch: answering(201, '{"oops":true}').fetch })
    await expect(model.connect({})).rejects.toMatchObject({ code: 'protocol_error' })
  })

  it('should keep a microphone stream it was given and listen only with microphone: false', async () => {
    const own = new FakeStream()
    const given = setup({ microphone: own as unknown as MediaStream })
    const session = await given.model.connect({})
    await session.close()
    expect(own.tracks[0]?.readyState).toBe('live')
    const listening = setup({ microphone: false })
    const second = await listening.model.connect({})
    expect(listening.pc().tracks).toEqual([])
    expect(listening.pc().transceivers).toEqual([
      { kind: 'audio', init: { direction: 'recvonly' } },
    ])
    await second.close()
  })

  it('should give the microphone back when connecting is aborted during the prompt', async () => {
    const stream = new FakeStream()
    let grant!: (stream: FakeStream) => void
    const devices = { getUserMedia: () => new Promise<FakeStream>((resolve) => (grant = resolve)) }
    const { model, pc } = setup({
      microphone: { mediaDevices: devices as unknown as MediaDevices },
    })
    const controller = new AbortController()
    const connecting = model.connect({}, { signal: controller.signal })
    await vi.waitFor(() => expect(grant).toBeTypeOf('function'))
    controller.abort()
    grant(stream) // the user answers the prompt after the app gave up
    await expect(connecting).rejects.toMatchObject({ code: 'cancelled' })
    expect(stream.tracks[0]?.readyState).toBe('ended')
    expect(pc().connectionState).toBe('closed')
  })

  it('should time out a calls endpoint that never answers and release the microphone', async () => {
    const never: FetchLike = () => new Promise(() => {}) // ignores its signal, too
    const { model, pc, stream } = setup({ fetch: never, connectTimeoutMs: 50 })
    await expect(model.connect({})).rejects.toMatchObject({ code: 'timeout' })
    await vi.waitFor(() => expect(stream.tracks[0]?.readyState).toBe('ended'))
    expect(pc().connectionState).toBe('closed')
  })

  it('should not ask for the microphone when aborted while the apiKey function runs', async () => {
    const { model, devices } = setup({ apiKey: () => new Promise<string>(() => {}) })
    const controller = new AbortController()
    const connecting = model.connect({}, { signal: controller.signal })
    await new Promise((resolve) => setTimeout(resolve, 0))
    controller.abort()
    await expect(connecting).rejects.toMatchObject({ code: 'cancelled' })
    expect(devices.getUserMedia).not.toHaveBeenCalled()
  })

  it('should leave no channel-open timer or abort listener behind when ICE fails', async () => {
    const controller = new AbortController()
    const listening = new Set<unknown>()
    const { signal } = controller
    const add = signal.addEventListener.bind(signal)
    const remove = signal.removeEventListener.bind(signal)
    signal.addEventListener = (type: string, listener: EventListener, options?: unknown) => {
      listening.add(listener)
      add(type, listener, options as AddEventListenerOptions)
    }
    signal.removeEventListener = (type: string, listener: EventListener) => {
      listening.delete(listener)
      remove(type, listener)
    }
    const { model } = setup({
      peerConnectionFactory: () => {
        const peer = new FakePeerConnection()
        peer.setRemoteDescription = (description) => {
          peer.remoteDescription = description
          setTimeout(() => peer.setState('failed'), 5)
          return Promise.resolve()
        }
        return peer as unknown as RTCPeerConnection
      },
    })
    await expect(model.connect({}, { signal })).rejects.toMatchObject({
      code: 'connection_failed',
    })
    await new Promise((resolve) => setTimeout(resolve, 0))
    // The channel-open wait settled with the connect: its listener (and timer) went with it.
    expect(listening.size).toBe(0)
  })

  it('should fail without WebRTC, touching no global at import time', async () => {
    const model = new OpenAIWebRTCModel({ apiKey: 'ek_test' })
    await expect(model.connect({})).rejects.toMatchObject({ code: 'unsupported' })
  })
})

describe('OpenAIWebRTCSession', () => {
  it('should map output_audio_buffer events and interrupt with response.cancel + clear', async () => {
    const { model, pc } = setup()
    const session = await model.connect({})
    const events: string[] = []
    session.subscribe((event) => events.push(event.type))
    const channel = pc().channel!
    channel.serverSend({ type: 'response.created', response: { id: 'resp_1' } })
    channel.serverSend({ type: 'output_audio_buffer.started', response_id: 'resp_1' })
    await vi.waitFor(() => expect(session.serverPlaying).toBe(true))
    session.interrupt()
    expect(channel.types().slice(-2)).toEqual(['response.cancel', 'output_audio_buffer.clear'])
    expect(channel.sent.at(-1)?.event_id).toEqual(expect.any(String))
    channel.serverSend({ type: 'response.done', response: { id: 'resp_1', status: 'cancelled' } })
    channel.serverSend({ type: 'output_audio_buffer.cleared', response_id: 'resp_1' })
    await vi.waitFor(() => expect(events).toContain('outputAudio.cleared'))
    expect(events).toEqual([
      'raw', // session.created
      'session.ready',
      'response.started',
      'outputAudio.started',
      'response.done',
      'outputAudio.cleared',
    ])
    // Nothing generating, nothing playing: nothing to send.
    const sent = channel.sent.length
    session.interrupt()
    expect(channel.sent.length).toBe(sent)
    expect(() => session.sendAudio(new Uint8Array(4))).toThrow(
      expect.objectContaining({ code: 'unsupported' }),
    )
    await session.close()
  })

  it('should release the microphone, the peer connection and the channel on close', async () => {
    const { model, pc, stream } = setup()
    const session = await model.connect({})
    await session.close()
    expect(await session.closed).toMatchObject({ code: 1000, initiatedBy: 'client' })
    expect(stream.tracks[0]?.readyState).toBe('ended')
    expect(pc().connectionState).toBe('closed')
    expect(pc().channel?.readyState).toBe('closed')
    expect(session.isConnected()).toBe(false)
  })

  it('should ride out a short disconnect and report a long one as a network drop', async () => {
    const { model, pc, stream } = setup({ disconnectGraceMs: 5_000 })
    const session = await model.connect({})
    vi.useFakeTimers()
    pc().setState('disconnected')
    vi.advanceTimersByTime(4_000)
    pc().setState('connected')
    vi.advanceTimersByTime(10_000)
    expect(session.isConnected()).toBe(true)
    pc().setState('disconnected')
    vi.advanceTimersByTime(5_000)
    vi.useRealTimers()
    expect(await session.closed).toMatchObject({ code: 1006, initiatedBy: 'network' })
    expect(stream.tracks[0]?.readyState).toBe('ended')
    expect(pc().connectionState).toBe('closed')
  })

  it('should end at once when the peer connection fails', async () => {
    const { model, pc } = setup()
    const session = await model.connect({})
    pc().setState('failed')
    expect(await session.closed).toMatchObject({ code: 1006, initiatedBy: 'network' })
  })
})
