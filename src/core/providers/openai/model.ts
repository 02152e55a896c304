import type { RealtimeConfig } from '../../config'
import { RealtimeError } from '../../errors'
import type { ConnectOptions, ProviderCapabilities, RealtimeModel } from '../../session'
import { isNodeRuntime } from '../../transport/default-factory'
import type { WebSocketFactory } from '../../transport/websocket-like'
import { unlessAborted } from '../../transport/abort'
import { openWebSocketTransport } from '../../transport/open-websocket'
import { OPENAI_DEFAULT_MODEL, openAICapabilities } from './capabilities'
import { OpenAIRealtimeSession } from './session'
import { initializeSession } from '../initialize-session'

const DEFAULT_URL = 'wss://api.openai.com/v1/realtime'
const DEFAULT_CONNECT_TIMEOUT_MS = 15_000

export interface OpenAIRealtimeModelOptions {
  /**
   * A standard key (`sk-…`, servers only) or an ephemeral client secret (`ek_…`, from
   * `POST /v1/realtime/client_secrets`). A function is called on every connect, so a reconnect
   * can mint a fresh ephemeral key.
   */
  apiKey?: string | (() => string | Promise<string>)
  /** Default `gpt-realtime`; a config's `model` takes precedence. */
  model?: string
  /** Default `wss://api.openai.com/v1/realtime` (`?model=` is appended). */
  url?: string
  /** `OpenAI-Organization` / `OpenAI-Project` (header auth), or their subprotocols (browsers). */
  organization?: string
  project?: string
  /**
   * How the key travels: `header` (`Authorization: Bearer`, Node) or `subprotocol`
   * (`realtime, openai-insecure-api-key.<key>`, browsers, which cannot set headers). Default:
   * `header` in Node, `subprotocol` elsewhere. `none` sends no credential: for a relay
   * (`adk-realtime/server` `createRelayServer`) that holds the key on the server.
   */
  auth?: 'header' | 'subprotocol' | 'none'
  /**
   * Allows a standard (non-`ek_`) key in subprotocol auth. Off by default: a key in a browser is
   * readable by anyone who opens the page. Mint an ephemeral key on your server instead.
   */
  dangerouslyAllowApiKeyInBrowser?: boolean
  /** Inject a socket (tests, proxies). Default: global `WebSocket`, or `ws` in Node. */
  webSocketFactory?: WebSocketFactory
  /** Inbound frames above this are dropped with a `frame_too_large` error event. Default 8 MiB. */
  maxInboundFrameBytes?: number
  /** Limit for opening the socket and for each `session.update` acknowledgement. Default 15 s. */
  connectTimeoutMs?: number
}

/**
 * OpenAI Realtime (GA) over WebSocket.
 *
 * @example
 * const model = new OpenAIRealtimeModel({ apiKey: process.env.OPENAI_API_KEY! })
 * const session = await model.connect(parseRealtimeConfig({ instruction: 'Be brief.', voice: 'marin' }))
 * session.subscribe((event) => {
 *   if (event.type === 'transcript.delta') process.stdout.write(event.delta)
 * })
 * session.sendText('Hello!')
 */
export class OpenAIRealtimeModel implements RealtimeModel {
  readonly provider = 'openai'
  readonly modelId: string
  readonly capabilities: ProviderCapabilities = openAICapabilities()
  readonly #options: OpenAIRealtimeModelOptions

  constructor(options: OpenAIRealtimeModelOptions) {
    this.#options = options
    this.modelId = options.model ?? OPENAI_DEFAULT_MODEL
  }

  /** The URL a connect with `config` dials. */
  url(config: RealtimeConfig = {}): string {
    const url = new URL(this.#options.url ?? DEFAULT_URL)
    url.searchParams.set('model', config.model ?? this.modelId)
    return url.toString()
  }

  /**
   * Opens a session and resolves once the server acknowledged the config (`session.updated`).
   * Rejects with `auth_failed` (close 3000), `invalid_config` (close 4000 or a refused config,
   * or a standard key offered from a browser), `connection_failed`, `timeout` or `cancelled`.
   */
  async connect(
    config: RealtimeConfig,
    options: ConnectOptions = {},
  ): Promise<OpenAIRealtimeSession> {
    const auth = this.#options.auth ?? (isNodeRuntime() ? 'header' : 'subprotocol')
    // A key provider can take long (a token fetch); an abort meanwhile settles the connect.
    const apiKey =
      auth === 'none' ? '' : await unlessAborted(options.signal, () => this.#resolveKey())
    if (
      auth === 'subprotocol' &&
      !apiKey.startsWith('ek_') &&
      this.#options.dangerouslyAllowApiKeyInBrowser !== true
    ) {
      throw new RealtimeError(
        'invalid_config',
        'Refusing to send a standard OpenAI API key from a browser: mint an ephemeral key (ek_…) on your server, or set dangerouslyAllowApiKeyInBrowser',
        { path: 'apiKey' },
      )
    }
    const timeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS
    const transport = await openWebSocketTransport({
      url: this.url(config),
      ...(auth === 'header'
        ? { headers: this.#headers(apiKey) }
        : { protocols: auth === 'none' ? ['realtime'] : this.#protocols(apiKey) }),
      connectTimeoutMs: timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(this.#options.webSocketFactory === undefined
        ? {}
        : { webSocketFactory: this.#options.webSocketFactory }),
      ...(this.#options.maxInboundFrameBytes === undefined
        ? {}
        : { maxInboundFrameBytes: this.#options.maxInboundFrameBytes }),
    })
    const session = new OpenAIRealtimeSession(transport, config, { ackTimeoutMs: timeoutMs })
    return initializeSession(session, options.signal, () => session.initialize(options.seedItems))
  }

  async #resolveKey(): Promise<string> {
    const { apiKey } = this.#options
    const key = typeof apiKey === 'function' ? await apiKey() : apiKey
    if (typeof key !== 'string' || key === '') {
      throw new RealtimeError('invalid_config', 'An OpenAI API key is required', { path: 'apiKey' })
    }
    return key
  }

  #headers(apiKey: string): Record<string, string> {
    return {
      Authorization: `Bearer ${apiKey}`,
      ...(this.#options.organization === undefined
        ? {}
        : { 'OpenAI-Organization': this.#options.organization }),
      ...(this.#options.project === undefined ? {} : { 'OpenAI-Project': this.#options.project }),
    }
  }

  /** The server must select `realtime`; the credential rides in the second subprotocol. */
  #protocols(apiKey: string): string[] {
    return [
      'realtime',
      `openai-insecure-api-key.${apiKey}`,
      ...(this.#options.organization === undefined
        ? []
        : [`openai-organization.${this.#options.organization}`]),
      ...(this.#options.project === undefined ? [] : [`openai-project.${this.#options.project}`]),
    ]
  }
}
