import type { IncomingMessage, ServerResponse } from 'node:http'
import { acceptsCredential, type ServerContext } from '../context'
import { FaultController, faultsFor } from '../faults'
import type { MockConnectionRecord } from '../log'
import { errorObject, openaiErrors } from '../openai/errors'
import { OpenAISession } from '../openai/session'
import { validateSessionUpdate } from '../openai/session-config'
import { hashString, IdFactory } from '../random'
import type { MockConnectionHandle } from '../server'
import { DataChannelWire } from './data-channel-wire'
import { readOffer, type CallOffer } from './offer'
import { RtpAudioIn, RtpAudioOut } from './rtp-audio'
import { loadWerift, type WeriftModule } from './werift'

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Location, X-Request-Id',
}
/** A call whose data channel has not opened by then is abandoned (the browser gave up). */
const OPEN_DEADLINE_MS = 30_000

/**
 * `POST /v1/realtime/calls`: the WebRTC side of the mock OpenAI service. It takes the offer as
 * raw SDP (`Content-Type: application/sdp`, what the official browser client sends) or as the
 * multipart `sdp` + `session` form (`client.realtime.calls.create`), checks the bearer key like
 * the WebSocket side (configured keys or ephemeral keys the mock minted), answers `201` with the
 * answer SDP and `Location: /v1/realtime/calls/rtc_…`, and runs the very same OpenAI session logic
 * on the call's `oai-events` data channel. Audio travels as RTP in G.711 μ-law (PCMU): the
 * microphone track feeds the input buffer and its VAD, and responses play out on the call's track
 * in real time with `output_audio_buffer.started/stopped/cleared`.
 *
 * The WebRTC stack is `werift`, imported on the first call; without it the endpoint answers 501.
 */
export class WebRTCCalls {
  readonly #context: ServerContext
  readonly #nextIndex: () => number
  /** The calls that are up (their data channel is open), as `server.connections()` lists them. */
  readonly #calls = new Map<string, MockConnectionHandle>()
  /**
   * How to end each call, from the moment its peer connection exists: one that was answered but
   * never connected still holds its ICE sockets, so `close()` must reach it too.
   */
  readonly #live = new Set<() => void>()
  #closed = false
  readonly #ids: IdFactory

  constructor(context: ServerContext, nextIndex: () => number) {
    this.#context = context
    this.#nextIndex = nextIndex
    this.#ids = new IdFactory(hashString(`${context.seed}:webrtc`))
  }

  /** Handles the request if it is for `/realtime/calls`; returns whether it did. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const raw = request.url ?? '/'
    const queryStart = raw.indexOf('?')
    const path = (queryStart < 0 ? raw : raw.slice(0, queryStart)).replace(/\/+$/, '')
    if (!/\/realtime\/calls$/.test(path)) return false
    const query = new URLSearchParams(queryStart < 0 ? '' : raw.slice(queryStart + 1))
    if (request.method === 'OPTIONS') {
      response.writeHead(204, {
        ...CORS,
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers':
          'authorization, content-type, accept, openai-organization, openai-project',
        'access-control-max-age': '600',
      })
      response.end()
      return true
    }
    if (request.method !== 'POST') return false
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      this.#answer(request, Buffer.concat(chunks), query).then(
        ({ status, headers, body }) => {
          response.writeHead(status, { ...CORS, ...headers })
          response.end(body)
        },
        (error: unknown) => {
          const body = JSON.stringify(openaiErrors.serverError(String(error)).body)
          response.writeHead(500, { ...CORS, 'content-type': 'application/json' })
          response.end(`{"error":${body}}`)
        },
      )
    })
    return true
  }

  /** The calls that are up now. */
  connections(): MockConnectionHandle[] {
    return [...this.#calls.values()]
  }

  /** Hangs up every call, connected or not yet, and refuses the offers that arrive after. */
  close(): void {
    this.#closed = true
    for (const end of [...this.#live]) end()
  }

  async #answer(
    request: IncomingMessage,
    body: Buffer,
    query: URLSearchParams,
  ): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const fail = (status: number, error: unknown) => ({
      status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error }),
    })
    const shuttingDown = () =>
      fail(503, errorObject(openaiErrors.serverError('The mock server is shutting down.')))
    if (this.#closed) return shuttingDown()
    const key = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim() ?? ''
    if (!acceptsCredential(this.#context, 'openai', key)) {
      return fail(401, openaiErrors.invalidApiKey(key).body)
    }
    const offer = readOffer(request.headers['content-type'] ?? '', body)
    if (typeof offer === 'string') {
      return fail(400, { message: offer, type: 'invalid_request_error', param: null, code: null })
    }
    if (offer.session !== undefined) {
      const problem = validateSessionUpdate(offer.session)
      if (problem) return fail(400, problem.body)
    }
    let werift: WeriftModule
    try {
      werift = await loadWerift()
    } catch {
      return fail(501, {
        message:
          'The mock server answers WebRTC calls with the optional "werift" package, which is not ' +
          'installed: npm install --save-dev werift',
        type: 'server_error',
        param: null,
        code: 'webrtc_unavailable',
      })
    }
    // Checked again after the await: the server may have closed while werift loaded.
    if (this.#closed) return shuttingDown()
    const model = String(query.get('model') ?? offer.session?.model ?? 'gpt-realtime')
    const callId = this.#ids.openai('rtc')
    const answer = await this.#place(werift, offer, model)
    if (answer === undefined) return shuttingDown()
    return {
      status: 201,
      // As the service answers (recorded): the SDP as text/plain, the call id in Location.
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        location: `/v1/realtime/calls/${callId}`,
      },
      body: answer,
    }
  }

  /**
   * Sets up the peer connection, its audio and its data channel; returns the answer SDP, or
   * `undefined` when the server closed (and so hung the call up) while it was being set up.
   */
  async #place(werift: WeriftModule, offer: CallOffer, model: string): Promise<string | undefined> {
    const context = this.#context
    const pcmu = new werift.RTCRtpCodecParameters({
      mimeType: 'audio/PCMU',
      clockRate: 8000,
      channels: 1,
      payloadType: 0,
    })
    const host = context.options.host ?? '127.0.0.1'
    const pc = new werift.RTCPeerConnection({
      codecs: { audio: [pcmu] },
      iceUseIpv6: false,
      ...(/^127\.|^localhost$/.test(host) ? { iceAdditionalHostAddresses: ['127.0.0.1'] } : {}),
    })
    const index = this.#nextIndex()
    const id = `openai-${index}`
    const record: MockConnectionRecord = {
      id,
      index,
      protocol: 'openai',
      path: '/v1/realtime/calls',
      subprotocol: undefined,
    }
    const faults = new FaultController(
      faultsFor(context.options.faults, { id, index, protocol: 'openai', path: record.path }),
    )
    const outgoing = new werift.MediaStreamTrack({ kind: 'audio' })
    let wire: DataChannelWire | undefined
    let hungUp = false
    const hangUp = (): void => {
      if (hungUp) return
      hungUp = true
      clearTimeout(deadline)
      this.#live.delete(end)
      this.#calls.delete(id)
      outgoing.stop()
      void pc.close().catch(() => {})
      // A call that never got its channel still ends in the log.
      if (wire === undefined) {
        record.close ??= {
          code: 1006,
          reason: 'the data channel never opened',
          initiatedBy: 'client',
        }
        context.log.connectionClosed(record)
      }
    }
    const deadline = setTimeout(() => {
      if (wire === undefined) hangUp()
    }, OPEN_DEADLINE_MS)
    deadline.unref?.()
    // The server closing: a connected call closes its session like a WebSocket would.
    const end = (): void => {
      if (wire !== undefined) wire.close(1001, 'Server shutting down')
      record.close ??= { code: 1001, reason: 'Server shutting down', initiatedBy: 'server' }
      hangUp()
    }
    this.#live.add(end)

    let session: OpenAISession | undefined
    // Subscribed before the offer is applied: werift announces the browser's track while it is.
    const microphone = new RtpAudioIn((pcm) => session?.appendInputAudio(pcm))
    pc.onTrack.subscribe((track) => {
      if (track.kind !== 'audio') return
      track.onReceiveRtp.subscribe((rtp) => {
        if (rtp.header.payloadType === 0) microphone.receive(rtp.payload)
      })
    })
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp })
    } catch (error) {
      hangUp()
      throw error
    }
    const transceiver = pc.getTransceivers().find((candidate) => candidate.kind === 'audio')
    let sequence = Math.floor(Math.random() * 0x10000)
    const writeRtp = (payload: Uint8Array, timestamp: number, marker: boolean): void => {
      sequence = (sequence + 1) & 0xffff
      const header = new werift.RtpHeader({
        payloadType: 0,
        sequenceNumber: sequence,
        timestamp,
        marker,
      })
      outgoing.writeRtp(new werift.RtpPacket(header, Buffer.from(payload)))
    }
    if (transceiver !== undefined) {
      await transceiver.sender.replaceTrack(outgoing)
      // Send the answer's audio; receive the microphone unless the browser only listens.
      const sends =
        transceiver.offerDirection === 'sendrecv' || transceiver.offerDirection === 'sendonly'
      transceiver.setDirection(sends ? 'sendrecv' : 'sendonly')
    }
    pc.onDataChannel.subscribe((channel) => {
      if (channel.label !== 'oai-events' || wire !== undefined) return
      const start = (): void => {
        if (wire !== undefined || hungUp) return
        context.log.addConnection(record)
        wire = new DataChannelWire({
          record,
          channel,
          log: context.log,
          clock: context.clock,
          faults,
          hangUp,
        })
        const current = wire
        const handle: MockConnectionHandle = {
          id,
          index,
          protocol: 'openai',
          inject: (fault) => faults.inject(fault),
          close: (code, reason = '') => current.close(code, reason),
          drop: () => current.drop(),
        }
        this.#calls.set(id, handle)
        session = new OpenAISession(wire, context, model, hashString(`${context.seed}:${index}`), {
          media: (send) =>
            new RtpAudioOut(send, context.clock, transceiver === undefined ? undefined : writeRtp),
          ...(offer.session === undefined ? {} : { session: offer.session }),
        })
      }
      if (channel.readyState === 'open') start()
      else channel.stateChanged.subscribe((state) => state === 'open' && start())
    })
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'failed' || state === 'closed') {
        if (wire !== undefined) wire.drop()
        else hangUp()
      }
    })
    try {
      const answer = await pc.createAnswer()
      await pc.setLocalDescription(answer)
      return hungUp ? undefined : (pc.localDescription?.sdp ?? answer.sdp)
    } catch (error) {
      hangUp()
      throw error
    }
  }
}
