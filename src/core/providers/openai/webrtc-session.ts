import type { RealtimeConfig } from '../../config'
import { RealtimeError } from '../../errors'
import type { ServerEvent } from '../../events'
import type { DisconnectReason, ProviderCapabilities } from '../../session'
import type { WebSocketTransport } from '../../transport/websocket-transport'
import { shortId } from '../ids'
import { OpenAIRealtimeSession } from './session'
import type { OpenAISessionOptions } from './session'
import type { DataChannelSocket } from './webrtc-channel'
import type { WebRTCMedia } from './webrtc-media'

/** How long a `disconnected` peer connection may stay so before the session counts as dropped. */
export const DEFAULT_DISCONNECT_GRACE_MS = 5_000

/** What `OpenAIWebRTCModel.connect` builds before the session exists. @internal */
export interface WebRTCSessionParts {
  transport: WebSocketTransport
  socket: DataChannelSocket
  peerConnection: RTCPeerConnection
  media: WebRTCMedia
  disconnectGraceMs: number
}

/**
 * One OpenAI Realtime call over WebRTC (browsers). Events travel on the `oai-events` data channel
 * as the same GA JSON as on a WebSocket, so everything `OpenAIRealtimeSession` does — event ids,
 * error correlation, `session.update` acknowledgements, the unified events — applies unchanged.
 * Audio does not: the microphone is a media track and the agent's voice arrives as one (played
 * by an `<audio>` element), so there are no `audio.delta` events and `sendAudio` throws.
 *
 * - **Speaking state.** `output_audio_buffer.started | stopped | cleared` become
 *   `outputAudio.*` events; the runner turns them into `playback.started | stopped`, which drive
 *   the store's `agentSpeaking` — the server knows what it is playing, also after `response.done`.
 * - **Interrupt** sends `response.cancel` (when a response is in progress) and
 *   `output_audio_buffer.clear` (when the server is playing audio).
 * - **Truncation** is the server's: it knows how much audio it played before a clear or a
 *   barge-in, so `capabilities.truncation` is false and the runner never sends
 *   `conversation.item.truncate` (clamping a client-side estimate would only be less exact).
 * - **Connection state.** A peer connection that turns `disconnected` gets a grace period
 *   (default 5 s) to come back before the session reports a network drop (close 1006); `failed`
 *   or `closed` end it at once. Every end — `close()`, a drop, a failed connect — stops the
 *   microphone tracks the session opened, closes the peer connection and the data channel, and
 *   closes the meters' AudioContext if the session created it.
 */
export class OpenAIWebRTCSession extends OpenAIRealtimeSession {
  readonly peerConnection: RTCPeerConnection
  readonly #socket: DataChannelSocket
  readonly #media: WebRTCMedia
  readonly #graceMs: number
  readonly #eventPrefix = `adk_rtc_${shortId()}`
  #clears = 0
  #callId: string | undefined
  #graceTimer: ReturnType<typeof setTimeout> | undefined
  #responseActive = false
  #serverPlaying = false
  #capabilities: ProviderCapabilities | undefined

  /** @internal Use `OpenAIWebRTCModel.connect`. */
  constructor(parts: WebRTCSessionParts, config: RealtimeConfig, options: OpenAISessionOptions) {
    super(parts.transport, config, options)
    this.peerConnection = parts.peerConnection
    this.#socket = parts.socket
    this.#media = parts.media
    this.#graceMs = parts.disconnectGraceMs
    const pc = parts.peerConnection
    pc.addEventListener('track', (event) => {
      const stream = event.streams[0] ?? streamOf(event.track)
      if (event.track.kind === 'audio' && stream !== undefined) this.#media.playRemote(stream)
    })
    pc.addEventListener('connectionstatechange', () => this.#onPeerState())
  }

  /** WebRTC, and no client-side truncation (the server truncates what it did not play). */
  override get capabilities(): ProviderCapabilities {
    const base = super.capabilities
    if (
      this.#capabilities === undefined ||
      this.#capabilities.inputSampleRate !== base.inputSampleRate
    ) {
      this.#capabilities = { ...base, transports: ['webrtc'], truncation: false }
    }
    return this.#capabilities
  }

  /** The call id (`rtc_…`) from the `Location` header: a server can attach with `?call_id=`. */
  get callId(): string | undefined {
    return this.#callId
  }

  /** @internal */
  setCallId(callId: string | undefined): void {
    this.#callId = callId
  }

  /** The microphone stream being sent (`undefined` when receive-only). */
  get microphone(): MediaStream | undefined {
    return this.#media.microphone
  }

  /** The element playing the agent's voice. */
  get audioElement(): HTMLAudioElement | undefined {
    return this.#media.audioElement
  }

  /** Microphone RMS, 0–1, from an AnalyserNode. Cheap: read it every animation frame. */
  get inputLevel(): number {
    return this.#media.inputLevel
  }

  /** The agent's voice RMS, 0–1, from an AnalyserNode on the remote track. */
  get outputLevel(): number {
    return this.#media.outputLevel
  }

  /** The server is playing audio (`output_audio_buffer.started`, not yet stopped or cleared). */
  get serverPlaying(): boolean {
    return this.#serverPlaying
  }

  /** Disables the microphone track (the browser shows it as off); the call stays up. */
  setMuted(muted: boolean): void {
    this.#media.setMuted(muted)
  }

  /** Resumes audio the browser blocked; call it from a click or tap handler. */
  startAudio(): Promise<void> {
    return this.#media.startAudio()
  }

  /** @throws RealtimeError `unsupported`: the microphone travels as a media track. */
  override sendAudio(_pcm: Uint8Array): void {
    throw new RealtimeError(
      'unsupported',
      'A WebRTC session sends the microphone as a media track, not as audio frames: do not ' +
        'also capture with createBrowserAudio (or pass microphone: false to it)',
    )
  }

  /** `response.cancel` while a response is in progress, `output_audio_buffer.clear` while audio plays. */
  override interrupt(): void {
    if (this.#responseActive) super.interrupt()
    if (this.#serverPlaying) {
      this.sendEvent({
        type: 'raw',
        data: {
          type: 'output_audio_buffer.clear',
          event_id: `${this.#eventPrefix}_${++this.#clears}`,
        },
      })
    }
  }

  protected override emit(event: ServerEvent): void {
    switch (event.type) {
      case 'response.started':
        this.#responseActive = true
        break
      case 'response.done':
        this.#responseActive = false
        break
      case 'outputAudio.started':
        this.#serverPlaying = true
        break
      case 'outputAudio.stopped':
      case 'outputAudio.cleared':
        this.#serverPlaying = false
        break
      default:
        break
    }
    super.emit(event)
  }

  protected override onClosed(reason: DisconnectReason): void {
    super.onClosed(reason)
    clearTimeout(this.#graceTimer)
    this.#serverPlaying = false
    this.#responseActive = false
    try {
      this.peerConnection.close()
    } catch {
      // Already closed.
    }
    this.#media.release()
  }

  #onPeerState(): void {
    const pc = this.peerConnection
    const state = pc.connectionState ?? pc.iceConnectionState
    switch (state) {
      case 'connected':
        clearTimeout(this.#graceTimer)
        this.#graceTimer = undefined
        return
      case 'disconnected':
        // Often transient (a network switch, a brief loss): wait before calling it a drop.
        this.#graceTimer ??= setTimeout(() => {
          this.#graceTimer = undefined
          const now = pc.connectionState ?? pc.iceConnectionState
          if (now === 'disconnected') {
            this.#socket.fail(`The WebRTC connection stayed disconnected for ${this.#graceMs} ms`)
          }
        }, this.#graceMs)
        return
      case 'failed':
        this.#socket.fail('The WebRTC connection failed (ICE or DTLS)')
        return
      case 'closed':
        this.#socket.fail('The peer connection was closed')
        return
      default:
        return
    }
  }
}

function streamOf(track: MediaStreamTrack): MediaStream | undefined {
  const Stream = (globalThis as { MediaStream?: new (tracks: MediaStreamTrack[]) => MediaStream })
    .MediaStream
  return Stream === undefined ? undefined : new Stream([track])
}
