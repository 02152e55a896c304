import type { RealtimeConfig } from '../../config'
import { RealtimeError } from '../../errors'
import type { ConnectOptions, ProviderCapabilities, RealtimeModel } from '../../session'
import {
  DEFAULT_MAX_INBOUND_FRAME_BYTES,
  WebSocketTransport,
} from '../../transport/websocket-transport'
import { OPENAI_DEFAULT_MODEL, openAICapabilities } from './capabilities'
import { DataChannelSocket, waitForChannelOpen } from './webrtc-channel'
import type { DataChannelLike } from './webrtc-channel'
import { defaultFetch, defaultPeerConnectionFactory } from './webrtc-env'
import type { FetchLike, PeerConnectionFactory } from './webrtc-env'
import { WebRTCMedia } from './webrtc-media'
import type { WebRTCMicrophone } from './webrtc-media'
import { exchangeSdp } from './webrtc-sdp'
import { DEFAULT_DISCONNECT_GRACE_MS, OpenAIWebRTCSession } from './webrtc-session'
import { initializeSession } from '../initialize-session'
import { cancelled, unlessAborted } from '../../transport/abort'

const DEFAULT_BASE_URL = 'https://api.openai.com'
const DEFAULT_CONNECT_TIMEOUT_MS = 15_000

export interface OpenAIWebRTCModelOptions {
  /**
   * An ephemeral client secret (`ek_…`, minted on your server with `mintOpenAIClientSecret` from
   * `adk-realtime/server`). A function is called on every connect, so a reconnect gets a fresh one.
   */
  apiKey: string | (() => string | Promise<string>)
  /** Default `gpt-realtime` (the model an ephemeral key was minted for wins on the service). */
  model?: string
  /** Default `https://api.openai.com`; the offer goes to `${baseUrl}/v1/realtime/calls`. */
  baseUrl?: string
  organization?: string
  project?: string
  /**
   * Allows a standard (non-`ek_`) key. Off by default: WebRTC sessions run in pages, where a key
   * is readable by anyone who opens the page; mint an ephemeral key on your server instead.
   */
  dangerouslyAllowApiKeyInBrowser?: boolean
  /**
   * The microphone: `getUserMedia` with echo cancellation, noise suppression and auto gain on
   * (default; `{ deviceId, constraints }` to adjust), a `MediaStream` you opened (never stopped by
   * the library), or `false` to only listen.
   */
  microphone?: WebRTCMicrophone
  /** Plays the agent; default a detached `<audio autoplay>` element each session owns. */
  audioElement?: HTMLAudioElement
  /** Runs the level meters (never closed by the library); default one per session. */
  audioContext?: AudioContext
  /** Passed to `RTCPeerConnection` (ICE servers, …). */
  rtcConfiguration?: RTCConfiguration
  /** Default: `new RTCPeerConnection(config)`. Inject for tests or other WebRTC stacks. */
  peerConnectionFactory?: PeerConnectionFactory
  /** Default: the global `fetch`. */
  fetch?: FetchLike
  /** Limit for the SDP exchange, the data channel opening and each acknowledgement. Default 15 s. */
  connectTimeoutMs?: number
  /** How long `disconnected` may last before the session reports a drop. Default 5 s. */
  disconnectGraceMs?: number
}

/**
 * OpenAI Realtime (GA) over WebRTC, for browsers: the microphone and the agent's voice are media
 * tracks (Opus, with the browser's echo cancellation and jitter buffer), events ride the
 * `oai-events` data channel. Pick it over `OpenAIRealtimeModel` (WebSocket) for the lowest
 * latency in a browser; pick the WebSocket model in Node, for PCM access, or where WebRTC is
 * blocked. Importing it in Node or SSR is safe: WebRTC globals are read only on `connect`.
 *
 * No `createBrowserAudio` is needed: the session plays the agent itself. Read the levels by pull
 * from `model.inputLevel` / `model.outputLevel` (the current session's), and let the runner's
 * `playback.*` events (from `output_audio_buffer.*`) drive the speaking state.
 *
 * @example
 * const model = new OpenAIWebRTCModel({
 *   apiKey: async () => (await fetch('/api/realtime-token')).text(), // an ek_… from your server
 * })
 * const runner = new RealtimeRunner({ model, instruction: 'Be brief.' })
 * button.onclick = () => runner.connect() // in the gesture: microphone prompt + autoplay
 * requestAnimationFrame(function draw() {
 *   meter.value = model.outputLevel
 *   requestAnimationFrame(draw)
 * })
 */
export class OpenAIWebRTCModel implements RealtimeModel {
  readonly provider = 'openai'
  readonly modelId: string
  readonly capabilities: ProviderCapabilities = {
    ...openAICapabilities(),
    transports: ['webrtc'],
    truncation: false,
  }
  readonly #options: OpenAIWebRTCModelOptions
  #session: OpenAIWebRTCSession | undefined

  constructor(options: OpenAIWebRTCModelOptions) {
    this.#options = options
    this.modelId = options.model ?? OPENAI_DEFAULT_MODEL
  }

  /** The endpoint the offer is posted to. */
  get callsUrl(): string {
    const base = (this.#options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
    return `${base}/v1/realtime/calls`
  }

  /** The newest session this model opened (also after it closed). */
  get session(): OpenAIWebRTCSession | undefined {
    return this.#session
  }

  /** The current session's microphone RMS, 0–1. */
  get inputLevel(): number {
    return this.#session?.isConnected() === true ? this.#session.inputLevel : 0
  }

  /** The current session's output RMS (the agent's voice as received), 0–1. */
  get outputLevel(): number {
    return this.#session?.isConnected() === true ? this.#session.outputLevel : 0
  }

  /**
   * Opens the microphone, negotiates the call and resolves once the server acknowledged the
   * config (`session.updated`). Call it from a user gesture (microphone prompt, autoplay). Rejects
   * with `invalid_config` (a standard key in a page), `permission_denied` / `media_unavailable`
   * (microphone), `auth_failed`, `rate_limited`, `connection_failed`, `timeout` or `cancelled`,
   * and releases everything it opened.
   */
  async connect(
    config: RealtimeConfig,
    options: ConnectOptions = {},
  ): Promise<OpenAIWebRTCSession> {
    const { signal } = options
    if (signal?.aborted === true) throw cancelled(signal)
    const timeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    // Synchronously, while still inside the caller's gesture: the meters' AudioContext.
    const media = new WebRTCMedia({
      microphone: this.#options.microphone,
      audioElement: this.#options.audioElement,
      audioContext: this.#options.audioContext,
    })
    let session: OpenAIWebRTCSession
    let socket: DataChannelSocket
    try {
      const factory = this.#options.peerConnectionFactory ?? defaultPeerConnectionFactory
      const pc = factory(this.#options.rtcConfiguration)
      socket = new DataChannelSocket(
        pc.createDataChannel('oai-events') as unknown as DataChannelLike,
      )
      const transport = new WebSocketTransport(socket, DEFAULT_MAX_INBOUND_FRAME_BYTES)
      session = new OpenAIWebRTCSession(
        {
          transport,
          socket,
          peerConnection: pc,
          media,
          disconnectGraceMs: this.#options.disconnectGraceMs ?? DEFAULT_DISCONNECT_GRACE_MS,
        },
        config,
        { ackTimeoutMs: timeoutMs },
      )
    } catch (error) {
      media.release()
      throw RealtimeError.from(error, 'unsupported')
    }
    this.#session = session
    return initializeSession(session, signal, async () => {
      // An abort while the key provider runs ends here, before the microphone is asked for.
      const apiKey = await unlessAborted(signal, () => this.#resolveKey())
      await this.#negotiate(session, socket, media, apiKey, timeoutMs, signal)
      await session.initialize(options.seedItems)
    })
  }

  async #negotiate(
    session: OpenAIWebRTCSession,
    socket: DataChannelSocket,
    media: WebRTCMedia,
    apiKey: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const pc = session.peerConnection
    const microphone = await media.openMicrophone()
    const track = microphone?.getAudioTracks()[0]
    if (microphone !== undefined && track !== undefined) pc.addTrack(track, microphone)
    else pc.addTransceiver('audio', { direction: 'recvonly' })
    const offer = await pc.createOffer()
    await pc.setLocalDescription(offer)
    const { answer, callId } = await exchangeSdp({
      url: this.callsUrl,
      apiKey,
      offer: pc.localDescription?.sdp ?? offer.sdp ?? '',
      headers: this.#headers(),
      fetch: this.#options.fetch ?? defaultFetch(),
      timeoutMs,
      ...(signal === undefined ? {} : { signal }),
    })
    session.setCallId(callId)
    await pc.setRemoteDescription({ type: 'answer', sdp: answer })
    await waitForChannelOpen(socket, timeoutMs, signal, session.closed)
  }

  async #resolveKey(): Promise<string> {
    const { apiKey } = this.#options
    const key = typeof apiKey === 'function' ? await apiKey() : apiKey
    if (typeof key !== 'string' || key === '') {
      throw new RealtimeError('invalid_config', 'An OpenAI API key is required', { path: 'apiKey' })
    }
    if (!key.startsWith('ek_') && this.#options.dangerouslyAllowApiKeyInBrowser !== true) {
      throw new RealtimeError(
        'invalid_config',
        'Refusing to send a standard OpenAI API key over WebRTC (a browser transport): mint an ephemeral key (ek_…) on your server, or set dangerouslyAllowApiKeyInBrowser',
        { path: 'apiKey' },
      )
    }
    return key
  }

  #headers(): Record<string, string> {
    return {
      ...(this.#options.organization === undefined
        ? {}
        : { 'OpenAI-Organization': this.#options.organization }),
      ...(this.#options.project === undefined ? {} : { 'OpenAI-Project': this.#options.project }),
    }
  }
}
