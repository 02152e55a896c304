import type { RealtimeConfig } from '../../config'
import { RealtimeError } from '../../errors'
import type { ConnectOptions, ProviderCapabilities, RealtimeModel } from '../../session'
import type { WebSocketFactory } from '../../transport/websocket-like'
import { unlessAborted } from '../../transport/abort'
import { openWebSocketTransport } from '../../transport/open-websocket'
import { GEMINI_CAPABILITIES, GEMINI_DEFAULT_MODEL } from './capabilities'
import { geminiEndpoint, geminiModelPath } from './endpoint'
import type { GeminiVertexOptions } from './endpoint'
import type { GeminiTextInput } from './protocol-client'
import { toGeminiSetup } from './protocol-setup'
import { GeminiRealtimeSession } from './session'
import { initializeSession } from '../initialize-session'

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000

export interface GeminiRealtimeModelOptions {
  /** Default `gemini-2.5-flash-native-audio-preview-09-2025`; a config's `model` takes precedence. */
  model?: string
  /**
   * AI Studio API key (sent as `?key=`), or an ephemeral token `auth_tokens/…` minted on your
   * server (sent as `?access_token=` to `BidiGenerateContentConstrained`; safe in browsers).
   * A function is called on every connect.
   */
  apiKey?: string | (() => string | Promise<string>)
  /**
   * `none`: connect without a credential, through a relay (`adk-realtime/server`
   * `createRelayServer`) that adds the key on the server. Use with `baseUrl`.
   */
  auth?: 'none'
  /** Vertex AI instead of AI Studio: project, location and an access-token provider. */
  vertex?: GeminiVertexOptions
  /** Default `v1beta` (AI Studio), `v1alpha` (ephemeral tokens), `v1beta1` (Vertex). */
  apiVersion?: string
  /** Replaces scheme, host and port, e.g. `ws://127.0.0.1:8080` for a mock server. */
  baseUrl?: string
  /**
   * Ask for resumption handles in every setup (`sessionResumption: {}`). Default true; without
   * handles a dropped or mutated session starts over without its conversation.
   */
  requestResumptionHandles?: boolean
  /**
   * How `sendText` sends user text: `clientContent` turns, or `realtimeInput.text`. Default
   * `auto`: `realtimeInput` for Gemini 3 models (which close the socket with 1007 on
   * `clientContent` after the first turn), `clientContent` otherwise. In `realtimeInput` mode,
   * `system` and `assistant` text events are refused with `unsupported` (they exist only as
   * `clientContent`); history seeded at connect is still sent.
   */
  textInput?: GeminiTextInput | 'auto'
  webSocketFactory?: WebSocketFactory
  /** Inbound frames above this are dropped with a `frame_too_large` error event. Default 8 MiB. */
  maxInboundFrameBytes?: number
  /** Limit for opening the socket and for `setupComplete`. Default 15 s. */
  connectTimeoutMs?: number
}

/**
 * Gemini Live over WebSocket, on AI Studio (API key or ephemeral token) or Vertex AI.
 *
 * @example
 * const model = new GeminiRealtimeModel({ apiKey: process.env.GEMINI_API_KEY! })
 * const session = await model.connect(parseRealtimeConfig({ instruction: 'Be brief.', voice: 'Puck' }))
 * session.subscribe((event) => {
 *   if (event.type === 'resumption.update' && event.handle) saveHandle(event.handle)
 * })
 *
 * @example
 * // Vertex AI, with a token from google-auth-library
 * const vertex = new GeminiRealtimeModel({
 *   model: 'gemini-live-2.5-flash',
 *   vertex: { project: 'my-project', location: 'us-central1', accessToken: () => auth.getAccessToken() },
 * })
 */
export class GeminiRealtimeModel implements RealtimeModel {
  readonly provider = 'gemini'
  readonly modelId: string
  readonly capabilities: ProviderCapabilities = GEMINI_CAPABILITIES
  readonly #options: GeminiRealtimeModelOptions

  constructor(options: GeminiRealtimeModelOptions) {
    this.#options = options
    this.modelId = options.model ?? GEMINI_DEFAULT_MODEL
  }

  /** The model resource name the setup carries for `config`. */
  modelPath(config: RealtimeConfig = {}): string {
    return geminiModelPath(config.model ?? this.modelId, this.#options.vertex)
  }

  /**
   * Opens a session and resolves on `setupComplete`. Rejects with `auth_failed` (1007/1008 with
   * a credential reason), `invalid_config` (other 1007/1008, or a G.711 format), `server_error`
   * (1011), `connection_failed`, `timeout` or `cancelled`.
   */
  async connect(
    config: RealtimeConfig,
    options: ConnectOptions = {},
  ): Promise<GeminiRealtimeSession> {
    const vertex = this.#options.vertex
    const setup = toGeminiSetup(config, {
      model: this.modelPath(config),
      vertex: vertex !== undefined,
      requestResumption: this.#options.requestResumptionHandles ?? true,
    })
    // A key or token provider can take long (a token fetch); an abort meanwhile settles the connect.
    const { signal } = options
    const endpoint = geminiEndpoint({
      ...(this.#options.auth === 'none'
        ? { auth: 'none' as const }
        : vertex === undefined
          ? { apiKey: await unlessAborted(signal, () => this.#apiKey()) }
          : {
              vertex,
              accessToken: await unlessAborted(signal, () => resolveToken(vertex.accessToken)),
            }),
      ...(this.#options.apiVersion === undefined ? {} : { apiVersion: this.#options.apiVersion }),
      ...(this.#options.baseUrl === undefined ? {} : { baseUrl: this.#options.baseUrl }),
    })
    const timeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    const transport = await openWebSocketTransport({
      url: endpoint.url,
      headers: endpoint.headers,
      connectTimeoutMs: timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(this.#options.webSocketFactory === undefined
        ? {}
        : { webSocketFactory: this.#options.webSocketFactory }),
      ...(this.#options.maxInboundFrameBytes === undefined
        ? {}
        : { maxInboundFrameBytes: this.#options.maxInboundFrameBytes }),
    })
    const session = new GeminiRealtimeSession(transport, config, {
      setupTimeoutMs: timeoutMs,
      textInput: this.#textInput(config),
      vertex: vertex !== undefined,
    })
    // A resumed session already has its history; seeding it again would duplicate turns.
    const seeds = config.sessionResumption?.handle === undefined ? options.seedItems : undefined
    return initializeSession(session, options.signal, () => session.initialize(setup, seeds))
  }

  #textInput(config: RealtimeConfig): GeminiTextInput {
    const choice = this.#options.textInput ?? 'auto'
    if (choice !== 'auto') return choice
    return /(^|\/)gemini-3/.test(config.model ?? this.modelId) ? 'realtimeInput' : 'clientContent'
  }

  async #apiKey(): Promise<string> {
    const { apiKey } = this.#options
    const key = typeof apiKey === 'function' ? await apiKey() : apiKey
    if (key === undefined || key === '') {
      throw new RealtimeError(
        'invalid_config',
        'Gemini needs an API key, an ephemeral token or Vertex options',
        {
          path: 'apiKey',
        },
      )
    }
    return key
  }
}

async function resolveToken(provider: GeminiVertexOptions['accessToken']): Promise<string> {
  try {
    return await provider()
  } catch (error) {
    throw RealtimeError.from(
      error,
      'auth_failed',
      `Could not get a Vertex AI access token: ${String(error)}`,
    )
  }
}
