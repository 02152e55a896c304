import type { RealtimeConfig } from './config'
import type { RealtimeError } from './errors'
import type {
  ClientEvent,
  ProviderName,
  ResponseOptions,
  SeedItem,
  ServerEvent,
  ToolResult,
  VideoMimeType,
} from './events'

/**
 * The contracts between the runner and a provider, from the Rust crate's `RealtimeModel` /
 * `RealtimeSession`, with the parts the crate lacked: capabilities the runner acts on, a
 * `closed` promise with a reason, and truncation for barge-in.
 */

export type TransportKind = 'websocket' | 'webrtc'

/** How a provider takes video: still images (JPEG or PNG) sent one at a time. */
export interface VideoCapabilities {
  /**
   * The highest useful frame rate. Gemini Live samples video at 1 frame/s; OpenAI adds each
   * image to the conversation (billed as image tokens), so 1 frame/s is the sensible ceiling.
   */
  maxFramesPerSecond: number
}

/** What `sendVideoFrame` needs besides the bytes. */
export interface VideoFrameOptions {
  mimeType: VideoMimeType
}

/** What a provider can do; the runner reads these instead of checking provider names. */
export interface ProviderCapabilities {
  /**
   * `true`: config changes apply on the open connection (OpenAI `session.update`).
   * `false`: they need a resumption, i.e. a new connection (Gemini: setup is immutable).
   */
  liveContextMutation: boolean
  /** Sample rate of PCM16 the session expects from `sendAudio`. */
  inputSampleRate: number
  /** Sample rate of PCM16 in `audio.delta` events. */
  outputSampleRate: number
  voices: readonly string[]
  transports: readonly TransportKind[]
  /** A dropped connection can be resumed by handle with the conversation intact (Gemini). */
  sessionResumption: boolean
  /** The client must ask for a response after tool outputs (OpenAI `response.create`). */
  responseAfterToolOutputs: boolean
  /** Assistant audio can be truncated to what the user heard (OpenAI `conversation.item.truncate`). */
  truncation: boolean
  /** Video input (camera or screen frames), or `null` where the provider takes none. */
  video: VideoCapabilities | null
}

export interface ConnectOptions {
  /** Aborting rejects `connect` with a `cancelled` error and closes any half-open socket. */
  signal?: AbortSignal
  /** Items to recreate in a fresh session when resumption is impossible (OpenAI reconnect). */
  seedItems?: readonly SeedItem[]
}

/** A factory for sessions: one per provider, model and credentials. */
export interface RealtimeModel {
  readonly provider: ProviderName
  readonly modelId: string
  readonly capabilities: ProviderCapabilities
  /**
   * Opens a session. Resolves only when the provider has acknowledged the setup (OpenAI
   * `session.updated` for the first `session.update`; Gemini `setupComplete`), and rejects with a
   * typed `RealtimeError` otherwise (`auth_failed`, `connection_failed`, `invalid_config`, …).
   */
  connect(config: RealtimeConfig, options?: ConnectOptions): Promise<RealtimeSession>
}

/** The result of `mutateContext`: applied in place, or "reconnect with this config". */
export type ContextMutationOutcome =
  { kind: 'applied' } | { kind: 'requiresResumption'; config: RealtimeConfig }

/** Why a session ended. */
export interface DisconnectReason {
  /** WebSocket close code (1000 normal, 1006 abnormal, 1011 server error, 3000/4000 OpenAI). */
  code: number
  reason: string
  initiatedBy: 'client' | 'server' | 'network'
  /** The typed error, when the close was a failure. */
  error?: RealtimeError
}

export type ServerEventListener = (event: ServerEvent) => void

/**
 * One live connection to a provider.
 *
 * Send methods are synchronous and throw `RealtimeError('not_connected')` after close, so a
 * caller never believes a message was sent when it was not.
 */
export interface RealtimeSession {
  /** Client-side id, unique per connection (a reconnect gets a new one). */
  readonly id: string
  readonly provider: ProviderName
  readonly capabilities: ProviderCapabilities
  isConnected(): boolean

  /** PCM16 little-endian mono at `capabilities.inputSampleRate`. */
  sendAudio(pcm: Uint8Array): void
  /**
   * One video frame: the bytes of a JPEG or PNG image (Gemini `realtimeInput.video`; OpenAI a
   * user item with an `input_image` data URL). Throws `unsupported` where `capabilities.video` is
   * `null`.
   */
  sendVideoFrame(frame: Uint8Array, options: VideoFrameOptions): void
  /**
   * Bytes queued on the transport and not yet sent (the WebSocket's or data channel's
   * `bufferedAmount`): it grows when the network is slower than what is being sent. Absent where
   * the transport does not report it.
   */
  readonly bufferedAmount?: number
  /** A user text message (OpenAI: item + response request; Gemini: `clientContent` turn). */
  sendText(text: string): void
  sendToolResult(result: ToolResult): void
  commitAudio(): void
  clearAudio(): void
  /** Asks for a response (OpenAI `response.create`); a no-op where the provider needs none. */
  createResponse(options?: ResponseOptions): void
  /** Cancels the response in progress (OpenAI `response.cancel`). */
  interrupt(): void
  /** Tells the provider how much of an assistant item's audio the user actually heard. */
  truncate(itemId: string, playedMs: number, contentIndex?: number): void
  /** Any unified client event (the runner intercepts `session.update` before it gets here). */
  sendEvent(event: ClientEvent): void

  /** Applies a full config in place, or reports that a resumption is needed. */
  mutateContext(config: RealtimeConfig): Promise<ContextMutationOutcome>

  /** Subscribes to server events in arrival order; returns the unsubscribe function. */
  subscribe(listener: ServerEventListener): () => void
  /** Async iteration over server events; ends when the session closes. */
  events(): AsyncIterableIterator<ServerEvent>
  /** Settles once, when the connection ends for any reason. Never rejects. */
  readonly closed: Promise<DisconnectReason>
  /** Closes the connection (code 1000). Idempotent. */
  close(reason?: string): Promise<void>
}
